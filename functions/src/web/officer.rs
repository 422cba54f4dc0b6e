//! The officers' console: signing in and out, the queue (soonest due first, due-soon and
//! overdue flagged, filtered by status or to the officer's own), and a dossier with its
//! documents, steps and history, and the forms of the actions the officer may take
//! ([`super::officer_actions`]). Built for a phone at the desk first.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use super::api::Call;
use super::citizen::{action_name, encode, respond};
use super::files;
use super::form::Posted;
use super::page::{self, day, dong, error_summary, input, status, urgency, when, Problem};
use super::session::{set_cookie, with_cookies, Browser, SESSION_COOKIE, SESSION_HOURS};
use super::{Passwords, Web};

/// Where an officer without a session goes: the sign-in page, back here after.
pub fn to_sign_in(next: &str) -> Response {
    Redirect::to(&format!("/officer/sign-in?next={}", encode(next))).into_response()
}

/// A local console address to go back to after signing in, or the queue.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/officer") && !n.contains("//") && !n.contains('\\') => n.to_owned(),
        _ => "/officer".to_owned(),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

/// `GET /officer/sign-in`.
pub async fn sign_in_form(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<NextParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = safe_next(query.as_ref().ok().and_then(|q| q.next.as_deref()));
    if browser.officer().is_some() {
        return Redirect::to(&next).into_response();
    }
    if web.provider.is_some() {
        return respond(&browser, StatusCode::OK, |chrome, _| provider_page(chrome, &next));
    }
    let enabled = web.passwords.is_some();
    respond(&browser, StatusCode::OK, |chrome, token| sign_in_page(chrome, token, &next, "", &[], enabled))
}

