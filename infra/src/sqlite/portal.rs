//! The portal sync queue and the national-code table in SQLite: one row per committed event
//! (`portal_sync`, inserted by the commit's transaction), moved by conditional updates.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::portal::{NationalCode, Settled, SyncCounts, SyncItem, SyncState};
use motcua_domain::ports::{NationalCodes, StoreError, StoreResult, SyncQueue};
use motcua_domain::reports::Tally;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{from_json, to_json, ts, unavailable, SqliteStore};
use crate::codec::parse_ts;
use crate::portal_worker::held_reason;

const COLUMNS: &str =
    "dossier, seq, state, attempts, next_attempt_at, claim, claim_until, last_error, acknowledged_at, documents";

/// Queues event `seq` of `dossier` (holding `documents` documents after it), due at `at`, in the
/// commit's transaction.
pub(super) fn queue(
    tx: &Transaction<'_>,
    dossier: &str,
    seq: u32,
    documents: usize,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    tx.execute(
        "INSERT OR IGNORE INTO portal_sync (dossier, seq, state, next_attempt_at, documents)
         VALUES (?1, ?2, 'pending', ?3, ?4)",
        params![dossier, seq, ts(at), documents as i64],
    )
    .map_err(unavailable)?;
    Ok(())
}

type Columns =
    (String, u32, String, u32, String, Option<String>, Option<String>, Option<String>, Option<String>, Option<u32>);

fn columns(r: &Row<'_>) -> rusqlite::Result<Columns> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?))
}

fn decode(c: Columns) -> StoreResult<SyncItem> {
    let (dossier, seq, state, attempts, next, claim, claim_until, last_error, acknowledged_at, documents) = c;
    let claim = match (claim, claim_until) {
        (Some(token), Some(until)) => Some((token, parse_ts(&until)?)),
        _ => None,
    };
    Ok(SyncItem {
        dossier: DossierCode::parse(&dossier).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        seq,
        state: SyncState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("sync state {state}")))?,
        attempts,
        next_attempt_at: parse_ts(&next)?,
        claim,
        last_error,
        acknowledged_at: acknowledged_at.as_deref().map(parse_ts).transpose()?,
        documents,
    })
}

fn select(c: &Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<SyncItem>> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let rows = stmt.query_map(p, columns).map_err(unavailable)?;
    rows.map(|r| decode(r.map_err(unavailable)?)).collect()
}

fn one(c: &Connection, code: &str, seq: u32) -> StoreResult<Option<SyncItem>> {
    let sql = format!("SELECT {COLUMNS} FROM portal_sync WHERE dossier = ?1 AND seq = ?2");
    c.query_row(&sql, params![code, seq], columns).optional().map_err(unavailable)?.map(decode).transpose()
}

fn error_text(e: &str) -> String {
    e.chars().take(500).collect()
}

