//! The document axis for administrators (`docs/integrations.md`): read what the axis holds for
//! this system now (the server does it every minute; on AWS the schedule does), and the journal
//! of what went over it.

use axum::extract::State;
use axum::Json;
use motcua_domain::axis::journal::JournalEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::set::RouteSet;
use crate::auth::CurrentAdmin;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::pagination::{self, page};
use crate::service::axis::AxisRound;
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_axis_receive, _, _>(axis_receive).route::<__path_axis_journal, _, _>(axis_journal)
}

/// Nhận gói tin từ trục liên thông: reads what the document axis holds for this system now and
/// applies each status packet to the dossier it answers (the receive loop does this every
/// minute); a packet that does not parse, names no dossier of ours, comes from another agency
/// than the one the step went to, or about a step no longer with that agency is refused, noted
/// in the journal and answered `fail` on the axis. No body.
#[utoipa::path(post, path = "/v1/admin/axis/receive", tag = "admin", security(("bearer" = [])),
    responses((status = 200, description = "what the round did", body = AxisRound), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 409, description = "no axis configured (`axis_not_configured`)", body = ErrorBody),
        (status = 503, description = "the axis cannot be reached (`axis_unavailable`)", body = ErrorBody)))]
async fn axis_receive(State(state): State<AppState>, CurrentAdmin(_): CurrentAdmin) -> ApiResult<Json<AxisRound>> {
    Ok(Json(crate::service::axis::receive(&state).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct JournalParams {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, Deserialize)]
struct JournalCursor {
    p: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JournalPage {
    pub items: Vec<JournalEntry>,
    pub next_cursor: Option<String>,
}

/// Nhật ký trục liên thông: every package and status packet sent or read over the document axis,
/// oldest first, with its SHA-256, size and what became of it (sent, applied, a repeat, refused
/// and why).
#[utoipa::path(get, path = "/v1/admin/axis/journal", tag = "admin", security(("bearer" = [])),
    params(JournalParams),
    responses((status = 200, body = JournalPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
async fn axis_journal(
    State(state): State<AppState>,
    CurrentAdmin(_): CurrentAdmin,
    ApiQuery(p): ApiQuery<JournalParams>,
) -> ApiResult<Json<JournalPage>> {
    let limit = pagination::limit(p.limit)?;
    let after = p.cursor.as_deref().map(pagination::decode::<JournalCursor>).transpose()?.map(|c| c.p);
    let found = state.axis_journal.journal(after.as_deref(), limit + 1).await?;
    let (items, next_cursor) = page(found, limit, |e| JournalCursor { p: e.position() });
    Ok(Json(JournalPage { items, next_cursor }))
}
