//! The citizens' pages: finding a procedure (diacritic-insensitive, as the API searches), a
//! procedure's page with what to bring, fees, time and the result date if filed today, looking a
//! dossier up (by code alone: its status; with the lookup secret: its whole timeline), and the
//! province's public statistics.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;

use super::api::Call;
use super::page::{self, answer, day, dong, error_summary, input, message, status, when, Problem};
use super::session::{set_cookie, with_cookies, Browser, FORM_COOKIE};
use super::Web;

/// A page for `browser`: the form cookie set when it had none.
pub fn respond(browser: &Browser, status: StatusCode, build: impl FnOnce(&page::Chrome, &str) -> Markup) -> Response {
    let (token, new_cookie) = browser.form_token();
    let chrome = browser.chrome(&token);
    let response = answer(status, build(&chrome, &token));
    with_cookies(response, new_cookie.map(|v| set_cookie(FORM_COOKIE, &v, 30 * 24 * 3600, browser.secure())))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    cursor: Option<String>,
}

/// `GET /`: the procedures, searched by `q`.
pub async fn home(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = query.map(|q| q.0).unwrap_or_default();
    let q = params.q.trim().chars().take(200).collect::<String>();
    let mut path = format!("/v1/procedures?limit=20&q={}", encode(&q));
    if let Some(cursor) = params.cursor.as_deref().filter(|c| c.len() < 200) {
        path.push_str(&format!("&cursor={}", encode(cursor)));
    }
    let found = web.api.call(Call::get(path).from(&browser.peer)).await;
    let items = found.body["items"].as_array().cloned().unwrap_or_default();
    let next = found.body["next_cursor"].as_str().map(str::to_owned);
    respond(&browser, StatusCode::OK, |chrome, _| {
        page::page(
            "Thủ tục hành chính",
            chrome,
            html! {
                h1 { "Thủ tục hành chính" }
                p.lead { "Tìm thủ tục, xem cần chuẩn bị gì, nộp hồ sơ và theo dõi kết quả." }
                form.search method="get" action="/" role="search" {
                    div.field {
                        label for="q" { "Tìm thủ tục" }
                        span.hint id="q-hint" { "Gõ có dấu hoặc không dấu, ví dụ: ly lich tu phap" }
                        input type="search" id="q" name="q" value=(q) aria-describedby="q-hint";
                    }
                    button type="submit" { "Tìm" }
                }
                @if !found.ok() {
                    p.notice { (found.message()) }
                } @else if items.is_empty() {
                    p { "Không tìm thấy thủ tục nào. Thử từ khác, hoặc ít từ hơn." }
                } @else {
                    h2.skip { "Kết quả" }
                    ul.cards {
                        @for p in &items {
                            li {
                                h3 { a href={ "/procedures/" (p["code"].as_str().unwrap_or_default()) } { (p["name"].as_str().unwrap_or_default()) } }
                                span.tag { (p["field"].as_str().unwrap_or_default()) }
                                span.tag { (level(&p["online_level"])) }
                                span.muted.code { "Mã " (p["code"].as_str().unwrap_or_default()) }
                            }
                        }
                    }
                    @if let Some(next) = &next {
                        p { a href={ "/?q=" (encode(&q)) "&cursor=" (encode(next)) } { "Trang sau →" } }
                    }
                }
                h2 { "Đã nộp hồ sơ?" }
                p { a href="/lookup" { "Tra cứu tình trạng hồ sơ" } " bằng mã hồ sơ trên giấy tiếp nhận." }
            },
        )
    })
}

