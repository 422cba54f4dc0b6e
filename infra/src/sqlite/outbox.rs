//! The outbox table, as the delivery worker sees it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::notify::OutgoingMessage;
use motcua_domain::ports::{Outbox, StoreResult};
use rusqlite::params;

use super::{from_json, ts, unavailable, SqliteStore};

/// After this many failed attempts a message is left for an operator (it stays in the table).
pub const MAX_ATTEMPTS: u32 = 8;

#[async_trait]
impl Outbox for SqliteStore {
    async fn pending(&self, limit: usize) -> StoreResult<Vec<OutgoingMessage>> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT body FROM outbox WHERE sent_at IS NULL AND attempts < ?1 ORDER BY created_at LIMIT ?2",
                )
                .map_err(unavailable)?;
            let rows =
                stmt.query_map(params![MAX_ATTEMPTS, limit as i64], |r| r.get::<_, String>(0)).map_err(unavailable)?;
            let mut out = Vec::new();
            for body in rows {
                out.push(from_json(&body.map_err(unavailable)?)?);
            }
            Ok(out)
        })
        .await
    }

    async fn mark_sent(&self, id: &str, provider_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let (id, provider_id) = (id.to_owned(), provider_id.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE outbox SET sent_at = ?2, provider_id = ?3, attempts = attempts + 1 WHERE id = ?1 AND sent_at IS NULL",
                params![id, ts(at), provider_id],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn mark_failed(&self, id: &str, error: &str) -> StoreResult<()> {
        let (id, error) = (id.to_owned(), error.chars().take(500).collect::<String>());
        self.write(move |tx| {
            tx.execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1", params![id, error])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}
