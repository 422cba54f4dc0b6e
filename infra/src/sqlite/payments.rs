//! Payment transactions in SQLite (`payments`): opened by a payment's start, settled as paid by
//! the confirming commit's own transaction ([`settle`]), or ended alone (failed, or paid without
//! moving the dossier) by the callback or status query that says so.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::payment::{Transaction, TransactionState};
use motcua_domain::ports::{PaymentStore, StoreError, StoreResult};
use rusqlite::{params, OptionalExtension, Transaction as Tx};

use super::dossiers::is_unique_violation;
use super::{from_json, to_json, ts, unavailable, SqliteStore};

fn state(s: TransactionState) -> &'static str {
    match s {
        TransactionState::Created => "created",
        TransactionState::Paid => "paid",
        TransactionState::Failed => "failed",
    }
}

/// Writes `t` (ended) over its open record, in a commit's or its own transaction; `Conflict` when it is no
/// longer open.
pub(super) fn settle(tx: &Tx<'_>, t: &Transaction) -> StoreResult<()> {
    let changed = tx
        .execute(
            "UPDATE payments SET state = ?2, body = ?3 WHERE reference = ?1 AND state = 'created'",
            params![t.reference, state(t.state), to_json(t)?],
        )
        .map_err(unavailable)?;
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

fn list(c: &rusqlite::Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<Transaction>> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let rows = stmt.query_map(p, |r| r.get::<_, String>(0)).map_err(unavailable)?;
    rows.map(|r| from_json(&r.map_err(unavailable)?)).collect()
}

#[async_trait]
impl PaymentStore for SqliteStore {
    async fn open_transaction(&self, t: &Transaction) -> StoreResult<()> {
        let t = t.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO payments (reference, dossier, state, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t.reference, t.dossier.to_string(), state(t.state), ts(t.created_at), to_json(&t)?],
            )
            .map(|_| ())
            .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict } else { unavailable(e) })
        })
        .await
    }

    async fn transaction(&self, reference: &str) -> StoreResult<Option<Transaction>> {
        let reference = reference.to_owned();
        self.read(move |c| {
            let body: Option<String> = c
                .query_row("SELECT body FROM payments WHERE reference = ?1", [reference], |r| r.get(0))
                .optional()
                .map_err(unavailable)?;
            body.as_deref().map(from_json).transpose()
        })
        .await
    }

    async fn transactions_of(&self, dossier: &DossierCode) -> StoreResult<Vec<Transaction>> {
        let dossier = dossier.to_string();
        self.read(move |c| list(c, "SELECT body FROM payments WHERE dossier = ?1 ORDER BY created_at", [dossier])).await
    }

    async fn open_transactions(&self, before: DateTime<Utc>, limit: usize) -> StoreResult<Vec<Transaction>> {
        self.read(move |c| {
            list(
                c,
                "SELECT body FROM payments WHERE state = 'created' AND created_at < ?1 ORDER BY created_at LIMIT ?2",
                params![ts(before), limit as i64],
            )
        })
        .await
    }

    async fn close_transaction(&self, ended: &Transaction) -> StoreResult<bool> {
        let ended = ended.clone();
        self.write(move |tx| match settle(tx, &ended) {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict) => Ok(false),
            Err(e) => Err(e),
        })
        .await
    }
}
