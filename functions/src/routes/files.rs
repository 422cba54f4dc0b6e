//! Files: announcing uploads (the applicant's and the desk's), their state, receiving their bytes
//! on one machine, and downloading a dossier's files (the applicant with the lookup secret, the
//! officers who may see the dossier). See `docs/documents.md`.

use super::set::RouteSet;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header as h, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use motcua_domain::documents::{attachment, MediaType, Sha256, Upload, Uploader};
use motcua_domain::lifecycle::Dossier;
use motcua_domain::ports::{FileSource, UploadTarget};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{dossier_code, header, ApiJson, ClientAddress};
use crate::service::files::{self, Announcement};
use crate::service::{dossiers, Refused};
use crate::state::AppState;

/// The applicant's uploads and their state (submit family).
pub fn public_router<R: RouteSet>() -> R {
    R::empty().route::<__path_announce, _, _>(announce).route::<__path_upload_state, _, _>(upload_state)
}

/// The desk's uploads (receive family).
pub fn counter_router<R: RouteSet>() -> R {
    R::empty().route::<__path_announce_at_counter, _, _>(announce_at_counter)
}

/// Downloads (query family).
pub fn download_router<R: RouteSet>() -> R {
    R::empty().route::<__path_applicant_file, _, _>(applicant_file).route::<__path_officer_file, _, _>(officer_file)
}

/// One machine only: the bytes of an upload, streamed to the data directory (on AWS they go to
/// the presigned S3 address instead).
pub fn local_router() -> axum::Router<AppState> {
    axum::Router::new().route("/v1/uploads/{id}/content", axum::routing::put(receive_content))
}

/// `POST /v1/uploads`: what the client says of the file it is about to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadRequest {
    /// For display only; never used as a path.
    pub file_name: String,
    /// In bytes.
    pub size: u64,
    /// `application/pdf`, `image/jpeg`, `image/png`, or the DOCX, XLSX or ODT type: the bytes
    /// must be of this type.
    #[schema(value_type = String, example = "application/pdf")]
    pub media_type: String,
    /// SHA-256 of the bytes, 64 hexadecimal digits.
    pub sha256: String,
}

/// An upload and, while its bytes are awaited, where to send them.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    /// Reference it from a filing's document as `upload`, with its `sha256`.
    pub id: String,
    pub file_name: String,
    pub size: u64,
    pub media_type: MediaType,
    #[schema(value_type = String)]
    pub sha256: Sha256,
    /// `pending` (bytes awaited), `stored` (ready to attach) or `attached` (a dossier holds it).
    pub state: String,
    /// Unattached uploads are forgotten after this.
    pub expires_at: DateTime<Utc>,
    /// The request that sends the bytes: only in the answer that announced it.
    pub upload: Option<UploadTarget>,
}

impl UploadView {
    fn of(u: &Upload, target: Option<UploadTarget>) -> Self {
        Self {
            id: u.id.to_string(),
            file_name: u.file_name.clone(),
            size: u.size,
            media_type: u.media_type,
            sha256: u.sha256.clone(),
            state: u.state.name().into(),
            expires_at: u.expires_at(),
            upload: target,
        }
    }
}

impl UploadRequest {
    fn parse(self) -> ApiResult<Announcement> {
        let media_type = MediaType::from_mime(&self.media_type)
            .ok_or_else(|| ApiError::from(Refused::File(motcua_domain::documents::FileRefusal::Unsupported)))?;
        let sha256 = Sha256::parse(&self.sha256).map_err(Refused::File)?;
        Ok(Announcement { file_name: self.file_name, size: self.size, media_type, sha256 })
    }
}

async fn announced(
    state: &AppState,
    body: UploadRequest,
    by: Uploader,
    client: Option<&ClientAddress>,
) -> ApiResult<Response> {
    let (upload, target) = files::announce(state, body.parse()?, by, client).await?;
    Ok((StatusCode::CREATED, Json(UploadView::of(&upload, Some(target)))).into_response())
}

