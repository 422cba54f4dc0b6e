//! Tìm kiếm hồ sơ: officers find any dossier of their agency, open or closed
//! (`docs/search.md`).

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use motcua_domain::catalogue::OfficerId;
use motcua_domain::contact::{CitizenId, PhoneNumber, TaxCode};
use motcua_domain::lifecycle::Status;
use motcua_domain::ports::ProcedureQuery;
use motcua_domain::search::{words, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::set::RouteSet;
use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::service::search;
use crate::state::AppState;
use crate::views::QueueItem;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_search_dossiers, _, _>(search_dossiers)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The dossier code or a fragment of it.
    pub code: Option<String>,
    /// Words of the applicant's or delegate's name, any order, with or without diacritics.
    pub name: Option<String>,
    /// A citizen ID (12 digits) or tax code, exactly.
    pub id: Option<String>,
    /// The applicant's phone number.
    pub phone: Option<String>,
    /// A procedure's national code.
    pub procedure: Option<String>,
    /// A field (lĩnh vực): the dossiers of its procedures.
    pub field: Option<String>,
    pub status: Option<Status>,
    /// The officer holding the step in hand (`me` for oneself).
    pub assignee: Option<String>,
    /// Received between these days (Vietnam time, inclusive; at most five years).
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Finished between these days.
    pub finished_from: Option<NaiveDate>,
    pub finished_to: Option<NaiveDate>,
    /// `newest` (the default) or `soonest_due` (among the page's results).
    #[param(inline)]
    pub order: Option<Order>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// A page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPage {
    pub items: Vec<QueueItem>,
    /// Where to go on: more results may follow (a page stops when full, or after looking at
    /// 2,000 dossiers).
    pub next_cursor: Option<String>,
    /// How many dossiers this page looked at.
    pub examined: usize,
}

#[derive(Serialize, Deserialize)]
struct SearchCursor {
    p: String,
}

fn invalid(code: &'static str, message: &str) -> ApiError {
    ApiError::bad_request(code, message.to_owned())
}

/// A period from its two ends, both or neither.
fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> ApiResult<Option<(NaiveDate, NaiveDate)>> {
    match (from, to) {
        (None, None) => Ok(None),
        (Some(f), Some(t)) => Ok(Some((f, t))),
        _ => Err(invalid(
            "invalid_search",
            "một khoảng thời gian cần cả ngày đầu và ngày cuối / a period needs both its days",
        )),
    }
}

/// Tìm kiếm hồ sơ của cơ quan: by code or its fragment, the applicant's name, citizen ID or tax
/// code, phone, procedure, field, status, the step's holder, and the received or finished
/// period; newest first. At least one criterion; periods of at most five years.
#[utoipa::path(get, path = "/v1/officer/search", tag = "query", security(("bearer" = [])), params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn search_dossiers(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchPage>> {
    let limit = crate::pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(crate::pagination::decode::<SearchCursor>).transpose()?.map(|c| c.p);
    let name = match p.name.as_deref() {
        None => vec![],
        Some(text) => match words(text) {
            w if w.is_empty() => {
                return Err(invalid("invalid_search", "tên cần ít nhất một từ / the name has no word"))
            }
            w => w,
        },
    };
    let id = match p.id.as_deref().map(str::trim) {
        None => None,
        Some(text) if CitizenId::parse(text).is_ok() || TaxCode::parse(text).is_ok() => Some(text.to_owned()),
        Some(_) => {
            return Err(invalid(
                "invalid_id",
                "số CCCD (12 chữ số) hoặc mã số thuế / a 12-digit citizen ID or a tax code",
            ))
        }
    };
    let phone = match p.phone.as_deref() {
        None => None,
        Some(text) => {
            Some(PhoneNumber::parse(text).map_err(|e| invalid("invalid_phone", &e.to_string()))?.e164().to_owned())
        }
    };
    let assignee = match p.assignee.as_deref() {
        None => None,
        Some("me") => Some(officer.id.clone()),
        Some(text) => Some(OfficerId::parse(text).map_err(|e| invalid("invalid_officer_id", &e.to_string()))?),
    };
    let procedures = match &p.field {
        None => None,
        Some(field) => {
            let text = motcua_domain::text::search_key(field);
            let all = crate::service::every(
                200,
                |p: &motcua_domain::catalogue::Procedure| p.code.clone(),
                |after| {
                    state.catalogue.procedures(ProcedureQuery {
                        field: Some(text.clone()),
                        after,
                        limit: 200,
                        ..Default::default()
                    })
                },
            )
            .await?;
            Some(all.into_iter().map(|p| p.code).collect())
        }
    };
    let query = Query {
        agency: None,
        code: p.code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()),
        name,
        id,
        phone,
        procedure: p.procedure,
        procedures,
        status: p.status,
        assignee,
        received: period(p.received_from, p.received_to)?,
        finished: period(p.finished_from, p.finished_to)?,
        order: p.order.unwrap_or_default(),
    };
    let found = search::search(&state, &officer, query, after, limit).await?;
    let calendar = crate::service::calendar_of(&state, &officer.agency).await?;
    let now = state.clock.now();
    Ok(Json(SearchPage {
        items: found.items.iter().map(|d| QueueItem::of(d, now, &calendar)).collect(),
        next_cursor: found.next.map(|p| crate::pagination::encode(&SearchCursor { p })),
        examined: found.examined,
    }))
}
