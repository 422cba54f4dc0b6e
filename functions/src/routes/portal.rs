//! The national portal's sync, for administrators: the procedures' national codes, where the
//! queue stands (pending, parked and why), and reconciliation (ask the portal, queue again what
//! differs). Served by the `admin` family; docs/integrations.md.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use motcua_domain::portal::{NationalCode, SyncCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::set::RouteSet;
use crate::auth::CurrentAdmin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
use crate::pagination::{self, page};
use crate::service::{self, Refused};
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_list_national_codes, _, _>(list_national_codes)
        .route::<__path_put_national_code, _, _>(put_national_code)
        .route::<__path_sync_status, _, _>(sync_status)
        .route::<__path_reconcile, _, _>(reconcile)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CodeParams {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NationalCodePage {
    pub items: Vec<NationalCode>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct ProcedureCursor {
    p: String,
}

/// The procedures' national codes, in procedure order.
#[utoipa::path(get, path = "/v1/admin/national-codes", tag = "admin", security(("bearer" = [])), params(CodeParams),
    responses((status = 200, body = NationalCodePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn list_national_codes(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    ApiQuery(p): ApiQuery<CodeParams>,
) -> ApiResult<Json<NationalCodePage>> {
    let limit = pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(pagination::decode::<ProcedureCursor>).transpose()?.map(|c| c.p);
    let found = state.national_codes.national_codes(after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |c| ProcedureCursor { p: c.procedure.clone() });
    Ok(Json(NationalCodePage { items, next_cursor }))
}

/// Set a procedure's national code (mã TTHC), field code and field name at the portal. Dossiers
/// parked for want of it go once reconciliation queues them again (`parked: true`).
#[utoipa::path(put, path = "/v1/admin/national-codes/{procedure}", tag = "admin", security(("bearer" = [])),
    params(("procedure" = String, Path)), request_body = NationalCode,
    responses((status = 200, body = NationalCode), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_national_code(
    State(state): State<AppState>,
    CurrentAdmin(admin): CurrentAdmin,
    Path(procedure): Path<String>,
    ApiJson(code): ApiJson<NationalCode>,
) -> ApiResult<Json<NationalCode>> {
    if code.procedure != procedure {
        return Err(ApiError::unprocessable(
            "path_mismatch",
            "mã trong đường dẫn và nội dung khác nhau / the code in the path and the body differ",
        ));
    }
    code.check().map_err(|e| ApiError::unprocessable("invalid_national_code", e))?;
    service::procedure(&state, &procedure).await?;
    state.national_codes.put_national_code(&code).await?;
    tracing::info!(procedure, national_code = code.national_code, admin = %admin.id, "national code saved");
    Ok(Json(code))
}

/// One parked item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParkedSync {
    pub dossier: String,
    /// The history event it would send.
    pub seq: u32,
    pub attempts: u32,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncStatus {
    #[serde(flatten)]
    pub counts: SyncCounts,
    /// Whether this server sends the queue itself (one machine with `--dvcqg-url`); on AWS the
    /// `notify` function does.
    pub sending_here: bool,
    /// The first parked items (up to 100), by dossier.
    pub parked_items: Vec<ParkedSync>,
}

/// How many sync items are pending and parked, and the parked ones with their reasons.
#[utoipa::path(get, path = "/v1/admin/portal/sync", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = SyncStatus), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn sync_status(State(state): State<AppState>, CurrentAdmin(_): CurrentAdmin) -> ApiResult<Json<SyncStatus>> {
    let counts = state.sync.sync_counts().await?;
    let parked_items = state
        .sync
        .parked_items(100)
        .await?
        .into_iter()
        .map(|i| ParkedSync {
            dossier: i.dossier.to_string(),
            seq: i.seq,
            attempts: i.attempts,
            reason: i.last_error.unwrap_or_default(),
        })
        .collect();
    Ok(Json(SyncStatus { counts, sending_here: state.portal.is_some(), parked_items }))
}

/// What to reconcile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReconcileRequest {
    /// Dossier codes (at most 100).
    #[serde(default)]
    pub dossiers: Vec<String>,
    /// Also every dossier with a parked item (the first 100).
    #[serde(default)]
    pub parked: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reconciliation {
    pub dossier: String,
    /// The status code here, 1–10.
    pub local: Option<String>,
    /// What the portal holds; none when it has never heard of the dossier.
    pub portal: Option<String>,
    /// Whether the dossier was queued to be sent again.
    pub requeued: bool,
    /// Why it could not be checked.
    pub error: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReconcileAnswer {
    pub results: Vec<Reconciliation>,
}

/// Ask the portal what it holds of each dossier and queue again those that differ or whose sync
/// is parked: the one fix for a portal out of step, nothing edited by hand. `409
/// portal_not_configured` where this server does not talk to the portal.
#[utoipa::path(post, path = "/v1/admin/portal/reconcile", tag = "admin", security(("bearer" = [])),
    request_body = ReconcileRequest,
    responses((status = 200, body = ReconcileAnswer), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn reconcile(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    ApiJson(request): ApiJson<ReconcileRequest>,
) -> ApiResult<Json<ReconcileAnswer>> {
    let Some(portal) = state.portal.clone() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "portal_not_configured",
            "máy chủ này không kết nối Cổng DVC quốc gia / this server has no national portal configured",
        ));
    };
    if request.dossiers.len() > 100 {
        return Err(ApiError::unprocessable("too_many_dossiers", "at most 100 dossiers at a time"));
    }
    let mut codes = vec![];
    for text in &request.dossiers {
        codes.push(crate::extract::dossier_code(text)?);
    }
    if request.parked {
        codes.extend(state.sync.parked_items(100).await?.into_iter().map(|i| i.dossier));
    }
    // Each dossier once (a dossier parks all its later items with its first).
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.to_string()));
    let courier = motcua_infra::portal_worker::PortalCourier {
        queue: state.sync.clone(),
        dossiers: state.dossiers.clone(),
        catalogue: state.catalogue.clone(),
        codes: state.national_codes.clone(),
        portal,
        clock: state.clock.clone(),
    };
    let mut results = vec![];
    for code in codes {
        let dossier = code.to_string();
        results.push(match courier.reconcile(&code).await {
            Ok(r) => {
                Reconciliation { dossier, local: Some(r.local), portal: r.portal, requeued: r.requeued, error: None }
            }
            Err(motcua_infra::portal_worker::ReconcileError::NotFound(_)) => {
                return Err(Refused::DossierNotFound.into());
            }
            Err(e) => {
                Reconciliation { dossier, local: None, portal: None, requeued: false, error: Some(e.to_string()) }
            }
        });
    }
    Ok(Json(ReconcileAnswer { results }))
}
