//! The catalogue as a file (`docs/catalogue.md`): an administrator imports the province's
//! procedures from an XLSX workbook or a JSON document, or exports them in the same layout.

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

use super::set::RouteSet;
use crate::auth::CurrentAdmin;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::service::catalogue::{self, Format, ImportReport, Options};
use crate::state::AppState;

/// The largest file the route takes (a Lambda's request is at most 6 MB).
pub const IMPORT_LIMIT: usize = 5 * 1024 * 1024;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_import_catalogue, _, _>(import_catalogue)
        .route::<__path_export_catalogue, _, _>(export_catalogue)
}

/// A catalogue file's bytes (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct CatalogueFile(#[allow(dead_code)] Vec<u8>);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check and report only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Write the valid procedures and list the refused ones as skipped.
    #[serde(default)]
    pub skip_invalid: bool,
}

/// Import the catalogue: the body is an XLSX workbook
/// (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`) or a JSON document
/// (`application/json`) with the sheets `procedures`, `components`, `fees` and `steps`. Every
/// procedure is checked as `PUT /v1/admin/procedures/{code}` checks it; the answer lists each
/// as added, changed, unchanged or refused, with every error's sheet, row and column. Nothing is
/// written when anything is refused (`422 catalogue_invalid`, the report in `details`) unless
/// `skip_invalid`; nothing at all on a `dry_run`. Importing the same file again changes nothing.
#[utoipa::path(post, path = "/v1/admin/catalogue/import", tag = "admin", security(("bearer" = [])),
    params(ImportParams),
    request_body(content = inline(CatalogueFile), content_type = "application/octet-stream", description = "the catalogue file: an XLSX workbook (`application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`) or the same tables as `application/json`; sent as `application/octet-stream`, told apart by their first bytes"),
    responses((status = 200, description = "written (or, on a dry run, checked)", body = ImportReport),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn import_catalogue(
    State(state): State<AppState>,
    CurrentAdmin(admin): CurrentAdmin,
    Query(params): Query<ImportParams>,
    request: Request,
) -> ApiResult<Response> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let declared = Format::of(&content_type);
    if declared.is_none() && !content_type.starts_with("application/octet-stream") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "gửi tệp XLSX hoặc JSON / send an XLSX workbook or a JSON document",
        ));
    }
    let bytes =
        axum::body::to_bytes(request.into_body(), IMPORT_LIMIT).await.map_err(|_| crate::extract::too_large())?;
    let format = declared
        .or_else(|| Format::sniff(&bytes))
        .ok_or_else(|| ApiError::bad_request("unreadable_catalogue", "neither an XLSX workbook nor a JSON document"))?;
    let book = format.read(&bytes).map_err(|e| ApiError::bad_request("unreadable_catalogue", e.to_string()))?;
    let today = motcua_domain::calendar::vietnam::to_local(state.clock.now()).date();
    let options = Options { dry_run: params.dry_run, skip_invalid: params.skip_invalid, today };
    let report = catalogue::import(state.catalogue.as_ref(), &book, options, &|_, _| {}).await?;
    tracing::info!(admin = %admin.id, added = report.added, changed = report.changed, refused = report.refused,
        applied = report.applied, dry_run = report.dry_run, "catalogue import");
    if !report.accepted && !report.dry_run {
        let details = serde_json::to_value(&report).unwrap_or_default();
        return Err(ApiError::unprocessable(
            "catalogue_invalid",
            format!(
                "{} lỗi, không ghi gì / {} errors: nothing was written (see details.errors)",
                report.errors.len(),
                report.errors.len()
            ),
        )
        .with_details(details));
    }
    Ok(Json(report).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `xlsx` (the default) or `json`.
    pub format: Option<String>,
}

/// Export the catalogue in the layout the import reads, to edit and import again.
#[utoipa::path(get, path = "/v1/admin/catalogue/export", tag = "admin", security(("bearer" = [])),
    params(ExportParams),
    responses((status = 200, description = "the catalogue file (XLSX, or JSON with `format=json`)",
        content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn export_catalogue(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    Query(params): Query<ExportParams>,
) -> ApiResult<Response> {
    let (format, media, name) = match params.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => (Format::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "catalogue.xlsx"),
        "json" => (Format::Json, "application/json", "catalogue.json"),
        _ => return Err(ApiError::bad_request("invalid_format", "format: xlsx or json")),
    };
    let all: Vec<_> = catalogue::procedures(state.catalogue.as_ref()).await?.into_values().collect();
    let bytes = catalogue::encode(&all, format);
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
