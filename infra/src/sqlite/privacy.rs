//! The record of requests for what is held about a person (`subject_requests`), by position.

use async_trait::async_trait;
use motcua_domain::ports::{StoreResult, SubjectRequests};
use motcua_domain::privacy::SubjectRequest;
use rusqlite::params;

use super::{from_json, to_json, unavailable, SqliteStore};

#[async_trait]
impl SubjectRequests for SqliteStore {
    async fn record_request(&self, request: &SubjectRequest) -> StoreResult<()> {
        let (position, body) = (request.position(), to_json(request)?);
        self.write(move |tx| {
            tx.execute("INSERT INTO subject_requests (position, body) VALUES (?1, ?2)", params![position, body])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn subject_requests(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<SubjectRequest>> {
        let after = after.unwrap_or_default().to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT body FROM subject_requests WHERE position > ?1 ORDER BY position LIMIT ?2")
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![after, limit.clamp(1, 1000) as i64], |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            rows.map(|r| from_json(&r.map_err(unavailable)?)).collect()
        })
        .await
    }
}
