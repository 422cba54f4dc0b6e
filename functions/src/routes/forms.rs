//! The printed forms as PDF (query family): the applicant reads the forms addressed to them
//! with the lookup secret; officers who may see the dossier read every form, the tracking card
//! too. See `docs/forms.md`.

use super::set::RouteSet;
use axum::extract::{Path, State};
use axum::http::{header as h, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use motcua_forms::Form;

use crate::auth::CurrentOfficer;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{dossier_code, header, ClientAddress};
use crate::service::{dossiers, forms, Refused};
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_applicant_form, _, _>(applicant_form).route::<__path_officer_form, _, _>(officer_form)
}

/// The API's public address: configured (`MOTCUA_PUBLIC_URL`), or the one this request came to.
pub(crate) fn base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.forms.public_url {
        return url.clone();
    }
    let host = header(headers, "host").filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)));
    let scheme = match header(headers, "x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{}", host.unwrap_or("localhost"))
}

fn form(name: &str) -> Result<Form, Refused> {
    Form::parse(name).ok_or(Refused::FormNotFound)
}

fn answer(pdf: Vec<u8>, form: Form, code: &str) -> Response {
    let mut response = pdf.into_response();
    let headers = response.headers_mut();
    headers.insert(h::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    let disposition = format!("inline; filename=\"{}-{code}.pdf\"", form.name());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(h::CONTENT_DISPOSITION, value);
    }
    headers.insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// Phiếu của hồ sơ (người nộp): `receipt`, `supplement-request`, `refusal` or `apology`
/// (`.pdf` may follow), as PDF, with the lookup secret.
#[utoipa::path(get, path = "/v1/dossiers/{code}/forms/{form}", tag = "query",
    params(("code" = String, Path), ("form" = String, Path, description = "receipt, supplement-request, refusal or apology"),
        ("X-Lookup-Secret" = String, Header)),
    responses((status = 200, description = "the form: a PDF, served as `application/pdf`", content_type = "application/octet-stream"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the dossier has no such form yet", body = ErrorBody),
        (status = 429, body = ErrorBody)))]
async fn applicant_form(
    State(state): State<AppState>,
    Path((code, name)): Path<(String, String)>,
    client: ClientAddress,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let code = dossier_code(&code)?;
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    dossiers::check_secret(&state, &stored, header(&headers, "x-lookup-secret"), &client).await?;
    let form = form(&name).and_then(|f| if f.for_applicant() { Ok(f) } else { Err(Refused::FormNotFound) })?;
    let pdf = forms::pdf(&state, &stored.dossier, &events, form, &base(&state, &headers)).await?;
    Ok(answer(pdf, form, &code.to_string()))
}

/// Phiếu của hồ sơ (cán bộ): any of the five forms, the tracking card (`tracking-card`) too, for
/// officers who may see the dossier.
#[utoipa::path(get, path = "/v1/officer/dossiers/{code}/forms/{form}", tag = "query", security(("bearer" = [])),
    params(("code" = String, Path),
        ("form" = String, Path, description = "receipt, supplement-request, refusal, apology or tracking-card")),
    responses((status = 200, description = "the form: a PDF, served as `application/pdf`", content_type = "application/octet-stream"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "the dossier has no such form yet", body = ErrorBody)))]
async fn officer_form(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    Path((code, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let code = dossier_code(&code)?;
    let (stored, events) = dossiers::load_with_history(&state, &code).await?;
    motcua_domain::access::may_see(&officer, &stored.dossier, &events)?;
    let form = form(&name)?;
    let pdf = forms::pdf(&state, &stored.dossier, &events, form, &base(&state, &headers)).await?;
    Ok(answer(pdf, form, &code.to_string()))
}
