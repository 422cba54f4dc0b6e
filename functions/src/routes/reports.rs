//! Reports (the `reports` family; docs/reports.md): the II.06a form for an agency and those under
//! it, or the province, in JSON, CSV or XLSX. Officers read their own agency's reports and those
//! of the agencies under it; inspectors and administrators the whole province's.

use axum::extract::State;
use axum::http::{header as h, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use motcua_domain::catalogue::Officer;
use motcua_domain::documents::attachment;
use motcua_domain::reports::ii06a::{Figures, GroupBy, Report};
use motcua_domain::reports::Period;
use serde::Deserialize;
use utoipa::IntoParams;

use super::set::RouteSet;
use crate::auth::CurrentOfficer;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::service::indicators::{self, RatedBy, RatesReport, SatisfactionReport, ScoreCardReport};
use crate::service::{self, reports};
use crate::sheets::{Cell, Format, Group, Sheet};
use crate::state::AppState;

pub fn router<R: RouteSet>() -> R {
    R::empty()
        .route::<__path_dossier_report, _, _>(dossier_report)
        .route::<__path_rates_report, _, _>(rates_report)
        .route::<__path_score_card_report, _, _>(score_card_report)
        .route::<__path_satisfaction_report, _, _>(satisfaction_report)
        .route::<__path_workload_report, _, _>(workload_report)
        .merge(super::stats::router::<R>())
}

/// The period a request names: `period` (a preset), or `from` and `to`; this month when neither.
pub fn period_of(from: Option<&str>, to: Option<&str>, preset: Option<&str>, today: NaiveDate) -> ApiResult<Period> {
    let invalid = |e: motcua_domain::reports::PeriodError| ApiError::bad_request("invalid_period", e.to_string());
    let date = |name: &'static str, text: &str| {
        let strict = (text.len() == 10).then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten();
        strict.ok_or_else(|| {
            ApiError::bad_request(
                "invalid_date",
                format!("`{name}` phải có dạng YYYY-MM-DD / `{name}` must be YYYY-MM-DD"),
            )
            .with_details(serde_json::json!({ "parameter": name }))
        })
    };
    match (preset, from, to) {
        (Some(p), None, None) => Period::preset(p).map_err(invalid),
        (None, Some(from), Some(to)) => Period::new(date("from", from)?, date("to", to)?).map_err(invalid),
        (None, None, None) => Period::preset(&today.format("%Y-%m").to_string()).map_err(invalid),
        _ => Err(ApiError::bad_request(
            "invalid_period",
            "cho `period`, hoặc cả `from` và `to` / give `period`, or both `from` and `to`",
        )),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DossierReportParams {
    /// The agency, with every agency under it; the officer's own (or, for an inspector or an
    /// administrator, the province) when left out.
    pub agency: Option<String>,
    /// First day, `YYYY-MM-DD` (Vietnam time), with `to`.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Instead of `from` and `to`: `2026` (year), `2026-H1` (6 months), `2026-Q2` (quarter),
    /// `2026-05` (month). This month when no period is given.
    pub period: Option<String>,
    /// Rows by `field` (lĩnh vực, the default), `agency` or `procedure`.
    pub group_by: Option<String>,
    /// Only the procedures of this field.
    pub field: Option<String>,
    /// `json` (the default), `csv` (UTF-8 with a byte-order mark) or `xlsx` (laid out like the
    /// printed form).
    pub format: Option<String>,
}

pub fn format_of(text: Option<&str>) -> ApiResult<Format> {
    let text = text.unwrap_or("json");
    Format::parse(text).ok_or_else(|| {
        ApiError::bad_request(
            "unknown_format",
            format!("không có định dạng `{text}`: json, csv hoặc xlsx / no format `{text}`: json, csv or xlsx"),
        )
    })
}

/// A sheet for download, never cached by a shared cache.
pub fn download(d: crate::sheets::Download) -> Response {
    let mut r = d.bytes.into_response();
    let headers = r.headers_mut();
    headers.insert(h::CONTENT_TYPE, HeaderValue::from_static(d.media_type));
    let disposition =
        HeaderValue::from_str(&attachment(&d.file_name)).unwrap_or(HeaderValue::from_static("attachment"));
    headers.insert(h::CONTENT_DISPOSITION, disposition);
    headers.insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

/// Biểu II.06a/VPCP/KSTT: received (carried over, new online, new at the desk or by post),
/// resolved (early, on time, late) and in progress at the period's end (within deadline,
/// overdue), per field, agency or procedure, with the total and the rules applied.
#[utoipa::path(get, path = "/v1/reports/dossiers", tag = "reports", security(("bearer" = [])),
    params(DossierReportParams),
    responses((status = 200, body = Report, description = "JSON; with `format=csv` or `format=xlsx`, the file"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn dossier_report(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<DossierReportParams>,
) -> ApiResult<Response> {
    let format = format_of(p.format.as_deref())?;
    let period = period_of(p.from.as_deref(), p.to.as_deref(), p.period.as_deref(), reports::today(&state))?;
    let group_by = match p.group_by.as_deref() {
        None => GroupBy::Field,
        Some(g) => GroupBy::parse(g).ok_or_else(|| {
            ApiError::bad_request("unknown_group", format!("không nhóm được theo `{g}`: field, agency hoặc procedure / cannot group by `{g}`: field, agency or procedure"))
        })?,
    };
    let agency = p.agency.as_deref().map(service::parse_agency).transpose()?;
    let request = reports::Request { agency, period, group_by, field: p.field };
    let report = reports::ii06a(&state, &officer, request).await?;
    tracing::info!(officer = %officer.id, rows = report.rows.len(), "II.06a report");
    let stem = format!("II06a_{}_{}", period.from.format("%Y%m%d"), period.to.format("%Y%m%d"));
    Ok(match format.write(&ii06a_sheet(&report), &stem) {
        Some(file) => download(file),
        None => {
            let mut r = Json(report).into_response();
            r.headers_mut().insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            r
        }
    })
}

fn figures(f: &Figures) -> [Cell; 11] {
    let (r, s, p) = (&f.received, &f.resolved, &f.in_progress);
    [
        r.total,
        r.carried_over,
        r.online,
        r.direct_or_postal,
        s.total,
        s.early,
        s.on_time,
        s.late,
        p.total,
        p.within_deadline,
        p.overdue,
    ]
    .map(Cell::Number)
}

/// The form as a sheet: STT, the row's name, then the three groups of figures.
pub fn ii06a_sheet(report: &Report) -> Sheet {
    let columns = [
        "STT",
        report.group_by.heading(),
        "Tổng số",
        "Kỳ trước chuyển qua",
        "Mới tiếp nhận trực tuyến",
        "Mới tiếp nhận trực tiếp, bưu chính",
        "Tổng số",
        "Trước hạn",
        "Đúng hạn",
        "Quá hạn",
        "Tổng số",
        "Trong hạn",
        "Quá hạn",
    ];
    let rows = report
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut cells = vec![Cell::Number(i as i64 + 1), Cell::text(r.name.as_str())];
            cells.extend(figures(&r.figures));
            cells
        })
        .collect();
    let mut total = vec![Cell::Empty, Cell::text("Tổng cộng")];
    total.extend(figures(&report.total));
    Sheet {
        name: "II.06a".into(),
        title: vec![
            report.form.to_owned(),
            report.title.to_uppercase(),
            format!(
                "Kỳ báo cáo: {} (số đang giải quyết tính đến ngày {})",
                report.period.label(),
                report.as_of.format("%d/%m/%Y")
            ),
            format!("Đơn vị báo cáo: {}", report.scope.name),
        ],
        groups: vec![
            Group { title: String::new(), span: 2 },
            Group { title: "Số hồ sơ nhận giải quyết".into(), span: 4 },
            Group { title: "Số hồ sơ đã giải quyết".into(), span: 4 },
            Group { title: "Số hồ sơ đang giải quyết".into(), span: 3 },
        ],
        columns: columns.iter().map(|c| (*c).to_owned()).collect(),
        rows,
        total: Some(total),
        notes: report.rules.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// The scope and period every report beyond the II.06a takes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScopeParams {
    /// The agency, with every agency under it; the officer's reach when left out.
    pub agency: Option<String>,
    /// First day, `YYYY-MM-DD` (Vietnam time), with `to`.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Instead of `from` and `to`: `2026`, `2026-H1`, `2026-Q2`, `2026-05`; this month when none.
    pub period: Option<String>,
    /// For satisfaction: rows by `agency` (the default), `procedure` or `officer`.
    pub group_by: Option<String>,
}

/// What a report beyond the II.06a is asked of: by whom (their reach), which agency, which period.
struct Asked {
    reach: motcua_domain::access::ReportReach,
    agency: Option<motcua_domain::codes::AgencyCode>,
    period: Period,
}

impl ScopeParams {
    /// The request read for `officer`; `group_by` refused unless the report takes one.
    fn asked(&self, state: &AppState, officer: &Officer, takes_group: bool) -> ApiResult<Asked> {
        if let (Some(g), false) = (&self.group_by, takes_group) {
            return Err(ApiError::bad_request(
                "unknown_group",
                format!("báo cáo này không nhóm theo `{g}` / this report takes no `group_by`"),
            ));
        }
        let agency = self.agency.as_deref().map(service::parse_agency).transpose()?;
        let period =
            period_of(self.from.as_deref(), self.to.as_deref(), self.period.as_deref(), reports::today(state))?;
        Ok(Asked { reach: motcua_domain::access::report_reach(officer), agency, period })
    }
}

fn private<T: serde::Serialize>(body: T) -> Response {
    let mut r = Json(body).into_response();
    r.headers_mut().insert(h::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

/// Các tỷ lệ: the share of the procedures offered online that received an online dossier, the
/// shares of dossiers filed online at the partial and the full level, the on-time rate; per agency
/// and for the scope, each with its numerator and denominator.
#[utoipa::path(get, path = "/v1/reports/rates", tag = "reports", security(("bearer" = [])), params(ScopeParams),
    responses((status = 200, body = RatesReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn rates_report(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<ScopeParams>,
) -> ApiResult<Response> {
    let a = p.asked(&state, &officer, false)?;
    Ok(private(indicators::rates(&state, &a.reach, a.agency.as_ref(), a.period).await?))
}

/// Bộ chỉ số 766: the components of the Decision 766/QĐ-TTg score card this system computes
/// (progress, online service, digitisation, satisfaction), each with its inputs, formula and
/// points; online payment and the national portal's sync are listed as not scored. Per agency and
/// for the scope.
#[utoipa::path(get, path = "/v1/reports/score-card", tag = "reports", security(("bearer" = [])), params(ScopeParams),
    responses((status = 200, body = ScoreCardReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn score_card_report(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<ScopeParams>,
) -> ApiResult<Response> {
    let a = p.asked(&state, &officer, false)?;
    Ok(private(indicators::score_cards(&state, &a.reach, a.agency.as_ref(), a.period).await?))
}

/// Mức độ hài lòng: the ratings given in the period, their verdicts and each indicator's mean,
/// per agency, procedure or officer (a rating counts for every officer who took a step of the
/// dossier).
#[utoipa::path(get, path = "/v1/reports/satisfaction", tag = "reports", security(("bearer" = [])), params(ScopeParams),
    responses((status = 200, body = SatisfactionReport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn satisfaction_report(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<ScopeParams>,
) -> ApiResult<Response> {
    let by = match p.group_by.as_deref() {
        None | Some("agency") => RatedBy::Agency,
        Some("procedure") => RatedBy::Procedure,
        Some("officer") => RatedBy::Officer,
        Some(g) => {
            return Err(ApiError::bad_request(
                "unknown_group",
                format!("không nhóm được theo `{g}`: agency, procedure hoặc officer / cannot group by `{g}`: agency, procedure or officer"),
            ))
        }
    };
    let a = p.asked(&state, &officer, true)?;
    Ok(private(indicators::satisfaction(&state, &a.reach, a.agency.as_ref(), a.period, by).await?))
}

/// Khối lượng công việc: per agency and per officer, the dossiers in hand now, those whose step
/// is due within 24 working hours and those past due (a dossier waiting for a supplement has its
/// clock stopped), and the steps finished in the period (early, on time, late, average working
/// minutes a step took).
#[utoipa::path(get, path = "/v1/reports/workload", tag = "reports", security(("bearer" = [])), params(ScopeParams),
    responses((status = 200, body = crate::service::workload::WorkloadReport), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn workload_report(
    State(state): State<AppState>,
    CurrentOfficer(officer): CurrentOfficer,
    ApiQuery(p): ApiQuery<ScopeParams>,
) -> ApiResult<Response> {
    let a = p.asked(&state, &officer, false)?;
    Ok(private(crate::service::workload::workload(&state, &a.reach, a.agency.as_ref(), a.period).await?))
}
