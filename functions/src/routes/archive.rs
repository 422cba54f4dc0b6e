//! The dossier's archive export (query family): one ZIP of the dossier, its history, its files,
//! its printed forms and a SHA-256 manifest, for officers who may see the dossier. See
//! `docs/documents.md`.

use super::set::RouteSet;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header as h, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use motcua_domain::documents::attachment;
use motcua_domain::ports::{Published, StoreError};

use crate::archive;
use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::DossierPath;
use crate::service::dossiers;
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_archive_export, _, _>(archive_export)
}

/// Hồ sơ lưu trữ: the dossier's full record as one ZIP (`<code>/dossier.json`, `history.json`,
/// `files/…`, `forms/….pdf`, `manifest.sha256` in `sha256sum -c` form). One machine streams it;
/// AWS answers `303` to a five-minute address. A file that is no longer the bytes its history
/// recorded stops the export (`409 file_altered`).
#[utoipa::path(get, path = "/v1/officer/dossiers/{code}/archive", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "the ZIP, served as `application/zip`", content_type = "application/octet-stream"),
        (status = 303, description = "fetch the ZIP at `Location`"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn archive_export(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    DossierPath(code): DossierPath,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    motcua_domain::access::may_see(&officer, &stored.dossier, &events)?;
    let base = super::forms::base(&state, &headers);
    let exported = archive::export(&state, &stored.dossier, &events, &base).await?;
    tracing::info!(officer = %officer.id, dossier = %code, "archive exported by an officer");
    let unavailable = |what: &str| ApiError::from(StoreError::Unavailable(what.into()));
    let mut response = match exported.published {
        Published::Url { url, .. } => super::files::see_other(&url)?,
        Published::File(file) => {
            let size = file.metadata().map_err(|_| unavailable("archive file"))?.len();
            let mut file = tokio::fs::File::from_std(file);
            tokio::io::AsyncSeekExt::rewind(&mut file).await.map_err(|_| unavailable("archive file"))?;
            let mut r = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024)).into_response();
            let headers = r.headers_mut();
            headers.insert(h::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
            headers.insert(h::CONTENT_LENGTH, HeaderValue::from(size));
            let disposition = HeaderValue::from_str(&attachment(&exported.file_name))
                .unwrap_or(HeaderValue::from_static("attachment"));
            headers.insert(h::CONTENT_DISPOSITION, disposition);
            r
        }
    };
    response.headers_mut().insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}
