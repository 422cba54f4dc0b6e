//! Fixed-window counters in SQLite: one upsert per use, refused at the cap.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::ports::{LimitUse, Limits, StoreResult};
use rusqlite::{params, Connection, OptionalExtension};

use super::{ts, unavailable, SqliteStore};

/// Drops counters whose window has ended; `limits_expiry` makes it a range search.
pub(super) const PURGE_EXPIRED: &str = "DELETE FROM limits WHERE expires_at < ?1";

/// Counts `limit`'s use inside `tx`; `false`, with nothing counted, at its window's maximum.
pub(super) fn count_use(tx: &Connection, limit: &LimitUse) -> StoreResult<bool> {
    let now = ts(Utc::now());
    tx.execute(PURGE_EXPIRED, [now]).map_err(unavailable)?;
    let counted: Option<u32> = tx
        .query_row(
            "INSERT INTO limits (key, window_start, used, expires_at) VALUES (?1, ?2, 1, ?3)
             ON CONFLICT (key, window_start) DO UPDATE SET used = used + 1 WHERE used < ?4
             RETURNING used",
            params![limit.key, ts(limit.window_start), ts(limit.window_start + limit.window), limit.max],
            |r| r.get(0),
        )
        .optional()
        .map_err(unavailable)?;
    Ok(counted.is_some_and(|used| used <= limit.max))
}

#[async_trait]
impl Limits for SqliteStore {
    async fn take(&self, limit: &LimitUse) -> StoreResult<bool> {
        let limit = limit.clone();
        self.write(move |tx| count_use(tx, &limit)).await
    }

    async fn used(&self, key: &str, window_start: DateTime<Utc>) -> StoreResult<u32> {
        let key = key.to_owned();
        self.read(move |c| {
            c.query_row(
                "SELECT used FROM limits WHERE key = ?1 AND window_start = ?2",
                params![key, ts(window_start)],
                |r| r.get(0),
            )
            .optional()
            .map(|u| u.unwrap_or(0))
            .map_err(unavailable)
        })
        .await
    }
}
