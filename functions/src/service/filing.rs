//! Opening dossiers: online submission and reception at the desk, with idempotency keys.

use std::sync::Arc;

use axum::http::StatusCode;
use motcua_domain::calendar::vietnam;
use motcua_domain::codes::DossierCode;
use motcua_domain::lifecycle::{open, Actor, Context, Dossier, NewDossier};
use motcua_domain::notify::messages_for;
use motcua_domain::ports::{Commit, IdempotencyRecord, LimitUse, StoreError};

use super::secrets::{derived_lookup_secret, new_lookup_secret, sha256_hex};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::views::{DossierSummary, Receipt, SubmissionView};

/// A replayed or fresh answer: status and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
}

/// An `Idempotency-Key` with the hash of the body it came with.
pub struct IdempotencyKey {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl IdempotencyKey {
    pub fn parse(scope: String, key: Option<&str>, body: &[u8]) -> ApiResult<Option<Self>> {
        let Some(key) = key else { return Ok(None) };
        let ok = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key phải có 1-128 ký tự ASCII / Idempotency-Key must be 1-128 visible ASCII characters",
            ));
        }
        Ok(Some(Self { scope, key: key.to_owned(), request_hash: sha256_hex(body) }))
    }
}

impl IdempotencyKey {
    /// The lookup secret of the filing made with this key and body.
    fn lookup_secret(&self, server_key: &[u8]) -> String {
        derived_lookup_secret(server_key, &self.scope, &self.key, &self.request_hash)
    }
}

/// The answer first given for `key`. The record holds it without the lookup secret, which is
/// derived again here.
fn replay(record: IdempotencyRecord, key: &IdempotencyKey, server_key: &[u8]) -> ApiResult<Answer> {
    if record.request_hash != key.request_hash {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            "khóa Idempotency-Key đã dùng cho một yêu cầu khác / this Idempotency-Key was used with another body",
        ));
    }
    let mut body: serde_json::Value =
        serde_json::from_str(&record.response).map_err(|e| ApiError::from(StoreError::Corrupt(e.to_string())))?;
    body["lookup_secret"] = serde_json::Value::String(key.lookup_secret(server_key));
    Ok(Answer { status: StatusCode::from_u16(record.status).unwrap_or(StatusCode::CREATED), body: body.to_string() })
}

/// Files a dossier for `procedure_code`: online by the applicant, or at the desk by an officer.
/// An online filing counts against the submission `limit` in the dossier's own write.
pub async fn open_dossier(
    state: &AppState,
    procedure_code: &str,
    new: NewDossier,
    actor: Actor<'_>,
    key: Option<IdempotencyKey>,
    limit: Option<LimitUse>,
) -> ApiResult<Answer> {
    if let Some(k) = &key {
        if let Some(record) = state.dossiers.idempotency(&k.scope, &k.key).await? {
            return replay(record, k, &state.server_key);
        }
    }
    let procedure = super::procedure(state, procedure_code).await?;
    let agency = super::agency(state, &procedure.agency).await?;
    let (calendar, step_calendars) = super::calendars(state, &agency, &[&procedure.workflow]).await?;
    let now = state.clock.now();
    let date = vietnam::to_local(now).date();
    let provisional = DossierCode::new(procedure.agency.clone(), date, 1)
        .map_err(|e| ApiError::unprocessable("invalid_date", e.to_string()))?;
    let ctx = Context { now, calendar: &calendar, step_calendars: &step_calendars, procedure: &procedure };
    let transition = open(provisional, new, actor, &ctx)?;

    let secret = key.as_ref().map(|k| k.lookup_secret(&state.server_key)).unwrap_or_else(new_lookup_secret);
    let secret_hash = sha256_hex(secret.as_bytes());
    let with_receipt = matches!(actor, Actor::Officer(_));
    // The event does not depend on the code, so the answer can be built inside the store's
    // transaction (for the idempotency record) and after it alike.
    let event = transition.event.clone();
    let respond = Arc::new({
        let (procedure, agency) = (procedure.clone(), agency.clone());
        move |d: &Dossier, secret: &str| {
            let view = SubmissionView {
                dossier: DossierSummary::of(d),
                lookup_secret: secret.to_owned(),
                receipt: if with_receipt {
                    Receipt::of(d, &procedure, &agency, std::slice::from_ref(&event))
                } else {
                    None
                },
            };
            serde_json::to_string(&view).unwrap_or_default()
        }
    });
    let build = {
        let (respond, agency) = (respond.clone(), agency.clone());
        let key = key.as_ref().map(|k| (k.scope.clone(), k.key.clone(), k.request_hash.clone()));
        move |code: DossierCode| {
            let t = transition.clone().opened_as(code);
            let outbox = t.notice.map(|n| messages_for(n, &t.dossier, &t.event, &agency)).unwrap_or_default();
            let idempotency = key.clone().map(|(scope, key, request_hash)| IdempotencyRecord {
                scope,
                key,
                request_hash,
                status: StatusCode::CREATED.as_u16(),
                // Without the secret: a replay derives it again.
                response: respond(&t.dossier, ""),
                created_at: now,
            });
            Commit {
                dossier: t.dossier,
                expected_version: None,
                event: t.event,
                outbox,
                lookup_secret_hash: Some(secret_hash.clone()),
                idempotency,
                limit: limit.clone(),
            }
        }
    };
    match state.dossiers.create(&procedure.agency, date, Box::new(build)).await {
        Ok(d) => {
            tracing::info!(dossier = %d.code, action = "open", channel = d.channel.as_str(), "dossier opened");
            Ok(Answer { status: StatusCode::CREATED, body: respond(&d, &secret) })
        }
        Err(StoreError::LimitReached) => Err(super::guard::too_many_submissions(state)),
        Err(StoreError::IdempotencyKeyTaken) => {
            // A concurrent request with the same key won the race: answer as it did.
            let k = key.ok_or(ApiError::from(StoreError::Conflict))?;
            match state.dossiers.idempotency(&k.scope, &k.key).await? {
                Some(record) => replay(record, &k, &state.server_key),
                None => Err(StoreError::Conflict.into()),
            }
        }
        Err(e) => Err(e.into()),
    }
}