/// The sign-in page where an identity provider signs officers in.
fn provider_page(chrome: &page::Chrome, next: &str) -> maud::Markup {
    page::page(
        "Đăng nhập",
        chrome,
        html! {
            h1 { "Đăng nhập cho cán bộ" }
            p { "Cán bộ đăng nhập bằng tài khoản do tỉnh cấp, trên trang đăng nhập của hệ thống xác thực." }
            p { a.button #provider-sign-in href={ "/officer/sign-in/start?next=" (encode(next)) } { "Đăng nhập" } }
        },
    )
}

fn sign_in_page(
    chrome: &page::Chrome,
    token: &str,
    next: &str,
    officer: &str,
    problems: &[Problem],
    enabled: bool,
) -> maud::Markup {
    page::page(
        "Đăng nhập",
        chrome,
        html! {
            h1 { "Đăng nhập cho cán bộ" }
            @if !enabled {
                p.notice { "Máy chủ này không đăng nhập bằng mật khẩu (cán bộ đăng nhập qua hệ thống xác thực của tỉnh)." }
            } @else {
                (error_summary(problems))
                form method="post" action="/officer/sign-in" novalidate {
                    input type="hidden" name="form_token" value=(token);
                    input type="hidden" name="next" value=(next);
                    (input("officer", "Mã cán bộ", "text", officer, Some("Ví dụ: tuphap.motcua"), problems))
                    (input("password", "Mật khẩu", "password", "", None, problems))
                    button type="submit" { "Đăng nhập" }
                }
                p.muted { "Quên mật khẩu? Nhờ quản trị viên đặt lại (motcua officer set-password)." }
            }
        },
    )
}

/// `POST /officer/sign-in`: the password checked (argon2id, locked after repeated failures),
/// then a session.
pub async fn sign_in(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    let next = safe_next(Some(posted.field("next")).filter(|n| !n.is_empty()));
    let typed = posted.field("officer").to_owned();
    // A password is taken as typed, spaces and all.
    let password = posted.fields.iter().find(|(k, _)| k == "password").map(|(_, v)| v.clone()).unwrap_or_default();
    let Some(Passwords { keys, store: passwords, officers, hashing }) = web.passwords.clone() else {
        return respond(&browser, StatusCode::NOT_FOUND, |c, t| sign_in_page(c, t, &next, &typed, &[], false));
    };
    let refuse = |status: StatusCode, problems: Vec<Problem>| {
        respond(&browser, status, |c, t| sign_in_page(c, t, &next, &typed, &problems, true))
    };
    let wrong = || vec![Problem { field: "officer".into(), message: "Sai mã cán bộ hoặc mật khẩu".into() }];
    let mut problems = vec![];
    if typed.is_empty() {
        problems.push(Problem { field: "officer".into(), message: "Nhập mã cán bộ".into() });
    }
    if password.is_empty() {
        problems.push(Problem { field: "password".into(), message: "Nhập mật khẩu".into() });
    }
    if !problems.is_empty() {
        return refuse(StatusCode::BAD_REQUEST, problems);
    }
    let id = motcua_domain::catalogue::OfficerId::parse(&typed).ok();
    let record = match &id {
        Some(id) => match passwords.password(id).await {
            Ok(r) => r,
            Err(_) => return unavailable(&browser),
        },
        None => None,
    };
    let now = Utc::now();
    if let Some(until) = record.as_ref().and_then(|r| motcua_domain::signin::locked_until(r, now)) {
        let local = until.with_timezone(&motcua_domain::calendar::vietnam::offset());
        let message = format!(
            "Tài khoản tạm khóa đến {} vì nhập sai mật khẩu nhiều lần. Thử lại sau, hoặc nhờ quản trị viên.",
            local.format("%H:%M")
        );
        return refuse(StatusCode::TOO_MANY_REQUESTS, vec![Problem { field: "password".into(), message }]);
    }
    let hash = record.as_ref().map_or_else(|| (hashing.decoy)().to_owned(), |r| r.hash.clone());
    let matched = tokio::task::spawn_blocking(move || (hashing.matches)(&password, &hash)).await.unwrap_or(false);
    let (Some(id), true) = (&id, matched && record.is_some()) else {
        if let (Some(id), Some(_)) = (&id, &record) {
            let failures = passwords.sign_in_failed(id, now).await.unwrap_or(0);
            tracing::warn!(officer = %id, failures, "web console: wrong password");
            let lock = motcua_domain::signin::lock_after(failures);
            if lock > chrono::Duration::zero() {
                let message = format!("Sai mật khẩu. Tài khoản tạm khóa {} phút.", lock.num_minutes());
                return refuse(StatusCode::TOO_MANY_REQUESTS, vec![Problem { field: "password".into(), message }]);
            }
        }
        return refuse(StatusCode::UNAUTHORIZED, wrong());
    };
    let officer = match officers.officer(id).await {
        Ok(Some(o)) => o,
        Ok(None) => return refuse(StatusCode::UNAUTHORIZED, wrong()),
        Err(_) => return unavailable(&browser),
    };
    let _ = passwords.signed_in(id).await;
    // A token is known by the second it was issued: one issued in the very second of a sign-out
    // would be ended with it, so wait for the next.
    if let Some(ended) = record.as_ref().and_then(|r| r.sessions_ended_at) {
        let wait = ended.timestamp() + 1 - Utc::now().timestamp();
        if wait > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(
                1000 - u64::from(Utc::now().timestamp_subsec_millis().min(999)),
            ))
            .await;
        }
    }
    let Ok(token) = keys.issue(&officer, SESSION_HOURS) else { return unavailable(&browser) };
    tracing::info!(officer = %id, "web console: signed in");
    let cookie = set_cookie(SESSION_COOKIE, &token, SESSION_HOURS * 3600, browser.secure());
    with_cookies(Redirect::to(&next).into_response(), [cookie])
}

/// `POST /officer/sign-out`: the session cookie removed.
pub async fn sign_out(
    State(web): State<Arc<Web>>,
    browser: Browser,
    headers: axum::http::HeaderMap,
    _posted: Posted,
) -> Response {
    // The session ends everywhere, not only in this browser.
    if let (Some(officer), Some(passwords)) = (browser.officer(), &web.passwords) {
        if passwords.store.end_sessions(&officer.id, Utc::now()).await.is_err() {
            return unavailable(&browser);
        }
        tracing::info!(officer = %officer.id, "web console: signed out");
    }
    // A provider's refresh token is revoked there and forgotten here.
    super::provider::revoke(&web, &headers).await;
    let cookies = [
        set_cookie(SESSION_COOKIE, "", 0, browser.secure()),
        set_cookie(super::provider::REFRESH_COOKIE, "", 0, browser.secure()),
    ];
    with_cookies(Redirect::to("/officer/sign-in").into_response(), cookies)
}

