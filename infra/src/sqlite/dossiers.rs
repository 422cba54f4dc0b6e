//! Dossiers, history, idempotency records and daily code sequences in SQLite.

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::lifecycle::{Dossier, HistoryEvent};
use motcua_domain::ports::{
    BuildCreate, Commit, DossierStore, IdempotencyRecord, QueueQuery, StoreError, StoreResult, StoredDossier,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{from_json, to_json, ts, unavailable, SqliteStore};

fn due_key(d: &Dossier) -> String {
    crate::codec::due_key(d.due_at)
}

/// The condition of open dossiers, for queues; the open-queue indexes (schema migration 3) are
/// declared with exactly this text, which is what lets SQLite use them.
pub(super) const OPEN_ONLY: &str =
    "status NOT IN ('refused', 'withdrawn', 'stopped', 'returned', 'returned_unsupplemented')";

fn assignee(d: &Dossier) -> Option<String> {
    d.step.as_ref().and_then(|s| s.assignee.as_ref()).map(|a| a.id.to_string())
}

pub(super) fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// The limit use, event, outbox items, portal sync item and idempotency record of a commit, in
/// the same transaction.
fn write_rest(tx: &Transaction<'_>, commit: &Commit) -> StoreResult<()> {
    if let Some(limit) = &commit.limit {
        if !super::limits::count_use(tx, limit)? {
            return Err(StoreError::LimitReached);
        }
    }
    super::uploads::attach(tx, &commit.attach, &commit.dossier.code)?;
    super::stored::keep(tx, &commit.keep)?;
    super::tallies::add(tx, &commit.tally)?;
    let code = commit.dossier.code.to_string();
    if !commit.search.is_empty() {
        let position = motcua_domain::search::position(&commit.dossier);
        let mut file = tx
            .prepare_cached("INSERT OR IGNORE INTO search_terms (agency, term, position, code) VALUES (?1, ?2, ?3, ?4)")
            .map_err(unavailable)?;
        for term in &commit.search {
            file.execute(params![commit.dossier.agency_code.as_str(), term.as_str(), position, code])
                .map_err(unavailable)?;
        }
    }
    tx.execute(
        "INSERT INTO events (dossier, seq, body) VALUES (?1, ?2, ?3)",
        params![code, commit.event.seq, to_json(&commit.event)?],
    )
    .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict } else { unavailable(e) })?;
    for m in &commit.outbox {
        super::outbox::insert(tx, m)?;
    }
    super::portal::queue(tx, &code, commit.event.seq, commit.dossier.documents.len(), commit.event.at)?;
    if let Some(t) = &commit.settle {
        super::payments::settle(tx, t)?;
    }
    if let Some(r) = &commit.idempotency {
        tx.execute(
            "INSERT INTO idempotency (scope, key, body, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![r.scope, r.key, to_json(r)?, ts(r.created_at)],
        )
        .map_err(|e| if is_unique_violation(&e) { StoreError::IdempotencyKeyTaken } else { unavailable(e) })?;
    }
    Ok(())
}