/// `GET /procedures/{code}`: what to bring, fees, time, where, and the result date if filed today.
pub async fn procedure(State(web): State<Arc<Web>>, browser: Browser, Path(code): Path<String>) -> Response {
    let path = format!("/v1/procedures/{}", encode(&code));
    let found = web.api.call(Call::get(path.clone()).from(&browser.peer)).await;
    if !found.ok() {
        return browser.message(StatusCode::NOT_FOUND, "Không có thủ tục này", &found.message());
    }
    let p = found.body;
    let (due, agency) = tokio::join!(
        web.api.call(Call::get(format!("{path}/due-date")).from(&browser.peer)),
        super::catalogue::agency_name(&web, &browser.peer, p["agency"].as_str().unwrap_or_default()),
    );
    respond(&browser, StatusCode::OK, |chrome, _| {
        page::page(
            p["name"].as_str().unwrap_or("Thủ tục"),
            chrome,
            html! {
                p { a href="/" { "← Thủ tục hành chính" } }
                h1 { (p["name"].as_str().unwrap_or_default()) }
                dl.facts {
                    dt { "Mã thủ tục" } dd.code { (p["code"].as_str().unwrap_or_default()) }
                    dt { "Lĩnh vực" } dd { (p["field"].as_str().unwrap_or_default()) }
                    dt { "Cơ quan giải quyết" } dd { (agency.clone().unwrap_or_else(|| p["agency"].as_str().unwrap_or_default().to_owned())) }
                    dt { "Thời hạn giải quyết" } dd { (duration(&p["processing_time"])) }
                    @if !p["online_processing_time"].is_null() {
                        dt { "Nộp trực tuyến" } dd { (duration(&p["online_processing_time"])) }
                    }
                    dt { "Cách nộp" } dd { (channels(&p["channels"])) }
                    dt { "Mức độ trực tuyến" } dd { (level(&p["online_level"])) }
                    @if due.ok() {
                        dt { "Nếu nộp hôm nay" } dd { "dự kiến trả kết quả " strong { (when(&due.body["due_at"])) } }
                    }
                }
                @if p["channels"].as_array().is_some_and(|c| c.iter().any(|x| x == "online")) && p["online_level"] != "information" {
                    p { a.button href={ "/procedures/" (p["code"].as_str().unwrap_or_default()) "/file" } { "Nộp hồ sơ trực tuyến" } }
                }
                h2 { "Thành phần hồ sơ" }
                div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                    table {
                        thead { tr { th scope="col" { "Giấy tờ" } th scope="col" { "Loại" } th scope="col" { "Số lượng" } } }
                        tbody {
                            @for c in p["components"].as_array().into_iter().flatten() {
                                tr {
                                    td { (c["name"].as_str().unwrap_or_default())
                                        @if c["required"] == false { " " span.muted { "(nếu có)" } } }
                                    td { (form_of(&c["form"])) }
                                    td { (c["quantity"].as_u64().unwrap_or(1)) }
                                }
                            }
                        }
                    }
                }
                h2 { "Phí, lệ phí" }
                @let fees = p["fees"].as_array().cloned().unwrap_or_default();
                @if fees.is_empty() {
                    p { "Không mất phí." }
                } @else {
                    ul {
                        @for f in &fees {
                            li { (f["name"].as_str().unwrap_or_default()) ": " strong { (dong(f["amount_vnd"].as_u64().unwrap_or(0))) } }
                        }
                    }
                }
                h2 { "Căn cứ pháp lý" }
                p { (p["legal_basis"].as_str().unwrap_or_default()) }
            },
        )
    })
}

/// `GET /lookup`: the lookup form.
pub async fn lookup_form(browser: Browser) -> Response {
    respond(&browser, StatusCode::OK, |chrome, token| lookup_page(chrome, token, "", &[], None, None))
}

/// `POST /lookup`: the dossier by code, and with the secret its timeline. (A form posted, so
/// the secret never sits in an address or a history.)
pub async fn lookup(State(web): State<Arc<Web>>, browser: Browser, posted: super::form::Posted) -> Response {
    let code = posted.field("code").to_owned();
    let secret = posted.field("secret").to_owned();
    let mut problems = vec![];
    if code.is_empty() {
        problems.push(Problem { field: "code".into(), message: "Nhập mã hồ sơ".into() });
    }
    if !problems.is_empty() {
        return respond(&browser, StatusCode::BAD_REQUEST, |c, t| lookup_page(c, t, &code, &problems, None, None));
    }
    let mut call = Call::get(format!("/v1/dossiers/{}", encode(&code))).from(&browser.peer);
    if !secret.is_empty() {
        call = call.header("x-lookup-secret", secret.clone());
    }
    let found = web.api.call(call).await;
    if !found.ok() {
        let field = if found.code().is_some_and(|c| c.starts_with("lookup_secret")) { "secret" } else { "code" };
        let problems = vec![Problem { field: field.into(), message: found.message() }];
        return respond(&browser, found.status, |c, t| lookup_page(c, t, &code, &problems, None, None));
    }
    respond(&browser, StatusCode::OK, |c, t| lookup_page(c, t, &code, &[], Some((&found.body, &secret)), None))
}

