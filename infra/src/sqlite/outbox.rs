//! The outbox table, as the delivery worker sees it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::ports::{Outbox, PendingMessage, StoreResult};
use rusqlite::{params, OptionalExtension};

use super::{from_json, ts, unavailable, SqliteStore};

#[async_trait]
impl Outbox for SqliteStore {
    async fn pending(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<PendingMessage>> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT body, attempts FROM outbox
                     WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?1
                     ORDER BY next_attempt_at LIMIT ?2",
                )
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![ts(now), limit as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
                .map_err(unavailable)?;
            let mut out = Vec::new();
            for row in rows {
                let (body, attempts) = row.map_err(unavailable)?;
                out.push(PendingMessage { message: from_json(&body)?, attempts });
            }
            Ok(out)
        })
        .await
    }

    async fn unsent(&self, id: &str) -> StoreResult<Option<PendingMessage>> {
        let id = id.to_owned();
        self.read(move |c| {
            let row: Option<(String, u32)> = c
                .query_row(
                    "SELECT body, attempts FROM outbox WHERE id = ?1 AND sent_at IS NULL AND next_attempt_at IS NOT NULL",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(unavailable)?;
            row.map(|(body, attempts)| Ok(PendingMessage { message: from_json(&body)?, attempts })).transpose()
        })
        .await
    }

    async fn mark_sent(&self, id: &str, provider_id: &str, at: DateTime<Utc>) -> StoreResult<()> {
        let (id, provider_id) = (id.to_owned(), provider_id.to_owned());
        self.write(move |tx| {
            tx.execute(
                "UPDATE outbox SET sent_at = ?2, provider_id = ?3, attempts = attempts + 1, next_attempt_at = NULL
                 WHERE id = ?1 AND sent_at IS NULL",
                params![id, ts(at), provider_id],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn mark_failed(&self, id: &str, error: &str, retry_at: Option<DateTime<Utc>>) -> StoreResult<()> {
        let (id, error) = (id.to_owned(), error.chars().take(500).collect::<String>());
        self.write(move |tx| {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
                 WHERE id = ?1 AND sent_at IS NULL",
                params![id, error, retry_at.map(ts)],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}
