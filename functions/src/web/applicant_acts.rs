//! What an applicant does to their dossier from the pages, with its code and lookup secret
//! posted in each form (never in an address): send the papers the desk asked for, withdraw the
//! dossier, pay its fees online, and download its files (the results once handed over, and what
//! they sent). Which of these a dossier offers follows the transition table: the applicant's
//! actions allowed at its status.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use motcua_domain::lifecycle::table::{rules_for, By};
use motcua_domain::lifecycle::{Action, Status};
use serde_json::{json, Value};

use super::api::{Answer, Call};
use super::citizen::{encode, lookup_page, respond};
use super::files::{self, Capture, Sender};
use super::form::Posted;
use super::page::{self, dong, error_summary, textarea, when, Problem};
use super::session::Browser;
use super::Web;

/// Whether the transition table lets the applicant take `action` on dossier `d` now.
pub fn allowed(d: &Value, action: Action) -> bool {
    let Ok(status) = serde_json::from_value::<Status>(d["status"].clone()) else { return false };
    rules_for(action, Some(status)).any(|r| r.by.contains(&By::Applicant))
}

/// The hidden fields that prove the dossier in every applicant form.
pub fn proof(token: &str, code: &str, secret: &str) -> Markup {
    html! {
        input type="hidden" name="form_token" value=(token);
        input type="hidden" name="code" value=(code);
        input type="hidden" name="secret" value=(secret);
    }
}

/// The applicant's part of their dossier's page: its files to download, and the forms of what
/// they may do now.
pub fn offered(d: &Value, secret: &str, token: &str) -> Markup {
    let code = d["code"].as_str().unwrap_or_default();
    let results: Vec<&Value> = d["results"].as_array().into_iter().flatten().collect();
    let sent: Vec<&Value> =
        d["documents"].as_array().into_iter().flatten().filter(|doc| !doc["file"].is_null()).collect();
    let owed = d["fees"]["owed_vnd"].as_u64().unwrap_or(0);
    html! {
        @if !results.is_empty() {
            h2 { "Kết quả giải quyết" }
            ul.cards {
                @for r in &results {
                    li {
                        p { strong { (r["name"].as_str().unwrap_or_default()) } }
                        p.muted { "Số " (r["number"].as_str().unwrap_or_default())
                            @if let Some(n) = r["notation"].as_str() { "/" (n) }
                            " · ngày " (page::date(&r["issued_on"]))
                            " · " (r["signer"].as_str().unwrap_or_default()) }
                        @if !r["file"].is_null() { (download(code, secret, token, &r["file"], "Tải kết quả")) }
                        @else { p.muted { "Bản giấy: nhận tại nơi trả kết quả." } }
                    }
                }
            }
        }
        @if allowed(d, Action::Supplement) {
            h2 #supplement { "Bổ sung hồ sơ" }
            p { "Bộ phận một cửa đề nghị bổ sung giấy tờ"
                @if !d["supplement_deadline"].is_null() { " trước ngày " (page::day(&d["supplement_deadline"])) } "." }
            form method="post" action="/lookup/supplement/new" {
                (proof(token, code, secret))
                button type="submit" { "Gửi giấy tờ bổ sung" }
            }
        }
        @if d["status"] == "awaiting_payment" && owed > 0 {
            h2 #pay { "Thanh toán phí, lệ phí" }
            p { "Số tiền: " strong { (dong(owed)) } }
            form method="post" action="/lookup/pay" {
                (proof(token, code, secret))
                button type="submit" { "Thanh toán trực tuyến" }
            }
        }
        @if !sent.is_empty() {
            details {
                summary { "Giấy tờ đã nộp (" (sent.len()) ")" }
                ul.plain {
                    @for doc in &sent {
                        li { (doc["component"].as_str().unwrap_or_default()) ": "
                            (download(code, secret, token, &doc["file"], doc["file_name"].as_str().unwrap_or("tệp"))) }
                    }
                }
            }
        }
        @if allowed(d, Action::Withdraw) {
            details #withdraw {
                summary { "Rút hồ sơ" }
                form method="post" action="/lookup/withdraw" data-confirm="Rút hồ sơ thì không tiếp tục giải quyết được nữa. Tiếp tục?" {
                    (proof(token, code, secret))
                    (textarea("reason", "Lý do (không bắt buộc)", "", None, &[]))
                    button type="submit" class="warning" { "Rút hồ sơ" }
                }
            }
        }
    }
}