pub fn lookup_page(
    chrome: &page::Chrome,
    token: &str,
    code: &str,
    problems: &[Problem],
    dossier: Option<(&Value, &str)>,
    done: Option<&str>,
) -> Markup {
    page::page(
        "Tra cứu hồ sơ",
        chrome,
        html! {
            @if let Some(done) = done {
                div.notice.done role="status" { p.lead { (done) } }
            }
            @if let Some((d, secret)) = dossier {
                (dossier_view(d))
                (super::applicant_acts::offered(d, secret, token))
                (super::applicant::actions(d, secret, token))
                (timeline(d))
                h2 { "Tra cứu hồ sơ khác" }
            } @else {
                h1 { "Tra cứu hồ sơ" }
            }
            (error_summary(problems))
            form method="post" action="/lookup" novalidate {
                input type="hidden" name="form_token" value=(token);
                (input("code", "Mã hồ sơ", "text", code, Some("Trên giấy tiếp nhận, ví dụ 000.00.03.H56-261202-0001"), problems))
                (input("secret", "Mã tra cứu (nếu có)", "password", "", Some("Gửi kèm giấy tiếp nhận. Có mã này mới xem được chi tiết hồ sơ."), problems))
                button type="submit" { "Tra cứu" }
            }
        },
    )
}

/// The dossier's timeline, as its applicant sees it (with the secret).
fn timeline(d: &Value) -> Markup {
    html! {
        @if let Some(entries) = d["timeline"].as_array() {
            h2 { "Quá trình giải quyết" }
            ol.timeline {
                @for e in entries {
                    li {
                        strong { (action_name(&e["action"])) } " · " (when(&e["at"]))
                        @if let Some(note) = e["note"].as_str() { br; span { (note) } }
                    }
                }
            }
        }
    }
}

/// A dossier as its applicant sees it: its status, due date and particulars.
fn dossier_view(d: &Value) -> Markup {
    html! {
        h1 { "Hồ sơ " span.code { (d["code"].as_str().unwrap_or_default()) } }
        div.notice.done[d["status"] == "returned" || d["status"] == "resolved"] role="status" {
            p.lead { "Tình trạng: " strong { (status(&d["status"])) } }
            @if !d["due_at"].is_null() { p { "Hẹn trả kết quả: " strong { (when(&d["due_at"])) } } }
        }
        @if let Some(name) = d["procedure_name"].as_str() {
            dl.facts {
                dt { "Thủ tục" } dd { (name) }
                dt { "Người nộp" } dd { (d["applicant"]["name"].as_str().unwrap_or_default()) }
                dt { "Ngày nộp" } dd { (when(&d["submitted_at"])) }
                @if !d["received_at"].is_null() { dt { "Ngày tiếp nhận" } dd { (when(&d["received_at"])) } }
                @if !d["supplement_deadline"].is_null() { dt { "Hạn bổ sung" } dd { (day(&d["supplement_deadline"])) } }
                @if d["fees"]["owed_vnd"].as_u64().unwrap_or(0) > 0 { dt { "Phí, lệ phí" } dd { (dong(d["fees"]["owed_vnd"].as_u64().unwrap_or(0))) } }
            }
        } @else {
            p { "Nhập mã tra cứu để xem chi tiết và quá trình giải quyết." }
        }
    }
}

