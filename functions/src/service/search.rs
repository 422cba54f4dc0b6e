//! Finding any dossier of the officer's agency (`docs/search.md`): the query's most selective
//! term is read newest first through the store's index, each dossier checked against the rest
//! of the query, until a page is full or a bounded number has been looked at (the answer then
//! carries where to go on). A search by personal data is logged with who searched and which
//! kind of field, never the value.

use motcua_domain::catalogue::Officer;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::search::{personal_kinds, Order, Query};

use super::{Refused, ServiceResult};
use crate::state::AppState;

/// The most dossiers one request looks at.
pub const EXAMINED: usize = 2_000;
/// How many entries one store read takes.
const BATCH: usize = 200;

/// Files every dossier of the store under its terms (those filed before search existed have
/// none); a term a dossier has already is left. Reads every dossier through the indexed lists
/// `motcua verify` walks. How many dossiers it filed.
pub async fn reindex(state: &AppState, progress: &(dyn Fn(usize, usize) + Sync)) -> ServiceResult<usize> {
    let codes = crate::audit::all_codes(state.dossiers.as_ref(), state.catalogue.as_ref()).await?;
    let total = codes.len();
    for (i, code) in codes.iter().enumerate() {
        let Ok(code) = motcua_domain::codes::DossierCode::parse(code) else { continue };
        if let Some(stored) = state.dossiers.get(&code).await? {
            let terms = motcua_domain::search::terms(&stored.dossier, &state.server_key);
            state.search.file(&stored.dossier, &terms).await?;
        }
        if (i + 1) % 1000 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    Ok(total)
}

pub struct Found {
    pub items: Vec<Dossier>,
    /// Where the next page starts, when there may be more.
    pub next: Option<String>,
    pub examined: usize,
}

/// Runs `query` within `officer`'s agency, after the position `after`, for `limit` results.
pub async fn search(
    state: &AppState,
    officer: &Officer,
    mut query: Query,
    after: Option<String>,
    limit: usize,
) -> ServiceResult<Found> {
    query.check().map_err(Refused::InvalidSearch)?;
    query.agency = Some(officer.agency.clone());
    let kinds = personal_kinds(&query);
    if !kinds.is_empty() {
        tracing::info!(officer = %officer.id, agency = %officer.agency, by = ?kinds, "dossier search by personal data");
    }
    let term = query.term(&state.server_key);
    let (mut items, mut examined, mut cursor) = (vec![], 0, after);
    let next = loop {
        let page = state.search.filed_under(&officer.agency, &term, cursor.as_deref(), BATCH).await?;
        let full = page.len() == BATCH;
        for (position, d) in page {
            examined += 1;
            cursor = Some(position);
            if query.matches(&d) {
                items.push(d);
                if items.len() == limit {
                    break;
                }
            }
        }
        if items.len() == limit || (full && examined >= EXAMINED) {
            break cursor;
        }
        if !full {
            break None;
        }
    };
    if query.order == Order::SoonestDue {
        items.sort_by_key(|d| (d.due_at.is_none(), d.due_at));
    }
    Ok(Found { items, next, examined })
}
