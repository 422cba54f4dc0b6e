//! The officers' reports: the workload of the agency and each of its officers (in hand, due
//! soon, overdue, steps finished early, on time or late), the II.06a report of dossiers received,
//! resolved and in progress with its CSV and XLSX files, the rates the province publishes and
//! the satisfaction of applicants, for a period picked on the page. What an officer sees is
//! what the API lets them see: their agency, or for an inspector or administrator the province.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::api::Call;
use super::citizen::{encode, respond};
use super::officer::to_sign_in;
use super::page::{self, date};
use super::session::Browser;
use super::Web;

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    /// `2026-12`, `2026-Q4`, `2026-H2` or `2026`; this month when empty.
    #[serde(default)]
    period: String,
    /// `field`, `agency` or `procedure`.
    #[serde(default)]
    group_by: String,
    /// `csv` or `xlsx`, for the download.
    #[serde(default)]
    format: String,
}

impl Params {
    /// The query the API's reports take.
    fn query(&self) -> String {
        let mut q = String::new();
        if !self.period.trim().is_empty() {
            q.push_str(&format!("period={}&", encode(self.period.trim())));
        }
        if ["field", "agency", "procedure"].contains(&self.group_by.as_str()) {
            q.push_str(&format!("group_by={}&", self.group_by));
        }
        q
    }
}

/// `GET /officer/reports`.
pub async fn reports(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if browser.officer().is_none() {
        return to_sign_in("/officer/reports");
    }
    let params = query.map(|q| q.0).unwrap_or_default();
    let q = params.query();
    let period_only = if params.period.trim().is_empty() {
        String::new()
    } else {
        format!("period={}", encode(params.period.trim()))
    };
    let get = |path: String| web.api.call(Call::get(path).by(browser.token()).from(&browser.peer));
    let workload = get(format!("/v1/reports/workload?{period_only}")).await;
    if workload.status == StatusCode::UNAUTHORIZED {
        return to_sign_in("/officer/reports");
    }
    let dossiers = get(format!("/v1/reports/dossiers?{q}")).await;
    let rates = get(format!("/v1/reports/rates?{period_only}")).await;
    let satisfaction = get(format!("/v1/reports/satisfaction?{period_only}")).await;
    let status = if dossiers.ok() { StatusCode::OK } else { dossiers.status };
    respond(&browser, status, |chrome, _| {
        page::page(
            "Báo cáo",
            chrome,
            html! {
                h1 { "Báo cáo" }
                form.search method="get" action="/officer/reports" {
                    div.field {
                        label for="period" { "Kỳ báo cáo" }
                        span.hint id="period-hint" { "Để trống: tháng này. Ví dụ 2026-11 (tháng), 2026-Q4 (quý), 2026-H2 (6 tháng), 2026 (năm)" }
                        input type="text" id="period" name="period" value=(params.period) aria-describedby="period-hint";
                    }
                    div.field {
                        label for="group_by" { "Nhóm theo" }
                        select id="group_by" name="group_by" {
                            option value="field" selected[params.group_by != "agency" && params.group_by != "procedure"] { "Lĩnh vực" }
                            option value="agency" selected[params.group_by == "agency"] { "Cơ quan" }
                            option value="procedure" selected[params.group_by == "procedure"] { "Thủ tục" }
                        }
                    }
                    button type="submit" class="secondary" { "Xem" }
                }
                @if !dossiers.ok() {
                    p.notice { (dossiers.message()) }
                } @else {
                    p.lead { (dossiers.body["scope"]["name"].as_str().unwrap_or_default()) ", từ "
                        (date(&dossiers.body["period"]["from"])) " đến " (date(&dossiers.body["period"]["to"])) "." }
                    (workload_section(&workload.body))
                    (dossier_section(&dossiers.body, &q))
                    (rates_section(&rates.body))
                    (satisfaction_section(&satisfaction.body))
                }
            },
        )
    })
}