fn unavailable(browser: &Browser) -> Response {
    let mut response = browser.message(
        StatusCode::SERVICE_UNAVAILABLE,
        "Tạm thời không phục vụ được",
        "Hệ thống đang bận hoặc mất kết nối tới kho dữ liệu. Hãy thử lại sau ít phút.",
    );
    response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("30"));
    response
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    status: Option<String>,
    mine: Option<String>,
    cursor: Option<String>,
}

/// The statuses an officer filters the queue by.
const STATUSES: [&str; 6] =
    ["submitted", "received", "processing", "awaiting_supplement", "resolved", "awaiting_payment"];

/// `GET /officer`: the agency's queue, soonest due first.
pub async fn queue(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<QueueParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(officer) = browser.officer().cloned() else { return to_sign_in("/officer") };
    let params = query.map(|q| q.0).unwrap_or_default();
    let status_filter = params.status.filter(|s| STATUSES.contains(&s.as_str()));
    let mine = params.mine.as_deref() == Some("1");
    let mut path = "/v1/officer/dossiers?limit=30".to_owned();
    if let Some(s) = &status_filter {
        path.push_str(&format!("&status={s}"));
    }
    if mine {
        path.push_str("&assignee=me");
    }
    if let Some(c) = params.cursor.as_deref().filter(|c| c.len() < 300) {
        path.push_str(&format!("&cursor={}", encode(c)));
    }
    let found = web.api.call(Call::get(path).by(browser.token()).from(&browser.peer)).await;
    if found.status == StatusCode::UNAUTHORIZED {
        return to_sign_in("/officer");
    }
    let items = found.body["items"].as_array().cloned().unwrap_or_default();
    let next = found.body["next_cursor"].as_str().map(str::to_owned);
    let here = |cursor: &str| {
        let mut link = format!("/officer?cursor={}", encode(cursor));
        if let Some(s) = &status_filter {
            link.push_str(&format!("&status={s}"));
        }
        if mine {
            link.push_str("&mine=1");
        }
        link
    };
    respond(&browser, found.status, |chrome, _| {
        page::page(
            "Hồ sơ cần xử lý",
            chrome,
            html! {
                h1 { "Hồ sơ cần xử lý" }
                p.muted { (officer.name) " · " (officer.agency.to_string()) }
                form.search method="get" action="/officer" data-autosubmit {
                    div.field {
                        label for="status" { "Trạng thái" }
                        select id="status" name="status" {
                            option value="" selected[status_filter.is_none()] { "Tất cả" }
                            @for s in STATUSES {
                                option value=(s) selected[status_filter.as_deref() == Some(s)] { (status(&Value::from(s))) }
                            }
                        }
                    }
                    div.field {
                        label for="mine" { "Người xử lý" }
                        select id="mine" name="mine" {
                            option value="" selected[!mine] { "Cả cơ quan" }
                            option value="1" selected[mine] { "Giao cho tôi" }
                        }
                    }
                    button type="submit" class="secondary" { "Lọc" }
                }
                @if !found.ok() {
                    p.notice { (found.message()) }
                } @else if items.is_empty() {
                    p { "Không có hồ sơ nào." }
                } @else {
                    ul.cards {
                        @for d in &items {
                            li {
                                h2 { a href={ "/officer/dossiers/" (d["code"].as_str().unwrap_or_default()) } {
                                    span.code { (d["code"].as_str().unwrap_or_default()) } } }
                                p { (d["procedure_name"].as_str().unwrap_or_default()) }
                                p {
                                    span.tag { (status(&d["status"])) }
                                    (urgency(&d["time_left"]["urgency"]))
                                    @if let Some(step) = d["current_step"]["name"].as_str() {
                                        span.tag { "Bước: " (step) }
                                        (urgency(&d["step_time_left"]["urgency"]))
                                    }
                                }
                                p.muted {
                                    (d["applicant_name"].as_str().unwrap_or_default())
                                    @if !d["due_at"].is_null() { " · hẹn trả " (when(&d["due_at"])) }
                                    @if let Some(a) = d["current_step"]["assignee"].as_str() { " · " (a) }
                                }
                            }
                        }
                    }
                    @if let Some(next) = &next { p { a href=(here(next)) { "Trang sau →" } } }
                }
            },
        )
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneParam {
    done: Option<String>,
}

/// `GET /officer/dossiers/{code}`.
pub async fn dossier(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(code): Path<String>,
    query: Result<Query<DoneParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = query.ok().and_then(|q| q.0.done);
    dossier_page(&web, &browser, &code, &[], &[], done.as_deref()).await
}

/// The dossier page, with `problems` of the action form that failed (its values in `posted`),
/// or the notice of the action just done.
pub async fn dossier_page(
    web: &Web,
    browser: &Browser,
    code: &str,
    problems: &[Problem],
    posted: &[(String, String)],
    done: Option<&str>,
) -> Response {
    let here = format!("/officer/dossiers/{code}");
    let Some(officer) = browser.officer().cloned() else { return to_sign_in(&here) };
    let found = web
        .api
        .call(Call::get(format!("/v1/officer/dossiers/{}", encode(code))).by(browser.token()).from(&browser.peer))
        .await;
    if found.status == StatusCode::UNAUTHORIZED {
        return to_sign_in(&here);
    }
    let (token, _) = browser.form_token();
    if !found.ok() {
        return page::message(found.status, &browser.chrome(&token), "Không mở được hồ sơ", &found.message());
    }
    let d = found.body;
    let forms = super::officer_actions::forms(web, browser, &d, &officer, &token, problems, posted).await;
    let status_code = if problems.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let done = done.and_then(|a| motcua_domain::lifecycle::Action::ALL.iter().find(|x| x.as_str() == a));
    respond(browser, status_code, |chrome, _| {
        page::page(
            &format!("Hồ sơ {code}"),
            chrome,
            html! {
                p { a href="/officer" { "← Hồ sơ cần xử lý" } }
                @if let Some(action) = done {
                    div.notice.done role="status" { p.lead { "Đã thực hiện: " strong { (action.name_vi()) } } }
                }
                (error_summary(problems))
                h1 { "Hồ sơ " span.code { (d["code"].as_str().unwrap_or_default()) } }
                p.lead { (d["procedure_name"].as_str().unwrap_or_default()) }
                dl.facts {
                    dt { "Trạng thái" } dd { strong { (status(&d["status"])) } }
                    @if !d["due_at"].is_null() { dt { "Hẹn trả" } dd { (when(&d["due_at"])) } }
                    @if let Some(step) = d["current_step"]["name"].as_str() {
                        dt { "Bước hiện tại" } dd { (step) " · hạn " (when(&d["current_step"]["due_at"]))
                            @if let Some(a) = d["current_step"]["assignee"].as_str() { " · " (a) } }
                    }
                    dt { "Người nộp" } dd { (d["applicant"]["name"].as_str().unwrap_or_default()) }
                    @if let Some(id) = d["applicant"]["citizen_id"].as_str() { dt { "Số định danh" } dd.code { (id) } }
                    @if let Some(t) = d["applicant"]["tax_code"].as_str() { dt { "Mã số thuế" } dd.code { (t) } }
                    @if let Some(p) = d["applicant"]["phone"].as_str() { dt { "Điện thoại" } dd { (motcua_forms::desk::words::phone(p)) } }
                    dt { "Ngày nộp" } dd { (when(&d["submitted_at"])) }
                    @if d["fees"]["owed_vnd"].as_u64().unwrap_or(0) > 0 { dt { "Phí, lệ phí" } dd { (dong(d["fees"]["owed_vnd"].as_u64().unwrap_or(0))) } }
                    @if !d["supplement_deadline"].is_null() { dt { "Hạn bổ sung" } dd { (day(&d["supplement_deadline"])) } }
                }
                (forms)
                (printed_links(&d))
                h2 { "Thành phần hồ sơ" }
                ul {
                    @for doc in d["documents"].as_array().into_iter().flatten() {
                        li { (doc["component"].as_str().unwrap_or_default()) ": "
                            @if doc["file"].is_null() { (doc["file_name"].as_str().unwrap_or_default()) }
                            @else { (files::officer_link(code, &doc["file"], doc["file_name"].as_str().unwrap_or("tệp"))) } }
                    }
                }
                @if let Some(results) = d["results"].as_array().filter(|r| !r.is_empty()) {
                    h2 { "Kết quả giải quyết" }
                    ul {
                        @for r in results {
                            li { (r["name"].as_str().unwrap_or_default()) " · số " (r["number"].as_str().unwrap_or_default())
                                " · " (r["signer"].as_str().unwrap_or_default())
                                @if !r["file"].is_null() { " · " (files::officer_link(code, &r["file"], "tệp đã ký")) } }
                        }
                    }
                }
                h2 { "Phiếu theo dõi" }
                div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                    table {
                        thead { tr { th scope="col" { "Bước" } th scope="col" { "Giao" } th scope="col" { "Hạn" } th scope="col" { "Xong" } } }
                        tbody {
                            @for s in d["tracking_card"].as_array().into_iter().flatten() {
                                tr {
                                    td { (s["step_name"].as_str().unwrap_or_default()) }
                                    td { (when(&s["given_at"])) br; span.muted { (s["given_by"]["name"].as_str().unwrap_or_default()) } }
                                    td { (when(&s["due_at"])) }
                                    td { (when(&s["finished_at"])) }
                                }
                            }
                        }
                    }
                }
                h2 { "Lịch sử" }
                ol.timeline {
                    @for e in d["history"].as_array().into_iter().flatten() {
                        li {
                            strong { (action_name(&e["action"])) } " · " (when(&e["at"]))
                            " · " (actor(&e["actor"]))
                            @if let Some(note) = e["note"].as_str() { br; span { (note) } }
                        }
                    }
                }
            },
        )
    })
}

/// Who took a step of the history, as the officers read it.
fn actor(a: &Value) -> String {
    match a["kind"].as_str() {
        Some("applicant") => "Người nộp".to_owned(),
        Some("officer") => a["name"].as_str().or(a["id"].as_str()).unwrap_or_default().to_owned(),
        Some("agency") => format!("Cơ quan liên thông {}", a["agency"].as_str().unwrap_or_default()),
        Some(other) => other.replace('_', " "),
        None => String::new(),
    }
}

/// The printed forms an officer may open: (path name, title).
const PRINTED: [(&str, &str); 5] = [
    ("receipt", "Giấy tiếp nhận và hẹn trả kết quả"),
    ("tracking-card", "Phiếu kiểm soát quá trình giải quyết"),
    ("supplement-request", "Phiếu yêu cầu bổ sung"),
    ("refusal", "Phiếu từ chối"),
    ("apology", "Phiếu xin lỗi, hẹn lại"),
];

/// Links to the printed forms dossier `d` has.
fn printed_links(d: &Value) -> maud::Markup {
    let code = d["code"].as_str().unwrap_or_default();
    let history = d["history"].as_array().cloned().unwrap_or_default();
    let happened = |action: &str| history.iter().any(|e| e["action"] == action);
    let has = |name: &str| match name {
        "receipt" => !d["received_at"].is_null(),
        "tracking-card" => true,
        "supplement-request" => happened("request_supplement"),
        "refusal" => d["status"] == "refused",
        "apology" => happened("extend"),
        _ => false,
    };
    html! {
        h2 { "Phiếu in" }
        ul {
            @for (name, title) in PRINTED.iter().filter(|(n, _)| has(n)) {
                li { a href={ "/officer/dossiers/" (code) "/forms/" (name) } { (title) " (PDF)" } }
            }
        }
    }
}

/// `GET /officer/dossiers/{code}/forms/{form}`: a printed form, as the API makes it.
pub async fn printed(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path((code, form)): Path<(String, String)>,
) -> Response {
    let here = format!("/officer/dossiers/{code}");
    if browser.officer().is_none() {
        return to_sign_in(&here);
    }
    if !PRINTED.iter().any(|(n, _)| *n == form) {
        return browser.message(StatusCode::NOT_FOUND, "Không có phiếu này", "Không có phiếu này.");
    }
    let path = format!("/v1/officer/dossiers/{}/forms/{form}", encode(&code));
    super::applicant::pdf(&web, &browser, Call::get(path).by(browser.token()).from(&browser.peer), &code).await
}