/// Tải tệp lên: announces a file of the applicant's (size, type and SHA-256 fixed) and answers
/// where to send its bytes; counted against the client's upload limit.
#[utoipa::path(post, path = "/v1/uploads", tag = "submit", request_body = UploadRequest,
    responses((status = 201, body = UploadView), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn announce(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(body): ApiJson<UploadRequest>,
) -> ApiResult<Response> {
    announced(&state, body, Uploader::Public, Some(&client)).await
}

/// Tải bản quét lên tại quầy: an officer's upload, attachable by that officer only.
#[utoipa::path(post, path = "/v1/counter/uploads", tag = "receive", security(("bearer" = [])),
    request_body = UploadRequest,
    responses((status = 201, body = UploadView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn announce_at_counter(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiJson(body): ApiJson<UploadRequest>,
) -> ApiResult<Response> {
    announced(&state, body, Uploader::Officer { id: officer.id }, None).await
}

/// The state of an upload: whether its bytes arrived and were accepted (a type that lies about
/// itself, a wrong size or checksum are refused here once the bytes are in).
#[utoipa::path(get, path = "/v1/uploads/{id}", tag = "submit", params(("id" = String, Path)),
    responses((status = 200, body = UploadView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_state(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<UploadView>> {
    Ok(Json(UploadView::of(&files::upload(&state, &id).await?, None)))
}

async fn receive_content(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<UploadView>> {
    Ok(Json(UploadView::of(&files::receive(&state, &id, body).await?, None)))
}

/// Tải tệp của hồ sơ (người nộp): with `X-Lookup-Secret`. One machine streams the file; AWS
/// answers `303` to a five-minute address.
#[utoipa::path(get, path = "/v1/dossiers/{code}/files/{id}", tag = "query",
    params(("code" = String, Path), ("id" = String, Path), ("X-Lookup-Secret" = String, Header)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 303, description = "fetch the file at `Location`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn applicant_file(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    client: ClientAddress,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let code = dossier_code(&code)?;
    let stored = dossiers::load(&state, &code).await?;
    dossiers::check_secret(&state, &stored, header(&headers, "x-lookup-secret"), &client).await?;
    download(&state, &stored.dossier, &id, files::Reader::Applicant).await
}

/// Tải tệp của hồ sơ (cán bộ): for officers who may see the dossier; for anyone else the file
/// does not exist. Every download is logged.
#[utoipa::path(get, path = "/v1/officer/dossiers/{code}/files/{id}", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"),
        (status = 303, description = "fetch the file at `Location`"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn officer_file(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let code = dossier_code(&code)?;
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    motcua_domain::access::may_see(&officer, &stored.dossier, &events).map_err(|_| Refused::FileNotFound)?;
    let answer = download(&state, &stored.dossier, &id, files::Reader::Officer).await?;
    tracing::info!(officer = %officer.id, dossier = %code, file = %id, "file downloaded by an officer");
    Ok(answer)
}

/// `303` to `url`: a presigned address the client fetches.
pub(crate) fn see_other(url: &str) -> ApiResult<Response> {
    let location = HeaderValue::from_str(url)
        .map_err(|_| ApiError::from(motcua_domain::ports::StoreError::Unavailable("file address".into())))?;
    let mut r = StatusCode::SEE_OTHER.into_response();
    r.headers_mut().insert(h::LOCATION, location);
    Ok(r)
}

async fn download(state: &AppState, d: &Dossier, id: &str, reader: files::Reader) -> ApiResult<Response> {
    let (file, name, source) = files::source(state, d, id, reader).await?;
    let disposition = HeaderValue::from_str(&attachment(&name)).unwrap_or(HeaderValue::from_static("attachment"));
    let mut response = match source {
        FileSource::Url { url, .. } => see_other(&url)?,
        FileSource::Path(path) => {
            let opened = tokio::fs::File::open(&path).await.map_err(|e| {
                ApiError::from(motcua_domain::ports::StoreError::Unavailable(format!("file {}: {e}", file.sha256)))
            })?;
            let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(opened, 64 * 1024));
            let mut r = body.into_response();
            let headers = r.headers_mut();
            headers.insert(h::CONTENT_TYPE, HeaderValue::from_static(file.media_type.mime()));
            headers.insert(h::CONTENT_LENGTH, HeaderValue::from(file.size));
            headers.insert(h::CONTENT_DISPOSITION, disposition);
            r
        }
    };
    response.headers_mut().insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
