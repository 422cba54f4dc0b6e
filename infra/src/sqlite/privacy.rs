//! The record of requests for what is held about a person (`subject_requests`), by position.

use async_trait::async_trait;
use motcua_domain::ports::{StoreResult, SubjectRequests};
use motcua_domain::privacy::SubjectRequest;

use super::positions::Again;
use super::{to_json, SqliteStore};

#[async_trait]
impl SubjectRequests for SqliteStore {
    async fn record_request(&self, request: &SubjectRequest) -> StoreResult<()> {
        self.put_at("subject_requests", request.position(), to_json(request)?, Again::Refused).await
    }

    async fn subject_requests(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<SubjectRequest>> {
        self.list_after("subject_requests", after, limit).await
    }
}
