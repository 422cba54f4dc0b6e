//! Reception at the counter, from a phone at the desk: the officer picks one of the agency's
//! procedures, types the applicant's particulars, ticks each paper handed over and photographs
//! it with the phone's camera (`capture="environment"`), then receives the dossier at once (a
//! receipt to print) or files it as incomplete, to answer with a supplement request or a
//! refusal. The scans go to the API as desk uploads; the filing carries an idempotency key fixed
//! when the form was drawn, so a form sent twice receives once.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};

use super::api::Call;
use super::citizen::{encode, respond};
use super::files::{self, Capture, Sender};
use super::filing::{applicant_fields, applicant_of, applicant_problems, idempotency_key, refusal_on_applicant};
use super::form::Posted;
use super::officer::to_sign_in;
use super::page::{self, error_summary, when, Problem};
use super::session::Browser;
use super::Web;

#[derive(Debug, Default, Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

/// `GET /officer/counter`: the agency's procedures, to pick the one filed.
pub async fn choose(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<Search>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(officer) = browser.officer().cloned() else { return to_sign_in("/officer/counter") };
    let q: String = query.map(|q| q.0.q).unwrap_or_default().trim().chars().take(200).collect();
    let path = format!("/v1/procedures?limit=100&agency={}&q={}", encode(&officer.agency.to_string()), encode(&q));
    let found = web.api.call(Call::get(path).from(&browser.peer)).await;
    let items = found.body["items"].as_array().cloned().unwrap_or_default();
    respond(&browser, found.status, |chrome, _| {
        page::page(
            "Tiếp nhận tại quầy",
            chrome,
            html! {
                h1 { "Tiếp nhận hồ sơ tại quầy" }
                form.search method="get" action="/officer/counter" role="search" {
                    div.field {
                        label for="q" { "Tìm thủ tục của cơ quan" }
                        input type="search" id="q" name="q" value=(q);
                    }
                    button type="submit" class="secondary" { "Tìm" }
                }
                @if !found.ok() {
                    p.notice { (found.message()) }
                } @else if items.is_empty() {
                    p { "Không có thủ tục nào." }
                } @else {
                    ul.cards {
                        @for p in &items {
                            li { a href={ "/officer/counter/" (p["code"].as_str().unwrap_or_default()) } {
                                (p["name"].as_str().unwrap_or_default()) }
                                br; span.muted.code { (p["code"].as_str().unwrap_or_default()) } }
                        }
                    }
                }
            },
        )
    })
}

/// The procedure the desk receives for, when it takes filings at the desk or by post.
async fn procedure(web: &Web, browser: &Browser, code: &str) -> Option<Value> {
    let found = web.api.call(Call::get(format!("/v1/procedures/{}", encode(code))).from(&browser.peer)).await;
    let desk = found.body["channels"].as_array().is_some_and(|c| c.iter().any(|x| x == "direct" || x == "postal"));
    (found.ok() && desk).then_some(found.body)
}

/// `GET /officer/counter/{procedure}`: the reception form.
pub async fn form(State(web): State<Arc<Web>>, browser: Browser, Path(code): Path<String>) -> Response {
    if browser.officer().is_none() {
        return to_sign_in(&format!("/officer/counter/{code}"));
    }
    let Some(p) = procedure(&web, &browser, &code).await else { return not_taken(&browser) };
    let attempt = crate::service::secrets::random_hex(16);
    respond(&browser, StatusCode::OK, |c, t| counter_page(c, t, &p, &Posted::default(), &attempt, &[]))
}

fn not_taken(browser: &Browser) -> Response {
    browser.message(
        StatusCode::NOT_FOUND,
        "Không tiếp nhận được",
        "Thủ tục này không có hoặc không nhận hồ sơ tại quầy.",
    )
}

fn counter_page(
    chrome: &page::Chrome,
    token: &str,
    p: &Value,
    posted: &Posted,
    attempt: &str,
    problems: &[Problem],
) -> Markup {
    let code = p["code"].as_str().unwrap_or_default();
    let postal = posted.field("channel") == "postal";
    let incomplete = posted.field("complete") == "no";
    page::page(
        "Tiếp nhận tại quầy",
        chrome,
        html! {
            p { a href="/officer/counter" { "← Chọn thủ tục khác" } }
            h1 { "Tiếp nhận hồ sơ" }
            p.lead { (p["name"].as_str().unwrap_or_default()) }
            (error_summary(problems))
            form method="post" action={ "/officer/counter/" (code) } enctype="multipart/form-data" data-uploads="officer" novalidate {
                input type="hidden" name="form_token" value=(token);
                input type="hidden" name="attempt" value=(attempt);
                div.field {
                    fieldset {
                        legend { "Hồ sơ nhận" }
                        label.choice { input type="radio" name="channel" value="direct" checked[!postal]; " Trực tiếp tại quầy" }
                        label.choice { input type="radio" name="channel" value="postal" checked[postal]; " Qua bưu chính" }
                    }
                }
                h2 { "Người nộp" }
                (applicant_fields(posted, problems))
                (page::input("address", "Địa chỉ (nếu có)", "text", posted.field("address"), None, problems))
                h2 { "Thành phần hồ sơ" }
                @for (i, c) in p["components"].as_array().into_iter().flatten().enumerate() {
                    @let paper = format!("paper-{i}");
                    @let name = c["name"].as_str().unwrap_or_default();
                    fieldset.component {
                        legend { (name) @if c["required"] == false { " (nếu có)" } }
                        label.choice for=(paper) {
                            input type="checkbox" id=(paper) name=(paper) value="1" checked[posted.field(&paper) == "1"];
                            " Đã nhận bản giấy"
                        }
                        @let field = format!("doc-{i}");
                        (files::file_input(&field, "Ảnh chụp hoặc bản quét", true, Capture::Camera, problems,
                            files::sent_ahead(&posted.fields, &field).as_ref()))
                    }
                }
                div.field {
                    fieldset {
                        legend { "Kết quả kiểm tra" }
                        label.choice { input type="radio" name="complete" value="yes" checked[!incomplete]; " Đầy đủ, hợp lệ: tiếp nhận và hẹn trả" }
                        label.choice { input type="radio" name="complete" value="no" checked[incomplete]; " Chưa đầy đủ: ghi nhận để yêu cầu bổ sung hoặc từ chối" }
                    }
                }
                button type="submit" { "Ghi nhận hồ sơ" }
            }
        },
    )
}