/// A button downloading file `file` (a `FileRef`) of the dossier.
fn download(code: &str, secret: &str, token: &str, file: &Value, label: &str) -> Markup {
    let id = file["id"].as_str().unwrap_or_default();
    html! {
        form.inline method="post" action={ "/lookup/files/" (encode(id)) } {
            (proof(token, code, secret))
            button type="submit" class="secondary" { (label) " (" (files::size(file["size"].as_u64().unwrap_or(0))) ")" }
        }
    }
}

/// The dossier the posted code and secret prove, as the applicant sees it.
async fn dossier(web: &Web, browser: &Browser, posted: &Posted) -> Answer {
    let path = format!("/v1/dossiers/{}", encode(posted.field("code")));
    web.api.call(Call::get(path).header("x-lookup-secret", posted.field("secret")).from(&browser.peer)).await
}

/// The dossier's page after an action: `done` said, or the API's refusal on `field`.
async fn after(web: &Web, browser: &Browser, posted: &Posted, done: Answer, said: &str, field: &str) -> Response {
    let found = dossier(web, browser, posted).await;
    if !found.ok() {
        return browser.message(found.status, "Không mở được hồ sơ", &found.message());
    }
    let (code, secret) = (posted.field("code"), posted.field("secret"));
    let (status, problems, notice) = match done.ok() {
        true => (StatusCode::OK, vec![], Some(said)),
        false => (done.status, vec![Problem { field: field.into(), message: done.message() }], None),
    };
    respond(browser, status, |c, t| lookup_page(c, t, code, &problems, Some((&found.body, secret)), notice))
}

/// `POST /lookup/withdraw`: the dossier withdrawn.
pub async fn withdraw(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    let reason = posted.field("reason");
    let body = if reason.is_empty() { json!({}) } else { json!({"reason": reason}) };
    let path = format!("/v1/dossiers/{}/withdraw", encode(posted.field("code")));
    let call = Call::post(path, body).header("x-lookup-secret", posted.field("secret")).from(&browser.peer);
    let done = web.api.call(call).await;
    after(&web, &browser, &posted, done, "Đã rút hồ sơ.", "reason").await
}

/// `POST /lookup/pay`: a payment opened at the platform, and the way there.
pub async fn pay(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    let path = format!("/v1/dossiers/{}/payments", encode(posted.field("code")));
    let call = Call::post(path, json!({})).header("x-lookup-secret", posted.field("secret")).from(&browser.peer);
    let started = web.api.call(call).await;
    if !started.ok() {
        let done = started.clone();
        return after(&web, &browser, &posted, done, "", "pay").await;
    }
    let p = started.body;
    respond(&browser, StatusCode::CREATED, |chrome, _| {
        page::page(
            "Thanh toán",
            chrome,
            html! {
                h1 { "Thanh toán phí, lệ phí" }
                dl.facts {
                    dt { "Hồ sơ" } dd.code { (posted.field("code")) }
                    dt { "Số tiền" } dd { strong { (dong(p["amount_vnd"].as_u64().unwrap_or(0))) } }
                    dt { "Mã tham chiếu" } dd.code { (p["reference"].as_str().unwrap_or_default()) }
                    dt { "Thanh toán trước" } dd { (when(&p["expires_at"])) }
                }
                p { "Bạn sẽ chuyển sang trang của nền tảng thanh toán; khi thanh toán xong, hồ sơ tự ghi nhận "
                    "và bạn nhận tin nhắn." }
                p { a.button href=(p["pay_url"].as_str().unwrap_or("/lookup")) rel="noreferrer" { "Đến trang thanh toán" } }
            },
        )
    })
}

