//! Announced uploads in SQLite, and their attachment inside a dossier's transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::{Upload, UploadId, UploadState};
use motcua_domain::ports::{StoreError, StoreResult, UploadStore};
use rusqlite::{params, OptionalExtension, Transaction};

use super::{from_json, to_json, ts, unavailable, SqliteStore};

fn read(c: &rusqlite::Connection, id: &str) -> StoreResult<Option<Upload>> {
    let body: Option<String> =
        c.query_row("SELECT body FROM uploads WHERE id = ?1", [id], |r| r.get(0)).optional().map_err(unavailable)?;
    body.map(|b| from_json(&b)).transpose()
}

fn write(tx: &Transaction<'_>, upload: &Upload) -> StoreResult<usize> {
    let dossier = match &upload.state {
        UploadState::Attached { dossier } => Some(dossier.to_string()),
        _ => None,
    };
    tx.execute(
        "UPDATE uploads SET state = ?2, dossier = ?3, body = ?4 WHERE id = ?1",
        params![upload.id.as_str(), upload.state.name(), dossier, to_json(upload)?],
    )
    .map_err(unavailable)
}

/// Attaches each of `uploads` to `dossier`, in the dossier's transaction: each must be stored and
/// unattached, else the whole write fails with [`StoreError::Conflict`].
pub(super) fn attach(tx: &Transaction<'_>, uploads: &[Upload], dossier: &DossierCode) -> StoreResult<()> {
    for u in uploads {
        let Some(mut upload) = read(tx, u.id.as_str())? else { return Err(StoreError::Conflict) };
        if upload.state != UploadState::Stored {
            return Err(StoreError::Conflict);
        }
        upload.state = UploadState::Attached { dossier: dossier.clone() };
        write(tx, &upload)?;
    }
    Ok(())
}

#[async_trait]
impl UploadStore for SqliteStore {
    async fn announce(&self, upload: &Upload) -> StoreResult<()> {
        let upload = upload.clone();
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO uploads (id, sha256, state, dossier, created_at, body) VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
                params![
                    upload.id.as_str(),
                    upload.sha256.as_str(),
                    upload.state.name(),
                    ts(upload.created_at),
                    to_json(&upload)?
                ],
            )
            .map_err(|e| {
                if super::dossiers::is_unique_violation(&e) {
                    StoreError::Conflict
                } else {
                    unavailable(e)
                }
            })?;
            Ok(())
        })
        .await
    }

    async fn upload(&self, id: &UploadId) -> StoreResult<Option<Upload>> {
        let id = id.to_string();
        self.read(move |c| read(c, &id)).await
    }

    async fn mark_stored(&self, id: &UploadId) -> StoreResult<bool> {
        let id = id.to_string();
        self.write(move |tx| {
            let Some(mut upload) = read(tx, &id)? else { return Ok(false) };
            if upload.state != UploadState::Pending {
                return Ok(false);
            }
            upload.state = UploadState::Stored;
            Ok(write(tx, &upload)? == 1)
        })
        .await
    }
}

impl SqliteStore {
    /// Forgets uploads announced before `before` that no dossier holds, and calls `remove` for
    /// each hash no upload names any more, inside the same transaction (so no upload of the
    /// same bytes can be announced in between); answers how many uploads went.
    pub async fn purge_uploads<F>(&self, before: DateTime<Utc>, remove: F) -> StoreResult<usize>
    where
        F: Fn(&str) -> std::io::Result<()> + Send + 'static,
    {
        let cutoff = ts(before);
        self.write(move |tx| {
            let mut hashes = Vec::new();
            {
                let mut stmt = tx
                    .prepare("DELETE FROM uploads WHERE dossier IS NULL AND created_at < ?1 RETURNING sha256")
                    .map_err(unavailable)?;
                let rows = stmt.query_map([&cutoff], |r| r.get::<_, String>(0)).map_err(unavailable)?;
                for h in rows {
                    hashes.push(h.map_err(unavailable)?);
                }
            }
            let purged = hashes.len();
            hashes.sort();
            hashes.dedup();
            for h in hashes {
                let still: bool = tx
                    .query_row("SELECT EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1)", [&h], |r| r.get(0))
                    .map_err(unavailable)?;
                if !still {
                    remove(&h).map_err(unavailable)?;
                }
            }
            Ok(purged)
        })
        .await
    }
}