/// `POST /officer/counter/{procedure}`: the scans sent, then the dossier received (or filed as
/// incomplete).
pub async fn receive(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(code): Path<String>,
    mut posted: Posted,
) -> Response {
    let here = format!("/officer/counter/{code}");
    if browser.officer().is_none() {
        return to_sign_in(&here);
    }
    let Some(p) = procedure(&web, &browser, &code).await else { return not_taken(&browser) };
    let attempt = posted.field("attempt").to_owned();
    let components = p["components"].as_array().cloned().unwrap_or_default();
    // Scans first: those sent are kept if the form must be shown again.
    let sender = Sender::Officer(browser.token());
    let mut unsent =
        files::send_posted(&web, &browser, sender, &mut posted, &files::document_fields(&components)).await;
    let posted = posted;
    let again = |problems: Vec<Problem>, status: StatusCode| {
        respond(&browser, status, |c, t| counter_page(c, t, &p, &posted, &attempt, &problems))
    };
    let complete = posted.field("complete") != "no";
    let handed = |i: usize| posted.field(&format!("paper-{i}")) == "1" || files::chosen(&posted, &format!("doc-{i}"));
    let mut problems = applicant_problems(&posted, false);
    for (i, c) in components.iter().enumerate() {
        if let Some(unsent) = files::unsent_of(&mut unsent, &format!("doc-{i}")) {
            problems.push(unsent);
        } else if complete && c["required"] != false && !handed(i) {
            let message = format!(
                "Thiếu {}: đánh dấu đã nhận bản giấy, chụp ảnh, hoặc chọn \u{201c}Chưa đầy đủ\u{201d}",
                c["name"].as_str().unwrap_or_default()
            );
            problems.push(Problem { field: format!("paper-{i}"), message });
        }
    }
    if !problems.is_empty() {
        return again(problems, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let scanned = files::documents(&components, &posted);
    // Papers handed over without a scan are recorded by name.
    let mut documents = scanned.clone();
    for (i, c) in components.iter().enumerate() {
        let name = c["name"].as_str().unwrap_or_default();
        if posted.field(&format!("paper-{i}")) == "1" && !scanned.iter().any(|d| d["component"] == name) {
            documents.push(json!({"component": name, "file_name": "Bản giấy"}));
        }
    }
    let channel = if posted.field("channel") == "postal" { "postal" } else { "direct" };
    let filing =
        json!({"procedure_code": code, "channel": channel, "applicant": applicant_of(&posted), "documents": documents});
    let path = if complete { "/v1/counter/dossiers" } else { "/v1/counter/incomplete-dossiers" };
    let call = Call::post(path, filing)
        .by(browser.token())
        .header("idempotency-key", idempotency_key(&attempt, &code))
        .from(&browser.peer);
    let filed = web.api.call(call).await;
    if filed.status == StatusCode::UNAUTHORIZED {
        return to_sign_in(&here);
    }
    if !filed.ok() {
        return again(vec![refusal_on_applicant(&filed)], filed.status);
    }
    let d = filed.body;
    let dossier = d["code"].as_str().unwrap_or_default().to_owned();
    respond(&browser, StatusCode::CREATED, |chrome, _| {
        page::page(
            "Đã ghi nhận hồ sơ",
            chrome,
            html! {
                div.notice.done role="status" {
                    h1 { @if complete { "Đã tiếp nhận hồ sơ" } @else { "Đã ghi nhận hồ sơ chưa đầy đủ" } }
                    p.lead { "Mã hồ sơ: " strong.code #counter-code { (dossier) } }
                    p.lead { "Mã tra cứu: " strong.code #counter-secret { (d["lookup_secret"].as_str().unwrap_or_default()) } }
                    @if complete && !d["due_at"].is_null() { p { "Hẹn trả kết quả: " strong { (when(&d["due_at"])) } } }
                }
                p { "Đưa mã tra cứu cho người nộp (chỉ hiện một lần): cần cả hai mã để tra cứu, bổ sung hoặc đánh giá." }
                @if complete {
                    p { a.button href={ "/officer/dossiers/" (dossier) "/forms/receipt" } { "In giấy tiếp nhận (PDF)" } }
                } @else {
                    p { "Mở hồ sơ để yêu cầu bổ sung hoặc từ chối, rồi in phiếu cho người nộp." }
                }
                p { a href={ "/officer/dossiers/" (dossier) } { "Mở hồ sơ" } " · " a href="/officer/counter" { "Tiếp nhận hồ sơ khác" } }
            },
        )
    })
}