/// `GET /officer/reports/dossiers`: the II.06a report as a file (`format=csv` or `xlsx`).
pub async fn download(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<Params>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if browser.officer().is_none() {
        return to_sign_in("/officer/reports");
    }
    let params = query.map(|q| q.0).unwrap_or_default();
    let format = if params.format == "csv" { "csv" } else { "xlsx" };
    let path = format!("/v1/reports/dossiers?{}format={format}", params.query());
    super::files::hand_over(&web, &browser, Call::get(path).by(browser.token()).from(&browser.peer)).await
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

fn share(v: &Value) -> String {
    match v["value"].as_f64() {
        Some(r) => format!("{:.1}% ({}/{})", r * 100.0, n(&v["numerator"]), n(&v["denominator"])).replace('.', ","),
        None => "–".into(),
    }
}

fn workload_section(w: &Value) -> Markup {
    let agencies = w["agencies"].as_array().cloned().unwrap_or_default();
    html! {
        h2 { "Khối lượng công việc" }
        @for a in &agencies {
            h3 { (a["name"].as_str().unwrap_or_default()) }
            p { "Đang giữ " strong { (n(&a["on_hand"])) } " hồ sơ: " (n(&a["due_soon"])) " sắp đến hạn, "
                strong.overdue-text { (n(&a["overdue"])) " quá hạn" } "." }
            div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                table {
                    caption.skip { "Khối lượng theo cán bộ" }
                    thead { tr {
                        th scope="col" { "Cán bộ" } th scope="col" { "Đang giữ" } th scope="col" { "Sắp đến hạn" }
                        th scope="col" { "Quá hạn" } th scope="col" { "Bước xong sớm / đúng / trễ hạn" }
                    } }
                    tbody {
                        @for o in a["officers"].as_array().into_iter().flatten() {
                            tr {
                                th scope="row" { (o["name"].as_str().unwrap_or_default()) }
                                td { (n(&o["on_hand"])) } td { (n(&o["due_soon"])) } td { (n(&o["overdue"])) }
                                td { (n(&o["finished"]["early"])) " / " (n(&o["finished"]["on_time"])) " / " (n(&o["finished"]["late"])) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn dossier_section(r: &Value, query: &str) -> Markup {
    let rows = r["rows"].as_array().cloned().unwrap_or_default();
    let row = |name: &str, f: &Value| {
        html! {
            tr {
                th scope="row" { (name) }
                td { (n(&f["received"]["total"])) } td { (n(&f["received"]["online"])) }
                td { (n(&f["resolved"]["total"])) } td { (n(&f["resolved"]["early"]) + n(&f["resolved"]["on_time"])) }
                td { (n(&f["resolved"]["late"])) }
                td { (n(&f["in_progress"]["total"])) } td { (n(&f["in_progress"]["overdue"])) }
            }
        }
    };
    html! {
        h2 { (r["title"].as_str().unwrap_or("Tình hình giải quyết hồ sơ")) }
        p.muted { (r["form"].as_str().unwrap_or_default()) " · "
            a href={ "/officer/reports/dossiers?" (query) "format=xlsx" } { "Tải Excel" } " · "
            a href={ "/officer/reports/dossiers?" (query) "format=csv" } { "Tải CSV" } }
        div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
            table {
                thead { tr {
                    th scope="col" { "" } th scope="col" { "Tiếp nhận" } th scope="col" { "Trực tuyến" }
                    th scope="col" { "Đã giải quyết" } th scope="col" { "Trước hạn, đúng hạn" } th scope="col" { "Quá hạn" }
                    th scope="col" { "Đang giải quyết" } th scope="col" { "Đang quá hạn" }
                } }
                tbody {
                    @for r in &rows { (row(r["name"].as_str().unwrap_or_default(), r)) }
                }
                tfoot { (row("Tổng số", &r["total"])) }
            }
        }
    }
}

fn rates_section(r: &Value) -> Markup {
    let t = &r["total"];
    html! {
        @if r.is_object() {
            h2 { "Các tỷ lệ" }
            dl.facts {
                dt { "Giải quyết đúng hạn" } dd { (share(&t["on_time"])) }
                dt { "Hồ sơ trực tuyến một phần" } dd { (share(&t["online_partial"])) }
                dt { "Hồ sơ trực tuyến toàn trình" } dd { (share(&t["online_full"])) }
                dt { "Thủ tục trực tuyến có phát sinh hồ sơ" } dd { (share(&t["online_procedures_used"])) }
            }
        }
    }
}

fn satisfaction_section(s: &Value) -> Markup {
    let t = &s["total"];
    html! {
        @if s.is_object() {
            h2 { "Mức độ hài lòng" }
            p { (n(&t["ratings"])) " lượt đánh giá: " (n(&t["very_satisfied"])) " rất hài lòng, "
                (n(&t["satisfied"])) " hài lòng, " (n(&t["unsatisfied"])) " không hài lòng. "
                "Tỷ lệ hài lòng: " strong { (share(&t["satisfied_share"])) } "." }
        }
    }
}
