//! What is held about a person (`docs/privacy.md`, Law 91/2025/QH15): every agency's dossiers
//! filed under the person's keyed identifier (the search term, one indexed read per agency, no
//! scan), each told apart by the kind of identifier, with what its history and the portal and
//! payment records say of it. The request is recorded before anything is answered: no record,
//! no answer.

use motcua_domain::catalogue::{Agency, Officer};
use motcua_domain::lifecycle::Dossier;
use motcua_domain::privacy::{HeldDossier, Subject, SubjectReport, SubjectRequest, MAX_DOSSIERS};

use super::ServiceResult;
use crate::state::AppState;

/// How many index entries one read takes.
const BATCH: usize = 200;

/// The person's dossiers in `agency`, newest first, at most [`MAX_DOSSIERS`] + 1.
async fn filed_in(state: &AppState, agency: &Agency, subject: &Subject) -> ServiceResult<Vec<Dossier>> {
    let term = subject.term(&state.server_key);
    let (mut out, mut after) = (Vec::new(), None::<String>);
    loop {
        let page = state.search.filed_under(&agency.code, &term, after.as_deref(), BATCH).await?;
        let full = page.len() == BATCH;
        for (position, d) in page {
            after = Some(position);
            if subject.filed(&d) {
                out.push(d);
            }
        }
        if !full || out.len() > MAX_DOSSIERS {
            return Ok(out);
        }
    }
}

/// Finds what is held about `subject`, records the request by `officer` with `reason`, and
/// answers it.
pub async fn report(
    state: &AppState,
    officer: &Officer,
    subject: Subject,
    reason: String,
) -> ServiceResult<SubjectReport> {
    let agencies = super::every(
        BATCH,
        |a: &Agency| a.code.to_string(),
        |after: Option<String>| async move { state.catalogue.agencies(None, after.as_deref(), BATCH).await },
    )
    .await?;
    let mut found: Vec<Dossier> = Vec::new();
    for agency in &agencies {
        found.extend(filed_in(state, agency, &subject).await?);
    }
    found.sort_by(|a, b| b.submitted_at.cmp(&a.submitted_at).then_with(|| b.code.to_string().cmp(&a.code.to_string())));
    let complete = found.len() <= MAX_DOSSIERS;
    found.truncate(MAX_DOSSIERS);
    let mut dossiers = Vec::with_capacity(found.len());
    for d in &found {
        let history = state.dossiers.history(&d.code).await?;
        let synced = state.sync.sync_items(&d.code).await?.iter().any(|i| i.acknowledged_at.is_some());
        let paid_online = !state.payments.transactions_of(&d.code).await?.is_empty();
        dossiers.push(HeldDossier::of(d, &history, synced, paid_online));
    }
    let now = state.clock.now();
    let request = SubjectRequest {
        id: format!(
            "YC-{}-{}",
            motcua_domain::calendar::vietnam::to_local(now).format("%Y%m%d"),
            super::secrets::random_hex(4)
        ),
        at: now,
        officer: officer.reference(),
        kind: subject.kind(),
        subject_digest: subject.term(&state.server_key).as_str().to_owned(),
        reason,
        dossiers: dossiers.len(),
    };
    state.subject_requests.record_request(&request).await?;
    tracing::info!(
        request = %request.id,
        officer = %officer.id,
        kind = ?request.kind,
        dossiers = request.dossiers,
        "personal data request answered"
    );
    Ok(SubjectReport { request, kind: subject.kind(), subject: subject.as_str().to_owned(), dossiers, complete })
}