#[async_trait]
impl DossierStore for SqliteStore {
    async fn create(&self, agency: &AgencyCode, date: NaiveDate, build: BuildCreate) -> StoreResult<Dossier> {
        let agency = agency.clone();
        self.write(move |tx| {
            let day = date.format("%Y-%m-%d").to_string();
            let next: u32 = tx
                .query_row(
                    "INSERT INTO sequences (agency, day, last) VALUES (?1, ?2, 1)
                     ON CONFLICT (agency, day) DO UPDATE SET last = last + 1 RETURNING last",
                    params![agency.as_str(), day],
                    |r| r.get(0),
                )
                .map_err(unavailable)?;
            let code = DossierCode::new(agency.clone(), date, next).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let commit = build(code);
            let d = &commit.dossier;
            let secret = commit.lookup_secret_hash.clone().unwrap_or_default();
            tx.execute(
                "INSERT INTO dossiers (code, agency, handler, status, assignee, due_key, version, secret_hash, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    d.code.to_string(),
                    d.agency_code.as_str(),
                    d.handling_agency().as_str(),
                    d.status.as_str(),
                    assignee(d),
                    due_key(d),
                    d.version,
                    secret,
                    to_json(d)?
                ],
            )
            .map_err(|e| if is_unique_violation(&e) { StoreError::Conflict } else { unavailable(e) })?;
            write_rest(tx, &commit)?;
            Ok(commit.dossier)
        })
        .await
    }

    async fn get(&self, code: &DossierCode) -> StoreResult<Option<StoredDossier>> {
        let code = code.to_string();
        self.read(move |c| stored(c, &code)).await
    }

    async fn get_with_history(&self, code: &DossierCode) -> StoreResult<Option<(StoredDossier, Vec<HistoryEvent>)>> {
        let code = code.to_string();
        self.read(move |c| {
            // One read transaction, so the history is the one of the version read.
            c.execute_batch("BEGIN").map_err(unavailable)?;
            let found = match stored(c, &code) {
                Ok(Some(d)) => events(c, &code).map(|h| Some((d, h))),
                other => other.map(|_| None),
            };
            c.execute_batch("COMMIT").map_err(unavailable)?;
            found
        })
        .await
    }

    async fn commit(&self, commit: Commit) -> StoreResult<()> {
        self.write(move |tx| {
            let d = &commit.dossier;
            let expected = commit.expected_version.ok_or(StoreError::Conflict)?;
            let changed = tx
                .execute(
                    "UPDATE dossiers SET status = ?2, assignee = ?3, due_key = ?4, version = ?5, body = ?6,
                     handler = ?8 WHERE code = ?1 AND version = ?7",
                    params![
                        d.code.to_string(),
                        d.status.as_str(),
                        assignee(d),
                        due_key(d),
                        d.version,
                        to_json(d)?,
                        expected,
                        d.handling_agency().as_str()
                    ],
                )
                .map_err(unavailable)?;
            if changed != 1 {
                return Err(StoreError::Conflict);
            }
            write_rest(tx, &commit)
        })
        .await
    }

    async fn history(&self, code: &DossierCode) -> StoreResult<Vec<HistoryEvent>> {
        let code = code.to_string();
        self.read(move |c| events(c, &code)).await
    }

    async fn queue(&self, q: QueueQuery) -> StoreResult<Vec<Dossier>> {
        self.read(move |c| {
            let mut sql = String::from("SELECT body FROM dossiers WHERE 1=1");
            let mut args: Vec<String> = Vec::new();
            let mut bind = |sql: &mut String, clause: &str, value: String| {
                args.push(value);
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            };
            if let Some(a) = &q.agency {
                bind(&mut sql, " AND handler = ?", a.to_string());
            }
            if let Some(s) = q.status {
                bind(&mut sql, " AND status = ?", s.as_str().to_owned());
            }
            if let Some(a) = &q.assignee {
                bind(&mut sql, " AND assignee = ?", a.to_string());
            }
            if q.status.is_none() || q.assignee.is_some() {
                sql.push_str(" AND ");
                sql.push_str(OPEN_ONLY);
            }
            if let Some(due) = q.due_before {
                bind(&mut sql, " AND due_key <> '' AND due_key < ?", ts(due));
            }
            if let Some((due, code)) = &q.after {
                let key = due.map(ts).unwrap_or_default();
                bind(&mut sql, " AND (due_key > ?", key.clone());
                bind(&mut sql, " OR (due_key = ?", key);
                bind(&mut sql, " AND code > ?))", code.clone());
            }
            sql.push_str(&format!(" ORDER BY due_key, code LIMIT {}", q.limit.clamp(1, 1000)));
            let mut stmt = c.prepare(&sql).map_err(unavailable)?;
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            let mut out = Vec::new();
            for body in rows {
                out.push(from_json(&body.map_err(unavailable)?)?);
            }
            Ok(out)
        })
        .await
    }

    async fn idempotency(&self, scope: &str, key: &str) -> StoreResult<Option<IdempotencyRecord>> {
        let (scope, key) = (scope.to_owned(), key.to_owned());
        self.read(move |c| {
            let body: Option<String> = c
                .query_row("SELECT body FROM idempotency WHERE scope = ?1 AND key = ?2", [scope, key], |r| r.get(0))
                .optional()
                .map_err(unavailable)?;
            body.map(|b| from_json(&b)).transpose()
        })
        .await
    }
}

/// The dossier row of `code`, if any.
fn stored(c: &Connection, code: &str) -> StoreResult<Option<StoredDossier>> {
    let row: Option<(String, String)> = c
        .query_row("SELECT body, secret_hash FROM dossiers WHERE code = ?1", [code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(unavailable)?;
    match row {
        Some((body, secret)) => Ok(Some(StoredDossier { dossier: from_json(&body)?, lookup_secret_hash: secret })),
        None => Ok(None),
    }
}

/// The history of `code`, in order.
fn events(c: &Connection, code: &str) -> StoreResult<Vec<HistoryEvent>> {
    let mut stmt = c.prepare_cached("SELECT body FROM events WHERE dossier = ?1 ORDER BY seq").map_err(unavailable)?;
    let rows = stmt.query_map([code], |r| r.get::<_, String>(0)).map_err(unavailable)?;
    let mut out = Vec::new();
    for body in rows {
        out.push(from_json(&body.map_err(unavailable)?)?);
    }
    Ok(out)
}
