//! `motcua verify`: recomputes the history hash chain of every dossier in a store (or of the
//! dossiers named) and reports each break. It walks the agencies of the catalogue and, for
//! each, its queue of open dossiers and its lists of closed ones by status, so it reads every
//! dossier through the same indexed queries as the API and never scans.

use std::collections::BTreeSet;

use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::chain::{self, ChainReport};
use motcua_domain::lifecycle::HistoryEvent;
use motcua_domain::lifecycle::Status;
use motcua_domain::ports::{Catalogue, DossierStore, FileCheck, FileStore, QueueQuery, StoreError};

const PAGE: usize = 200;

/// Every dossier code the store holds, handling agency by handling agency.
pub async fn all_codes(dossiers: &dyn DossierStore, catalogue: &dyn Catalogue) -> Result<Vec<String>, StoreError> {
    let mut codes = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let agencies = catalogue.agencies(None, after.as_deref(), PAGE).await?;
        for agency in &agencies {
            let lists = std::iter::once(None).chain(Status::ALL.iter().filter(|s| s.is_closed()).map(|s| Some(*s)));
            for status in lists {
                let mut query =
                    QueueQuery { agency: Some(agency.code.clone()), status, limit: PAGE, ..Default::default() };
                loop {
                    let page = dossiers.queue(query.clone()).await?;
                    codes.extend(page.iter().map(|d| d.code.to_string()));
                    match page.last() {
                        Some(last) if page.len() == PAGE => {
                            query.after = Some((last.due_at, last.code.to_string()));
                        }
                        _ => break,
                    }
                }
            }
        }
        match agencies.last() {
            Some(last) if agencies.len() == PAGE => after = Some(last.code.to_string()),
            _ => break,
        }
    }
    Ok(codes.into_iter().collect())
}

/// A file the history names that storage no longer holds as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FileFinding {
    /// The upload id, as the history records it.
    pub id: String,
    /// The event that attached it.
    pub seq: u32,
    pub problem: FileCheck,
}

/// Checks every file `events` attached against storage: what is missing or altered.
pub async fn check_files(files: &dyn FileStore, events: &[HistoryEvent]) -> Result<Vec<FileFinding>, StoreError> {
    let mut findings = vec![];
    for event in events {
        for file in &event.files {
            let problem = files.check(file).await?;
            if problem != FileCheck::Intact {
                findings.push(FileFinding { id: file.id.to_string(), seq: event.seq, problem });
            }
        }
    }
    Ok(findings)
}

/// The chain report of one dossier; `None` when there is no such dossier.
pub async fn verify_one(
    dossiers: &dyn DossierStore,
    files: &dyn FileStore,
    code: &DossierCode,
) -> Result<Option<(ChainReport, Vec<FileFinding>)>, StoreError> {
    let Some(stored) = dossiers.get(code).await? else { return Ok(None) };
    let d = stored.dossier;
    let events = dossiers.history(code).await?;
    let report = chain::verify(code, &events, &d.history_head, d.events);
    Ok(Some((report, check_files(files, &events).await?)))
}
