//! The applicant's document store, read (query family): the owner with the lookup secret of a
//! dossier they filed (until citizen identity arrives, that is the proof of who they are), and
//! officers only while they handle one of the owner's dossiers (it may be seen and is not
//! finished). Each entry's `id` is what a later filing references to reuse it. See
//! `docs/documents.md`.

use super::set::RouteSet;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use motcua_domain::documents::{FileRef, Owner, Particulars, Provenance, StoredDocument};
use motcua_domain::lifecycle::Dossier;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{header, ClientAddress, DossierPath};
use crate::service::{dossiers, Refused};
use crate::state::AppState;

/// The most entries one answer lists (an owner holds tens).
const MAX_LISTED: usize = 200;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_applicant_stored, _, _>(applicant_stored)
        .route::<__path_officer_stored, _, _>(officer_stored)
}

/// A document in the applicant's store, as its holder and the officers handling them see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredDocumentView {
    /// What a filing's document gives as `stored` to reuse it.
    pub id: String,
    pub name: String,
    pub particulars: Particulars,
    pub provenance: Provenance,
    pub file: FileRef,
    /// Still within its validity today: only then may a filing reuse it.
    pub valid: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredDocumentList {
    /// The latest first.
    pub items: Vec<StoredDocumentView>,
}

async fn list(state: &AppState, d: &Dossier) -> ApiResult<Json<StoredDocumentList>> {
    let Some(owner) = Owner::of(&d.applicant) else { return Ok(Json(StoredDocumentList { items: vec![] })) };
    let today = motcua_domain::calendar::vietnam::to_local(state.clock.now()).date();
    let view = |s: StoredDocument| StoredDocumentView {
        id: s.id.to_string(),
        valid: s.valid_on(today),
        name: s.name,
        particulars: s.particulars,
        provenance: s.provenance,
        file: s.file,
    };
    let items = state.stored.stored_documents(&owner, MAX_LISTED).await.map_err(Refused::from)?;
    Ok(Json(StoredDocumentList { items: items.into_iter().map(view).collect() }))
}

/// Kho dữ liệu của người nộp: the documents issued to or digitised for the dossier's applicant,
/// with the dossier's lookup secret.
#[utoipa::path(get, path = "/v1/dossiers/{code}/stored-documents", tag = "query",
    params(("code" = String, Path), ("X-Lookup-Secret" = String, Header)),
    responses((status = 200, body = StoredDocumentList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn applicant_stored(
    State(state): State<AppState>,
    DossierPath(code): DossierPath,
    client: ClientAddress,
    headers: HeaderMap,
) -> ApiResult<Json<StoredDocumentList>> {
    let stored = dossiers::load(&state, &code).await?;
    dossiers::check_secret(&state, &stored, header(&headers, "x-lookup-secret"), &client).await?;
    list(&state, &stored.dossier).await
}

/// Kho dữ liệu của người nộp (cán bộ): the same list, for an officer handling the dossier
/// (it may be seen, else `403 other_agency`, and is not finished, else `403 dossier_finished`).
#[utoipa::path(get, path = "/v1/officer/dossiers/{code}/stored-documents", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = StoredDocumentList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn officer_stored(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    DossierPath(code): DossierPath,
) -> ApiResult<Json<StoredDocumentList>> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    motcua_domain::access::may_read_store(&officer, &stored.dossier, &events)?;
    list(&state, &stored.dossier).await
}