#[async_trait]
impl SyncQueue for SqliteStore {
    async fn due_items(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<SyncItem>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM portal_sync WHERE state = 'pending' AND next_attempt_at <= ?1
             ORDER BY next_attempt_at LIMIT ?2"
        );
        self.read(move |c| select(c, &sql, params![ts(now), limit as i64])).await
    }

    async fn sync_items(&self, code: &DossierCode) -> StoreResult<Vec<SyncItem>> {
        let sql = format!("SELECT {COLUMNS} FROM portal_sync WHERE dossier = ?1 ORDER BY seq");
        let code = code.to_string();
        self.read(move |c| select(c, &sql, [code])).await
    }

    async fn claim_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<SyncItem>> {
        let (code, token) = (code.to_string(), token.to_owned());
        self.write(move |tx| {
            let claimed = tx
                .execute(
                    "UPDATE portal_sync SET attempts = attempts + 1, claim = ?3, claim_until = ?5
                     WHERE dossier = ?1 AND seq = ?2 AND state = 'pending' AND next_attempt_at <= ?4
                       AND (claim_until IS NULL OR claim_until < ?4)",
                    params![code, seq, token, ts(now), ts(until)],
                )
                .map_err(unavailable)?;
            if claimed == 0 {
                return Ok(None);
            }
            one(tx, &code, seq)
        })
        .await
    }

    async fn settle_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        settled: &Settled,
        tally: &[Tally],
    ) -> StoreResult<bool> {
        let (code, token, settled, tally) = (code.to_string(), token.to_owned(), settled.clone(), tally.to_vec());
        self.write(move |tx| {
            let (state, next, error, acknowledged) = match &settled {
                Settled::Acknowledged { at } => ("acknowledged", None, None, Some(ts(*at))),
                Settled::Retry { at, error } => ("pending", Some(ts(*at)), Some(error_text(error)), None),
                Settled::Parked { reason } => ("parked", None, Some(error_text(reason)), None),
            };
            let changed = tx
                .execute(
                    "UPDATE portal_sync SET state = ?4, next_attempt_at = COALESCE(?5, next_attempt_at),
                         last_error = COALESCE(?6, last_error), acknowledged_at = ?7, claim = NULL, claim_until = NULL
                     WHERE dossier = ?1 AND seq = ?2 AND claim = ?3 AND state = 'pending'",
                    params![code, seq, token, state, next, error, acknowledged],
                )
                .map_err(unavailable)?;
            if changed == 1 {
                super::tallies::add(tx, &tally)?;
            }
            Ok(changed == 1)
        })
        .await
    }

    async fn hold_behind(&self, head: &SyncItem) -> StoreResult<()> {
        let head = head.clone();
        self.write(move |tx| {
            let code = head.dossier.to_string();
            let held = match head.state {
                SyncState::Parked => tx.execute(
                    "UPDATE portal_sync SET state = 'parked', last_error = ?3
                     WHERE dossier = ?1 AND seq > ?2 AND state = 'pending' AND claim IS NULL",
                    params![code, head.seq, held_reason(head.seq)],
                ),
                SyncState::Pending => tx.execute(
                    "UPDATE portal_sync SET next_attempt_at = ?3
                     WHERE dossier = ?1 AND seq > ?2 AND state = 'pending' AND next_attempt_at < ?3",
                    params![code, head.seq, ts(head.next_attempt_at)],
                ),
                SyncState::Acknowledged => Ok(0),
            };
            held.map(|_| ()).map_err(unavailable)
        })
        .await
    }

    async fn requeue(&self, code: &DossierCode, latest: u32, now: DateTime<Utc>) -> StoreResult<bool> {
        let code = code.to_string();
        self.write(move |tx| {
            let unparked = tx
                .execute(
                    "UPDATE portal_sync SET state = 'pending', attempts = 0, next_attempt_at = ?2, last_error = NULL
                     WHERE dossier = ?1 AND state = 'parked'",
                    params![code, ts(now)],
                )
                .map_err(unavailable)?;
            let open: u32 = tx
                .query_row(
                    "SELECT COUNT(*) FROM portal_sync WHERE dossier = ?1 AND state != 'acknowledged'",
                    [&code],
                    |r| r.get(0),
                )
                .map_err(unavailable)?;
            if open > 0 {
                return Ok(unparked > 0);
            }
            tx.execute(
                "INSERT INTO portal_sync (dossier, seq, state, next_attempt_at) VALUES (?1, ?2, 'pending', ?3)
                 ON CONFLICT (dossier, seq) DO UPDATE SET state = 'pending', attempts = 0,
                     next_attempt_at = excluded.next_attempt_at, last_error = NULL, acknowledged_at = NULL,
                     documents = NULL",
                params![code, latest, ts(now)],
            )
            .map_err(unavailable)?;
            Ok(true)
        })
        .await
    }

    async fn parked_items(&self, limit: usize) -> StoreResult<Vec<SyncItem>> {
        let sql = format!("SELECT {COLUMNS} FROM portal_sync WHERE state = 'parked' ORDER BY dossier, seq LIMIT ?1");
        self.read(move |c| select(c, &sql, [limit as i64])).await
    }

    async fn sync_counts(&self) -> StoreResult<SyncCounts> {
        self.read(|c| {
            c.query_row(
                "SELECT COUNT(*) FILTER (WHERE state = 'pending'), COUNT(*) FILTER (WHERE state = 'parked')
                 FROM portal_sync WHERE state != 'acknowledged'",
                [],
                |r| Ok(SyncCounts { pending: r.get(0)?, parked: r.get(1)? }),
            )
            .map_err(unavailable)
        })
        .await
    }
}

#[async_trait]
impl NationalCodes for SqliteStore {
    async fn national_code(&self, procedure: &str) -> StoreResult<Option<NationalCode>> {
        let procedure = procedure.to_owned();
        self.read(move |c| {
            let body: Option<String> = c
                .query_row("SELECT body FROM national_codes WHERE procedure = ?1", [procedure], |r| r.get(0))
                .optional()
                .map_err(unavailable)?;
            body.as_deref().map(from_json).transpose()
        })
        .await
    }

    async fn put_national_code(&self, code: &NationalCode) -> StoreResult<()> {
        let (procedure, body) = (code.procedure.clone(), to_json(code)?);
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO national_codes (procedure, body) VALUES (?1, ?2)
                 ON CONFLICT (procedure) DO UPDATE SET body = excluded.body",
                params![procedure, body],
            )
            .map(|_| ())
            .map_err(unavailable)
        })
        .await
    }

    async fn national_codes(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<NationalCode>> {
        let after = after.unwrap_or("").to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT body FROM national_codes WHERE procedure > ?1 ORDER BY procedure LIMIT ?2")
                .map_err(unavailable)?;
            let rows = stmt.query_map(params![after, limit as i64], |r| r.get::<_, String>(0)).map_err(unavailable)?;
            rows.map(|r| from_json(&r.map_err(unavailable)?)).collect()
        })
        .await
    }
}
