//! Finding dossiers by their search terms in SQLite (`search_terms`, written by each dossier's
//! creation): one range of the primary key, newest first, joined to the dossiers.

use async_trait::async_trait;
use motcua_domain::codes::AgencyCode;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::ports::{DossierSearch, StoreResult};
use motcua_domain::search::Term;
use rusqlite::params;

use super::{from_json, unavailable, SqliteStore};

#[async_trait]
impl DossierSearch for SqliteStore {
    async fn filed_under(
        &self,
        agency: &AgencyCode,
        term: &Term,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Dossier)>> {
        let (agency, term) = (agency.to_string(), term.as_str().to_owned());
        // Positions are digits and letters: `~` sorts after every one of them.
        let after = after.unwrap_or("~").to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(
                    "SELECT t.position, d.body FROM search_terms t JOIN dossiers d ON d.code = t.code
                     WHERE t.agency = ?1 AND t.term = ?2 AND t.position < ?3
                     ORDER BY t.position DESC LIMIT ?4",
                )
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![agency, term, after, limit as i64], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })
                .map_err(unavailable)?;
            rows.map(|r| {
                let (position, body) = r.map_err(unavailable)?;
                Ok((position, from_json(&body)?))
            })
            .collect()
        })
        .await
    }

    async fn file(&self, d: &Dossier, terms: &[Term]) -> StoreResult<()> {
        let (agency, position, code) =
            (d.agency_code.to_string(), motcua_domain::search::position(d), d.code.to_string());
        let terms: Vec<String> = terms.iter().map(|t| t.as_str().to_owned()).collect();
        self.write(move |tx| {
            let mut file = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO search_terms (agency, term, position, code) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(unavailable)?;
            for term in &terms {
                file.execute(params![agency, term, position, code]).map_err(unavailable)?;
            }
            Ok(())
        })
        .await
    }
}

impl SqliteStore {
    /// Whether dossiers filed before the current search terms wait to be filed again (set by
    /// the migration that changed the terms).
    pub async fn refile_pending(&self) -> StoreResult<bool> {
        self.read(|c| c.query_row("SELECT EXISTS (SELECT 1 FROM search_refile)", [], |r| r.get(0)).map_err(unavailable))
            .await
    }

    /// Records that every dossier has been filed under the current terms.
    pub async fn refile_done(&self) -> StoreResult<()> {
        self.write(|tx| tx.execute("DELETE FROM search_refile", []).map(|_| ()).map_err(unavailable)).await
    }
}
