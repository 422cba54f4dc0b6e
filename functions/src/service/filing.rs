//! Opening dossiers: online submission and reception at the desk, idempotent with a key.

use axum::http::StatusCode;
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::{Agency, Procedure};
use motcua_domain::codes::DossierCode;
use motcua_domain::documents::{kept, Owner, Uploader};
use motcua_domain::lifecycle::{open, Actor, Context, Dossier, HistoryEvent, NewDossier};
use motcua_domain::notify::messages_for;
use motcua_domain::ports::{Commit, IdempotencyRecord, LimitUse, StoreError};

use super::input::DocumentInput;
use super::secrets::{new_lookup_secret, sha256_hex};
use super::{Refused, ServiceResult};
use crate::idempotency::IdempotencyKey;
use crate::state::AppState;
use crate::views::{DossierSummary, Receipt, SubmissionView};

/// The answer to a filing, fresh or replayed.
pub struct Answer {
    pub status: StatusCode,
    pub view: SubmissionView,
}

/// The answer about `d`: with the lookup secret, and the receipt to print for a desk
/// reception (`receipt_of`: the procedure and agency it names).
fn answer(
    d: &Dossier,
    events: &[HistoryEvent],
    secret: String,
    receipt_of: Option<(&Procedure, &Agency)>,
    now: chrono::DateTime<chrono::Utc>,
) -> SubmissionView {
    SubmissionView {
        dossier: DossierSummary::of(d, now),
        lookup_secret: secret,
        receipt: receipt_of.and_then(|(procedure, agency)| Receipt::of(d, procedure, agency, events)),
    }
}

/// The answer first given for `key`, rendered again from the store as the dossier stands.
async fn replay(
    state: &AppState,
    key: &IdempotencyKey,
    record: &IdempotencyRecord,
    desk: bool,
) -> ServiceResult<Answer> {
    let (code, status) = key.replay_of(record)?;
    let (stored, events) = super::dossiers::load_with_history(state, &code).await?;
    let d = stored.dossier;
    let secret = key.lookup_secret(&state.server_key);
    let view = if desk {
        let procedure = super::procedure(state, &d.procedure_code).await?;
        let agency = super::agency(state, &d.agency_code).await?;
        answer(&d, &events, secret, Some((&procedure, &agency)), state.clock.now())
    } else {
        answer(&d, &events, secret, None, state.clock.now())
    };
    Ok(Answer { status, view })
}

/// A filing as it came: the dossier's details, and the documents it names with the uploads
/// not yet looked up (they are looked up only once the filing is known not to be a replay).
pub struct Filing<'a> {
    pub procedure_code: &'a str,
    /// Its `documents` are filled in from `documents`.
    pub new: NewDossier,
    pub documents: Vec<DocumentInput>,
    /// Whose uploads the documents may attach.
    pub by: Uploader,
}

/// The answer already given for `key`, if a request with it was committed.
async fn replayed(state: &AppState, key: Option<&IdempotencyKey>, desk: bool) -> ServiceResult<Option<Answer>> {
    let Some(k) = key else { return Ok(None) };
    match state.dossiers.idempotency(&k.scope, &k.key).await? {
        Some(record) => Ok(Some(replay(state, k, &record, desk).await?)),
        None => Ok(None),
    }
}

/// Files a dossier: online by the applicant, or at the desk by an officer. An online filing
/// counts against the submission `limit` in the dossier's own write. A retry with the same
/// `key` gets the first answer, before its uploads (attached by then) are looked at.
pub async fn open_dossier(
    state: &AppState,
    filing: Filing<'_>,
    actor: Actor<'_>,
    key: Option<IdempotencyKey>,
    limit: Option<LimitUse>,
) -> ServiceResult<Answer> {
    let desk = matches!(actor, Actor::Officer(_));
    if let Some(first) = replayed(state, key.as_ref(), desk).await? {
        return Ok(first);
    }
    let Filing { procedure_code, mut new, documents, by } = filing;
    let owner = Owner::of(&new.applicant);
    let attach = match super::files::documents(state, documents, &by, owner.as_ref()).await {
        Ok((documents, attach)) => {
            new.documents = documents;
            attach
        }
        // A request with the same key may have attached these very uploads since: answer as it did.
        Err(refused) => return replayed(state, key.as_ref(), desk).await?.ok_or(refused),
    };
    super::files::check_dossier_size(state, None, &attach)?;
    let procedure = super::procedure(state, procedure_code).await?;
    let agency = super::agency(state, &procedure.agency).await?;
    let steps = super::calendars(state, &agency, &[&procedure.workflow]).await?;
    let (calendar, step_calendars) = (steps.calendar, steps.others);
    let now = state.clock.now();
    let date = vietnam::to_local(now).date();
    let provisional =
        DossierCode::new(procedure.agency.clone(), date, 1).map_err(|e| Refused::InvalidDate(e.to_string()))?;
    let ctx =
        Context { now, calendar: &calendar, step_calendars: &step_calendars, procedure: &procedure, external: &[] };
    let transition = open(provisional.clone(), new, actor, &ctx)?;

    let secret = key.as_ref().map(|k| k.lookup_secret(&state.server_key)).unwrap_or_else(new_lookup_secret);
    let secret_hash = sha256_hex(secret.as_bytes());
    let event = transition.event.clone();
    // The store calls this with the code it allocated, inside its transaction: only the
    // domain's work (the first event sealed under the code, the notices naming it) happens here.
    let build = {
        let agency = agency.clone();
        let records = key.clone();
        let search_key = state.server_key.clone();
        move |code: DossierCode| {
            let t = transition.clone().opened_as(code.clone());
            let outbox = t.notice.map(|n| messages_for(n, &t.dossier, &t.event, &agency)).unwrap_or_default();
            let keep = kept(&t.dossier, &t.event);
            let tally = motcua_domain::reports::tally(None, &t.dossier, t.event.at);
            let search = motcua_domain::search::terms(&t.dossier, &search_key);
            Commit {
                settle: None,
                search,
                dossier: t.dossier,
                expected_version: None,
                event: t.event,
                outbox,
                lookup_secret_hash: Some(secret_hash.clone()),
                idempotency: records.as_ref().map(|k| k.record(code, now)),
                limit: limit.clone(),
                attach: attach.clone(),
                keep,
                tally,
            }
        }
    };
    // A filing that could not be written as one transaction is refused before anything is.
    let probe = build(provisional);
    if let Some(most) = probe.files_that_fit() {
        return Err(Refused::TooManyFiles { files: probe.attach.len(), most });
    }
    match state.dossiers.create(&procedure.agency, date, Box::new(build)).await {
        Ok(d) => {
            tracing::info!(dossier = %d.code, action = "open", channel = d.channel.as_str(), "dossier opened");
            let receipt_of = desk.then_some((&procedure, &agency));
            Ok(Answer {
                status: StatusCode::CREATED,
                view: answer(&d, std::slice::from_ref(&event), secret, receipt_of, state.clock.now()),
            })
        }
        Err(StoreError::LimitReached) => Err(super::guard::too_many_submissions(state)),
        Err(StoreError::IdempotencyKeyTaken) => {
            // A concurrent request with the same key won the race: answer as it did.
            let k = key.ok_or(StoreError::Conflict)?;
            match state.dossiers.idempotency(&k.scope, &k.key).await? {
                Some(record) => replay(state, &k, &record, desk).await,
                None => Err(StoreError::Conflict.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
