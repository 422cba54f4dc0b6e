//! The published statistics (the `reports` family, no sign-in; docs/reports.md "Public
//! statistics" and "Open data"): per agency and field for a period, counts and rates only, as
//! JSON or CSV with a stable schema and a licence line. Cacheable: `Cache-Control: public` and
//! an `ETag` of the body, answered `304` to a matching `If-None-Match`.

use axum::extract::State;
use axum::http::{header as h, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use super::reports::{format_of, period_of};
use super::set::RouteSet;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::service::indicators::{self, PublicRow, PublicStats};
use crate::service::{self, reports};
use crate::sheets::{Cell, Format, Sheet};
use crate::state::AppState;

/// How long a shared cache may keep an answer: counters move with every transition, and a few
/// minutes late is what a published figure can afford.
const MAX_AGE: &str = "public, max-age=300";

pub fn router<R: RouteSet>() -> R {
    R::empty().route::<__path_public_stats, _, _>(public_stats)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicStatsParams {
    /// An agency, with every agency under it; the whole province when left out.
    pub agency: Option<String>,
    /// First day, `YYYY-MM-DD` (Vietnam time), with `to`.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Instead of `from` and `to`: `2026`, `2026-H1`, `2026-Q2`, `2026-05`; this month when none.
    pub period: Option<String>,
    /// `json` (the default) or `csv` (the open-data file: UTF-8 with a byte-order mark).
    pub format: Option<String>,
}

/// The open-data columns, in order (docs/reports.md "Open data": a new column only ever goes at
/// the end, with a new schema version).
pub const COLUMNS: [&str; 17] = [
    "from",
    "to",
    "agency_code",
    "agency_name",
    "field",
    "received_total",
    "received_carried_over",
    "received_online",
    "received_direct_or_postal",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_within_deadline",
    "in_progress_overdue",
    "on_time_rate",
];

fn row(stats: &PublicStats, r: &PublicRow) -> Vec<Cell> {
    let f = &r.figures;
    let mut cells = vec![
        Cell::text(stats.stated.period.from.to_string()),
        Cell::text(stats.stated.period.to.to_string()),
        Cell::text(r.agency.as_str()),
        Cell::text(r.agency_name.as_str()),
        Cell::text(r.field.as_str()),
    ];
    cells.extend(
        [
            f.received.total,
            f.received.carried_over,
            f.received.online,
            f.received.direct_or_postal,
            f.resolved.total,
            f.resolved.early,
            f.resolved.on_time,
            f.resolved.late,
            f.in_progress.total,
            f.in_progress.within_deadline,
            f.in_progress.overdue,
        ]
        .map(Cell::Number),
    );
    cells.push(r.on_time.value.map_or(Cell::Empty, Cell::Decimal));
    cells
}

/// The open-data sheet: one line per agency and field. A CSV has no line for a licence that
/// parsers skip: it rides in the `X-Licence` header, the JSON's `licence` and `docs/reports.md`.
fn sheet(stats: &PublicStats) -> Sheet {
    Sheet {
        name: "stats".into(),
        title: vec![],
        groups: vec![],
        columns: COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        rows: stats.rows.iter().map(|r| row(stats, r)).collect(),
        total: None,
        notes: vec![],
    }
}

/// Thống kê công khai: per agency and field, the dossiers received (carried over, online, at the
/// desk or by post), resolved (early, on time, late) and in progress at the end (within deadline,
/// overdue), with the on-time and online rates. No personal data; cacheable (`ETag`,
/// `Cache-Control: public, max-age=300`). `format=csv` is the open-data file.
#[utoipa::path(get, path = "/v1/stats/public", tag = "reports", params(PublicStatsParams),
    responses((status = 200, body = PublicStats, description = "JSON; with `format=csv`, the open-data file"),
        (status = 304, description = "unchanged since the `ETag` given in `If-None-Match`"),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn public_stats(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(p): ApiQuery<PublicStatsParams>,
) -> ApiResult<Response> {
    let format = format_of(p.format.as_deref())?;
    if format == Format::Xlsx {
        return Err(crate::error::ApiError::bad_request(
            "unknown_format",
            "thống kê công khai: json hoặc csv / public statistics: json or csv",
        ));
    }
    let agency = p.agency.as_deref().map(service::parse_agency).transpose()?;
    let period = period_of(p.from.as_deref(), p.to.as_deref(), p.period.as_deref(), reports::today(&state))?;
    let stats = indicators::public_stats(&state, agency.as_ref(), period).await?;
    let (bytes, media_type) = match format.write(&sheet(&stats), "stats") {
        Some(file) => (file.bytes, file.media_type),
        None => (serde_json::to_vec(&stats).unwrap_or_default(), "application/json"),
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    let matches =
        crate::extract::header(&headers, "if-none-match").is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { bytes.into_response() };
    let out = response.headers_mut();
    if !matches {
        out.insert(h::CONTENT_TYPE, HeaderValue::from_static(media_type));
    }
    out.insert(h::CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    out.insert(h::ETAG, HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\"")));
    out.insert("x-licence", HeaderValue::from_static("CC-BY-4.0"));
    Ok(response)
}
