//! The record of requests for what is held about a person: one item each (`DSR#<id>`), put
//! once, listed on `gsi1` under `SUBJECT_REQUESTS` by position (time, id).

use async_trait::async_trait;
use motcua_domain::ports::{StoreResult, SubjectRequests};
use motcua_domain::privacy::SubjectRequest;

use super::items::{self, body, with_body};
use super::keys::Index;
use super::query::{Page, Range};
use super::DynamoStore;

const LIST: &str = "SUBJECT_REQUESTS";

#[async_trait]
impl SubjectRequests for DynamoStore {
    async fn record_request(&self, request: &SubjectRequest) -> StoreResult<()> {
        let mut item = with_body((format!("DSR#{}", request.id), "#REQUEST".into()), request)?;
        items::index(&mut item, Index::Lists, (LIST.into(), request.position()));
        self.put_absent(item).await
    }

    async fn subject_requests(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<SubjectRequest>> {
        let range = after.map_or(Range::All, |a| Range::After(a.to_owned()));
        let page = Page::index(Index::Lists, LIST.into(), range, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(body).collect()
    }
}
