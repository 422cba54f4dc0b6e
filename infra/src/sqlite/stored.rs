//! The applicants' document store in SQLite: written inside a dossier's transaction, read by
//! owner.

use async_trait::async_trait;
use motcua_domain::documents::{Owner, StoredDocument, UploadId};
use motcua_domain::ports::{StoreResult, StoredDocuments};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{from_json, to_json, ts, unavailable, SqliteStore};

/// Writes `documents` (again, the same, when already kept), in the dossier's transaction.
pub(super) fn keep(tx: &Transaction<'_>, documents: &[StoredDocument]) -> StoreResult<()> {
    for d in documents {
        tx.execute(
            "INSERT OR REPLACE INTO stored_documents (owner, id, recorded_at, body) VALUES (?1, ?2, ?3, ?4)",
            params![d.owner.key(), d.id.as_str(), ts(d.provenance.recorded_at), to_json(d)?],
        )
        .map_err(unavailable)?;
    }
    Ok(())
}

#[async_trait]
impl StoredDocuments for SqliteStore {
    async fn stored_documents(&self, owner: &Owner, limit: usize) -> StoreResult<Vec<StoredDocument>> {
        let owner = owner.key();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT body FROM stored_documents WHERE owner = ?1 ORDER BY recorded_at DESC, id LIMIT ?2",
                )
                .map_err(unavailable)?;
            let rows = stmt.query_map(params![owner, limit as i64], |r| r.get::<_, String>(0)).map_err(unavailable)?;
            rows.map(|body| from_json(&body.map_err(unavailable)?)).collect()
        })
        .await
    }

    async fn stored_document(&self, owner: &Owner, id: &UploadId) -> StoreResult<Option<StoredDocument>> {
        let (owner, id) = (owner.key(), id.to_string());
        self.read(move |c| {
            let body: Option<String> = c
                .query_row("SELECT body FROM stored_documents WHERE owner = ?1 AND id = ?2", [&owner, &id], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(unavailable)?;
            body.map(|b| from_json(&b)).transpose()
        })
        .await
    }
}
