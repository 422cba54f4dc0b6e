//! The outbox table: each message's delivery state, moved by conditional updates.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::notify::delivery::Settlement;
use motcua_domain::notify::{DeliveryState, OutgoingMessage};
use motcua_domain::ports::{Outbox, StoreError, StoreResult, StoredMessage};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{from_json, to_json, ts, unavailable, SqliteStore};

const COLUMNS: &str = "body, state, attempts, provider_id, last_error";

/// A row as read: body, state, attempts, provider id, last error.
type Columns = (String, String, u32, Option<String>, Option<String>);

fn stored(row: &Row<'_>) -> rusqlite::Result<Columns> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
}

fn decode((body, state, attempts, provider_id, last_error): Columns) -> StoreResult<StoredMessage> {
    let state = DeliveryState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("delivery state {state}")))?;
    Ok(StoredMessage { message: from_json(&body)?, state, attempts, provider_id, last_error })
}

fn select(c: &Connection, sql: &str, params: impl rusqlite::Params) -> StoreResult<Vec<StoredMessage>> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let rows = stmt.query_map(params, stored).map_err(unavailable)?;
    rows.map(|r| decode(r.map_err(unavailable)?)).collect()
}

fn one(c: &Connection, id: &str) -> StoreResult<Option<StoredMessage>> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1");
    c.query_row(&sql, [id], stored).optional().map_err(unavailable)?.map(decode).transpose()
}

/// Writes a new message in `created`, due at its `created_at`, under its `dossier_code`; a
/// message with its id already there is kept. Whether it was new.
pub(super) fn insert(tx: &Transaction<'_>, m: &OutgoingMessage) -> StoreResult<bool> {
    let added = tx
        .execute(
            "INSERT OR IGNORE INTO outbox (id, dossier, body, created_at, next_attempt_at, state)
             VALUES (?1, ?2, ?3, ?4, ?4, 'created')",
            params![m.id, m.dossier_code, to_json(m)?, ts(m.created_at)],
        )
        .map_err(unavailable)?;
    Ok(added > 0)
}

impl SqliteStore {
    /// Open messages (`created`, `sending`) and when the oldest of them was raised, for the
    /// metrics.
    pub async fn open_messages(&self) -> StoreResult<(u64, u64, Option<DateTime<Utc>>)> {
        self.read(|c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT state, count(*), min(created_at) FROM outbox
                     WHERE state IN ('created', 'sending') GROUP BY state",
                )
                .map_err(unavailable)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?, r.get::<_, String>(2)?)))
                .map_err(unavailable)?;
            let (mut created, mut sending, mut oldest) = (0, 0, None::<DateTime<Utc>>);
            for row in rows {
                let (state, count, first) = row.map_err(unavailable)?;
                let first = crate::codec::parse_ts(&first)?;
                oldest = Some(oldest.map_or(first, |o| o.min(first)));
                if state == "created" {
                    created = count;
                } else {
                    sending = count;
                }
            }
            Ok((created, sending, oldest))
        })
        .await
    }
}

#[async_trait]
impl Outbox for SqliteStore {
    async fn post(&self, messages: &[OutgoingMessage]) -> StoreResult<usize> {
        let messages = messages.to_vec();
        self.write(move |tx| {
            let mut added = 0;
            for m in &messages {
                added += usize::from(insert(tx, m)?);
            }
            Ok(added)
        })
        .await
    }

    async fn pending(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE state = 'created' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at LIMIT ?2"
        );
        self.read(move |c| select(c, &sql, params![ts(now), limit as i64])).await
    }

    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM outbox WHERE state = 'sending' AND deadline < ?1 ORDER BY deadline LIMIT ?2"
        );
        self.read(move |c| select(c, &sql, params![ts(now), limit as i64])).await
    }

    async fn message(&self, id: &str) -> StoreResult<Option<StoredMessage>> {
        let id = id.to_owned();
        self.read(move |c| one(c, &id)).await
    }

    async fn under(&self, key: &str) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE dossier = ?1 ORDER BY id");
        let key = key.to_owned();
        self.read(move |c| select(c, &sql, [key])).await
    }

    async fn message_of_provider(&self, provider_id: &str) -> StoreResult<Option<String>> {
        let provider_id = provider_id.to_owned();
        self.read(move |c| {
            c.query_row("SELECT id FROM outbox WHERE provider_id = ?1", [provider_id], |r| r.get(0))
                .optional()
                .map_err(unavailable)
        })
        .await
    }

    async fn claim(
        &self,
        id: &str,
        due_by: DateTime<Utc>,
        deadline: DateTime<Utc>,
    ) -> StoreResult<Option<StoredMessage>> {
        let id = id.to_owned();
        self.write(move |tx| {
            let claimed = tx
                .execute(
                    "UPDATE outbox SET state = 'sending', attempts = attempts + 1, deadline = ?3
                     WHERE id = ?1 AND state = 'created' AND next_attempt_at <= ?2",
                    params![id, ts(due_by), ts(deadline)],
                )
                .map_err(unavailable)?;
            if claimed == 0 {
                return Ok(None);
            }
            one(tx, &id)
        })
        .await
    }

    async fn settle(&self, id: &str, settlement: &Settlement) -> StoreResult<bool> {
        let id = id.to_owned();
        let s = settlement.clone();
        self.write(move |tx| {
            let error = s.error.as_ref().map(|e| e.chars().take(500).collect::<String>());
            let changed = tx
                .execute(
                    "UPDATE outbox SET state = ?2, provider_id = COALESCE(?3, provider_id),
                         last_error = COALESCE(?4, last_error), next_attempt_at = ?5, deadline = ?6,
                         sent_at = CASE WHEN ?3 IS NOT NULL THEN ?7 ELSE sent_at END,
                         final_at = CASE WHEN ?2 IN ('created', 'sending') THEN NULL ELSE ?7 END
                     WHERE id = ?1 AND state = 'sending'",
                    params![
                        id,
                        s.state.as_str(),
                        s.provider_id,
                        error,
                        s.retry_at.map(ts),
                        s.deadline.map(ts),
                        ts(Utc::now()),
                    ],
                )
                .map_err(unavailable)?;
            if changed == 0 {
                return Ok(false);
            }
            if let Some(next) = &s.follow_up {
                insert(tx, next)?;
            }
            Ok(true)
        })
        .await
    }

    async fn redact_final(&self, before: DateTime<Utc>, now: DateTime<Utc>, limit: usize) -> StoreResult<usize> {
        self.write(move |tx| {
            let due: Vec<(String, String)> = {
                let mut stmt = tx
                    .prepare_cached(
                        "SELECT id, body FROM outbox WHERE final_at IS NOT NULL AND redacted_at IS NULL
                         AND final_at < ?1 ORDER BY final_at LIMIT ?2",
                    )
                    .map_err(unavailable)?;
                let rows = stmt
                    .query_map(params![ts(before), limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))
                    .map_err(unavailable)?;
                rows.collect::<Result<_, _>>().map_err(unavailable)?
            };
            let mut redact = tx
                .prepare_cached("UPDATE outbox SET body = ?2, redacted_at = ?3 WHERE id = ?1")
                .map_err(unavailable)?;
            for (id, body) in &due {
                let m: OutgoingMessage = from_json(body)?;
                let kept = to_json(&motcua_domain::notify::retention::redacted(&m))?;
                redact.execute(params![id, kept, ts(now)]).map_err(unavailable)?;
            }
            Ok(due.len())
        })
        .await
    }
}
