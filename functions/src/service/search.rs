//! Finding any dossier of the officer's agency (`docs/search.md`): the lists of the query's
//! most selective terms are read newest first through the store's index, merged, each dossier
//! checked against the rest of the query, until a page is full or a bounded number has been
//! looked at (the answer then carries where to go on). A search by personal data is logged with who searched and which
//! kind of field, never the value.

use motcua_domain::catalogue::Officer;
use motcua_domain::codes::AgencyCode;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::search::{personal_kinds, Order, Query, Term};

use super::{Refused, ServiceResult};
use crate::state::AppState;

/// The most dossiers one request looks at.
pub const EXAMINED: usize = 2_000;
/// The most entries one store read takes: the first takes a little more than the page, each
/// next one twice the last, so a page found at the top of its lists reads only that much.
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
    let terms = query.terms(&state.server_key);
    let (mut items, mut examined, mut cursor) = (vec![], 0, after);
    let mut size = (limit + 1).clamp(8, BATCH);
    let next = loop {
        let (batch, more) = merged(state, &officer.agency, &terms, cursor.as_deref(), size).await?;
        size = (size * 2).min(BATCH);
        for (position, d) in batch {
            examined += 1;
            cursor = Some(position);
            if query.matches(&d) {
                items.push(d);
                if items.len() == limit {
                    break;
                }
            }
        }
        if items.len() == limit || (more && examined >= EXAMINED) {
            break cursor;
        }
        if !more {
            break None;
        }
    };
    if query.order == Order::SoonestDue {
        items.sort_by_key(|d| (d.due_at.is_none(), d.due_at));
    }
    Ok(Found { items, next, examined })
}

/// The next entries of the lists of `terms` after `after`, merged newest first, and whether
/// any list may have more ([`merge`]).
async fn merged(
    state: &AppState,
    agency: &AgencyCode,
    terms: &[Term],
    after: Option<&str>,
    size: usize,
) -> ServiceResult<(Vec<(String, Dossier)>, bool)> {
    let reads = terms.iter().map(|term| state.search.filed_under(agency, term, after, size));
    Ok(merge(futures_util::future::try_join_all(reads).await?, size))
}

/// Batches of lists read newest first, `batch` entries each at most, merged newest first (an
/// entry in two lists once), and whether any list may have more. A list whose batch came back
/// full may go on below its last entry, so only entries down to the highest such last entry
/// are certain to be in order: the rest are read again with the next batch.
fn merge<T>(batches: Vec<Vec<(String, T)>>, batch: usize) -> (Vec<(String, T)>, bool) {
    let horizon = batches.iter().filter(|b| b.len() == batch).filter_map(|b| b.last()).map(|(at, _)| at.clone()).max();
    let mut out: Vec<(String, T)> =
        batches.into_iter().flatten().filter(|(position, _)| horizon.as_ref().is_none_or(|h| position >= h)).collect();
    out.sort_by(|a, b| b.0.cmp(&a.0));
    out.dedup_by(|a, b| a.0 == b.0);
    (out, horizon.is_some())
}

#[cfg(test)]
mod tests {
    use super::merge;

    /// Two lists read batch by batch, each time after the last entry taken, come out as their
    /// union, newest first, each entry once.
    #[test]
    fn lists_read_in_batches_merge_into_their_union() {
        let list = |step: usize, count: usize| -> Vec<String> {
            let mut l: Vec<String> = (0..count).map(|i| format!("{:05}", i * step)).collect();
            l.reverse();
            l
        };
        for (a, b) in [(list(1, 450), list(7, 30)), (list(3, 5), list(2, 600)), (list(2, 400), list(2, 400))] {
            let (mut taken, mut after): (Vec<String>, Option<String>) = (vec![], None);
            loop {
                let read = |l: &Vec<String>| -> Vec<(String, ())> {
                    l.iter()
                        .filter(|p| after.as_ref().is_none_or(|a| *p < a))
                        .take(10)
                        .map(|p| (p.clone(), ()))
                        .collect()
                };
                let (out, more) = merge(vec![read(&a), read(&b)], 10);
                assert!(!out.is_empty() || !more, "a batch that may have more takes something");
                after = out.last().map(|(p, _)| p.clone()).or(after);
                taken.extend(out.into_iter().map(|(p, _)| p));
                if !more {
                    break;
                }
            }
            let mut union: Vec<String> = a.iter().chain(&b).cloned().collect();
            union.sort_by(|x, y| y.cmp(x));
            union.dedup();
            assert_eq!(taken, union);
        }
    }
}