/// `POST /lookup/supplement/new`: the form for the papers asked for.
pub async fn supplement_form(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    supplement_page(&web, &browser, &posted, &[], StatusCode::OK).await
}

/// The supplement form, with `problems` when a send failed.
async fn supplement_page(
    web: &Web,
    browser: &Browser,
    posted: &Posted,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let found = dossier(web, browser, posted).await;
    if !found.ok() {
        return browser.message(found.status, "Không mở được hồ sơ", &found.message());
    }
    let d = found.body;
    let components = components(web, browser, &d).await;
    let asked = d["timeline"]
        .as_array()
        .and_then(|t| t.iter().rev().find(|e| e["action"] == "request_supplement"))
        .and_then(|e| e["note"].as_str())
        .map(str::to_owned);
    let (code, secret) = (posted.field("code"), posted.field("secret"));
    respond(browser, status, |chrome, token| {
        page::page(
            "Bổ sung hồ sơ",
            chrome,
            html! {
                h1 { "Bổ sung hồ sơ " span.code { (code) } }
                @if let Some(asked) = &asked { div.notice { p { "Nội dung yêu cầu: " (asked) } } }
                (error_summary(problems))
                form method="post" action="/lookup/supplement" enctype="multipart/form-data" data-uploads="applicant" novalidate {
                    (proof(token, code, secret))
                    @for (i, c) in components.iter().enumerate() {
                        @let field = format!("doc-{i}");
                        (files::file_input(&field, c["name"].as_str().unwrap_or_default(), true, Capture::Choose, problems,
                            files::sent_ahead(&posted.fields, &field).as_ref()))
                    }
                    (textarea("note", "Ghi chú cho cán bộ (không bắt buộc)", posted.field("note"), None, problems))
                    button type="submit" { "Gửi bổ sung" }
                }
            },
        )
    })
}

/// The components of dossier `d`'s procedure.
async fn components(web: &Web, browser: &Browser, d: &Value) -> Vec<Value> {
    let path = format!("/v1/procedures/{}", encode(d["procedure_code"].as_str().unwrap_or_default()));
    let found = web.api.call(Call::get(path).from(&browser.peer)).await;
    found.body["components"].as_array().cloned().unwrap_or_default()
}

/// `POST /lookup/supplement`: the files sent, then the supplement.
pub async fn supplement(State(web): State<Arc<Web>>, browser: Browser, mut posted: Posted) -> Response {
    let found = dossier(&web, &browser, &posted).await;
    if !found.ok() {
        return browser.message(found.status, "Không mở được hồ sơ", &found.message());
    }
    let components = components(&web, &browser, &found.body).await;
    // Files first: those sent are kept if the form must be shown again.
    let unsent =
        files::send_posted(&web, &browser, Sender::Applicant, &mut posted, &files::document_fields(&components)).await;
    let (web, browser, posted) = (&web, &browser, &posted);
    let refused = |problems: Vec<Problem>| async move {
        supplement_page(web, browser, posted, &problems, StatusCode::UNPROCESSABLE_ENTITY).await
    };
    if !unsent.is_empty() {
        return refused(unsent).await;
    }
    if !(0..components.len()).any(|i| files::chosen(posted, &format!("doc-{i}"))) {
        return refused(vec![Problem {
            field: "doc-0".into(), message: "Chọn ít nhất một tệp bổ sung".into()
        }])
        .await;
    }
    let documents = files::documents(&components, posted);
    let mut body = json!({"documents": documents});
    if !posted.field("note").is_empty() {
        body["note"] = json!(posted.field("note"));
    }
    let path = format!("/v1/dossiers/{}/supplement", encode(posted.field("code")));
    let call = Call::post(path, body).header("x-lookup-secret", posted.field("secret")).from(&browser.peer);
    let done = web.api.call(call).await;
    if !done.ok() {
        return refused(vec![Problem { field: "doc-0".into(), message: done.message() }]).await;
    }
    after(web, browser, posted, done, "Đã gửi giấy tờ bổ sung. Cán bộ sẽ kiểm tra và tiếp nhận.", "").await
}