/// `GET /statistics`: the province's public statistics for the month so far.
pub async fn statistics(State(web): State<Arc<Web>>, browser: Browser) -> Response {
    let stats = web.api.call(Call::get("/v1/stats/public").from(&browser.peer)).await;
    let rows = stats.body["rows"].as_array().cloned().unwrap_or_default();
    let rate = |v: &Value| v["value"].as_f64().map(|r| format!("{:.1}%", r * 100.0)).unwrap_or_else(|| "–".into());
    respond(&browser, StatusCode::OK, |chrome, _| {
        page::page(
            "Thống kê",
            chrome,
            html! {
                h1 { "Kết quả giải quyết thủ tục hành chính" }
                p.lead { (stats.body["scope"]["name"].as_str().unwrap_or_default()) ", từ "
                    (stats.body["period"]["from"].as_str().unwrap_or_default()) " đến "
                    (stats.body["as_of"].as_str().unwrap_or_default()) "." }
                @if rows.is_empty() {
                    p { "Chưa có hồ sơ nào trong kỳ." }
                } @else {
                    div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                        table {
                            thead { tr {
                                th scope="col" { "Cơ quan" } th scope="col" { "Lĩnh vực" }
                                th scope="col" { "Tiếp nhận" } th scope="col" { "Đã giải quyết" }
                                th scope="col" { "Đúng hạn" } th scope="col" { "Trực tuyến" }
                            } }
                            tbody {
                                @for r in &rows {
                                    tr {
                                        td { (r["agency_name"].as_str().unwrap_or_default()) }
                                        td { (r["field"].as_str().unwrap_or_default()) }
                                        td { (r["received"]["total"].as_u64().unwrap_or(0)) }
                                        td { (r["resolved"]["total"].as_u64().unwrap_or(0)) }
                                        td { (rate(&r["on_time"])) }
                                        td { (rate(&r["online"])) }
                                    }
                                }
                            }
                        }
                    }
                }
                p.muted { (stats.body["licence"].as_str().unwrap_or_default()) " "
                    a href="/v1/stats/public?format=csv" { "Tải tệp CSV" } }
            },
        )
    })
}

/// The page for a form whose token did not match (an old tab, cookies off, another site).
pub fn expired(browser: &Browser) -> Response {
    let (token, cookie) = browser.form_token();
    let response = message(
        StatusCode::FORBIDDEN,
        &browser.chrome(&token),
        "Phiên làm việc đã hết hạn",
        "Trang này đã cũ hoặc trình duyệt không giữ cookie. Hãy quay lại, tải lại trang rồi gửi lại.",
    );
    with_cookies(response, cookie.map(|v| set_cookie(FORM_COOKIE, &v, 30 * 24 * 3600, browser.secure())))
}

/// `text` for a query string.
pub use crate::https::encode;

/// A processing time the API gave, as the forms spell it ("0,5 ngày làm việc").
fn duration(v: &Value) -> String {
    serde_json::from_value(v.clone()).map(motcua_forms::desk::words::processing_time).unwrap_or_default()
}

fn channels(v: &Value) -> String {
    let names: Vec<&str> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| match c.as_str() {
            Some("direct") => Some("trực tiếp"),
            Some("postal") => Some("qua bưu chính"),
            Some("online") => Some("trực tuyến"),
            _ => None,
        })
        .collect();
    let text = names.join(", ");
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn level(v: &Value) -> &'static str {
    match v.as_str() {
        Some("full") => "Trực tuyến toàn trình",
        Some("partial") => "Trực tuyến một phần",
        _ => "Cung cấp thông tin",
    }
}

fn form_of(v: &Value) -> &'static str {
    serde_json::from_value(v.clone()).map(motcua_forms::desk::words::form).unwrap_or_default()
}

/// An action's Vietnamese name, from its API name.
pub fn action_name(v: &Value) -> &'static str {
    motcua_domain::lifecycle::Action::ALL.iter().find(|a| Some(a.as_str()) == v.as_str()).map_or("", |a| a.name_vi())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_text_is_percent_encoded() {
        assert_eq!(encode("lý lịch&x=1"), "l%C3%BD%20l%E1%BB%8Bch%26x%3D1");
        assert_eq!(duration(&serde_json::json!({"amount": 0.5, "unit": "working_days"})), "0,5 ngày làm việc");
        assert_eq!(channels(&serde_json::json!(["direct", "online"])), "Trực tiếp, trực tuyến");
    }
}
