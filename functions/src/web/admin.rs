//! The administrators' pages: officers (add, change, set a password), the year's holidays, the
//! agencies and procedures (each edited as the API's JSON, checked by the API), and the
//! catalogue's import (checked first, then applied) and export. Every change goes through the
//! admin API and shows its refusal; only a password, which the API does not take, is written
//! here, for an administrator, as `motcua officer set-password` writes it.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use maud::html;
use motcua_domain::catalogue::{OfficerId, Role};
use serde::Deserialize;
use serde_json::{json, Value};

use super::api::{Answer, Call};
use super::catalogue;
use super::citizen::{encode, respond};
use super::form::Posted;
use super::officer::to_sign_in;
use super::page::{self, error_summary, input, textarea, Problem};
use super::session::{Browser, MIN_PASSWORD};
use super::Web;

/// The roles as the form offers them.
const ROLES: [(Role, &str); 5] = [
    (Role::Reception, "Một cửa (tiếp nhận, trả kết quả)"),
    (Role::Specialist, "Chuyên viên (thẩm định)"),
    (Role::Leader, "Lãnh đạo (phân công, phê duyệt)"),
    (Role::Admin, "Quản trị"),
    (Role::Inspector, "Kiểm soát TTHC (báo cáo toàn tỉnh)"),
];

/// The answer for anyone but a signed-in administrator (none for one).
pub fn not_admin(browser: &Browser, here: &str) -> Option<Response> {
    match browser.officer() {
        None => Some(to_sign_in(here)),
        Some(o) if o.roles.contains(&Role::Admin) => None,
        Some(_) => Some(browser.message(StatusCode::FORBIDDEN, "Không có quyền", "Trang này dành cho quản trị viên.")),
    }
}

/// A call to the admin API as the signed-in administrator.
async fn call(web: &Web, browser: &Browser, call: Call<'_>) -> Answer {
    web.api.call(call.by(browser.token()).from(&browser.peer)).await
}

/// The whole record of the officer `id`, or the page saying why it cannot be shown.
async fn officer_record(web: &Web, browser: &Browser, id: &str) -> Result<Value, Response> {
    let found = call(web, browser, Call::get(format!("/v1/admin/officers/{}", encode(id)))).await;
    match found.status {
        StatusCode::OK => Ok(found.body),
        StatusCode::NOT_FOUND => {
            Err(browser.message(StatusCode::NOT_FOUND, "Không có cán bộ này", "Không có cán bộ này."))
        }
        status => Err(browser.message(status, "Chưa mở được", &found.message())),
    }
}

/// `GET /officer/admin`: what an administrator keeps.
pub async fn index(State(web): State<Arc<Web>>, browser: Browser) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin") {
        return r;
    }
    let agencies = catalogue::agencies(&web, &browser.peer).await;
    respond(&browser, StatusCode::OK, |chrome, _| {
        page::page(
            "Quản trị",
            chrome,
            html! {
                h1 { "Quản trị" }
                ul.cards {
                    li { h2 { a href="/officer/admin/officers" { "Cán bộ" } } p { "Thêm, sửa vai trò, đặt mật khẩu." } }
                    li { h2 { a href="/officer/admin/holidays" { "Ngày nghỉ lễ" } } p { "Lịch làm việc tính hạn giải quyết." } }
                    li { h2 { a href="/officer/admin/catalogue" { "Danh mục thủ tục" } } p { "Nhập từ tệp Excel, xuất danh mục, sửa một thủ tục." } }
                }
                h2 { "Cơ quan" }
                ul {
                    @for (code, name) in catalogue::names(&agencies) {
                        li { a href={ "/officer/admin/agencies/" (code) } { (name) } " " span.muted.code { (code) } }
                    }
                }
            },
        )
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct AgencyFilter {
    #[serde(default)]
    agency: String,
    cursor: Option<String>,
}

/// `GET /officer/admin/officers`: the officers, by agency.
pub async fn officers(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<AgencyFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/officers") {
        return r;
    }
    let AgencyFilter { agency, cursor } = query.map(|q| q.0).unwrap_or_default();
    let mut path = "/v1/admin/officers?limit=100".to_owned();
    if !agency.is_empty() {
        path.push_str(&format!("&agency={}", encode(&agency)));
    }
    if let Some(c) = cursor.as_deref().filter(|c| c.len() < 300) {
        path.push_str(&format!("&cursor={}", encode(c)));
    }

    let found = call(&web, &browser, Call::get(path)).await;
    let next = found.body["next_cursor"]
        .as_str()
        .map(|c| format!("/officer/admin/officers?agency={}&cursor={}", encode(&agency), encode(c)));
    let agencies = catalogue::agencies(&web, &browser.peer).await;
    respond(&browser, found.status, |chrome, _| {
        page::page(
            "Cán bộ",
            chrome,
            html! {
                p { a href="/officer/admin" { "← Quản trị" } }
                h1 { "Cán bộ" }
                form.search method="get" action="/officer/admin/officers" data-autosubmit {
                    div.field {
                        label for="agency" { "Cơ quan" }
                        select id="agency" name="agency" {
                            option value="" { "Tất cả" }
                            @for (code, name) in catalogue::names(&agencies) {
                                option value=(code) selected[agency == code] { (name) }
                            }
                        }
                    }
                    button type="submit" class="secondary" { "Lọc" }
                }
                p { a.button href="/officer/admin/officers/new" { "Thêm cán bộ" } }
                @if !found.ok() { p.notice { (found.message()) } }
                div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                    table {
                        thead { tr { th scope="col" { "Mã" } th scope="col" { "Họ tên" } th scope="col" { "Cơ quan" } th scope="col" { "Vai trò" } } }
                        tbody {
                            @for o in found.body["items"].as_array().into_iter().flatten() {
                                tr {
                                    td.code { a href={ "/officer/admin/officers/" (o["id"].as_str().unwrap_or_default()) } { (o["id"].as_str().unwrap_or_default()) } }
                                    td { (o["name"].as_str().unwrap_or_default()) }
                                    td.code { (o["agency"].as_str().unwrap_or_default()) }
                                    td { (roles_text(&o["roles"])) }
                                }
                            }
                        }
                    }
                }
                @if let Some(next) = &next { p { a href=(next) { "Trang sau →" } } }
            },
        )
    })
}

fn roles_text(roles: &Value) -> String {
    let names: Vec<&str> = ROLES
        .iter()
        .filter(|(r, _)| roles.as_array().is_some_and(|a| a.iter().any(|x| x == r.as_str())))
        .map(|(_, name)| name.split(' ').next().unwrap_or_default())
        .collect();
    names.join(", ")
}

#[derive(Debug, Default, Deserialize)]
pub struct SavedParam {
    saved: Option<String>,
}

/// `GET /officer/admin/officers/{id}` (`new` for a new one): the officer's form and password form.
pub async fn officer(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(id): Path<String>,
    query: Result<Query<SavedParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let saved = query.ok().and_then(|q| q.0.saved).map(|_| "Đã lưu.");
    if let Some(r) = not_admin(&browser, "/officer/admin/officers") {
        return r;
    }
    let current = match id.as_str() {
        "new" => json!({}),
        _ => match officer_record(&web, &browser, &id).await {
            Ok(o) => o,
            Err(r) => return r,
        },
    };
    officer_page(&web, &browser, &current, &[], StatusCode::OK, saved).await
}

async fn officer_page(
    web: &Web,
    browser: &Browser,
    o: &Value,
    problems: &[Problem],
    status: StatusCode,
    done: Option<&str>,
) -> Response {
    let agencies = catalogue::agencies(web, &browser.peer).await;
    let id = o["id"].as_str().unwrap_or_default();
    let new = id.is_empty() || o["new"] == true;
    let text = |k: &str| o[k].as_str().unwrap_or_default().to_owned();
    respond(browser, status, |chrome, token| {
        page::page(
            "Cán bộ",
            chrome,
            html! {
                p { a href="/officer/admin/officers" { "← Cán bộ" } }
                @if let Some(done) = done { div.notice.done role="status" { p.lead { (done) } } }
                h1 { @if new { "Thêm cán bộ" } @else { (text("name")) } }
                (error_summary(problems))
                form method="post" action="/officer/admin/officers" novalidate {
                    input type="hidden" name="form_token" value=(token);
                    @if new {
                        (input("id", "Mã cán bộ (tên đăng nhập)", "text", id, Some("Chữ thường, số, dấu chấm, ví dụ tuphap.chuyenvien2"), problems))
                    } @else {
                        input type="hidden" name="id" value=(id);
                        p { "Mã cán bộ: " strong.code { (id) } }
                    }
                    (input("name", "Họ và tên", "text", &text("name"), None, problems))
                    div.field {
                        label for="agency" { "Cơ quan" }
                        select id="agency" name="agency" {
                            @for (code, name) in catalogue::names(&agencies) {
                                option value=(code) selected[text("agency") == code] { (name) }
                            }
                        }
                    }
                    div.field #roles {
                        fieldset {
                            legend { "Vai trò" }
                            @for (role, name) in ROLES {
                                label.choice { input type="checkbox" name="roles" value=(role.as_str())
                                    checked[o["roles"].as_array().is_some_and(|a| a.iter().any(|x| x == role.as_str()))]; " " (name) }
                            }
                        }
                    }
                    (input("phone", "Số điện thoại", "tel", &text("phone"), None, problems))
                    (input("email", "Thư điện tử", "email", &text("email"), Some("Nhận thông báo khi được giao hồ sơ"), problems))
                    button type="submit" { "Lưu" }
                }
                @if !new && browser.passwords_kept() {
                    h2 { "Đặt mật khẩu" }
                    form method="post" action={ "/officer/admin/officers/" (id) "/password" } novalidate {
                        input type="hidden" name="form_token" value=(token);
                        (input("password", "Mật khẩu mới", "password", "", Some(&format!("Ít nhất {MIN_PASSWORD} ký tự. Đưa cho cán bộ trực tiếp, không gửi qua tin nhắn.")), problems))
                        button type="submit" class="secondary" { "Đặt mật khẩu" }
                    }
                }
            },
        )
    })
}

/// `POST /officer/admin/officers`: the officer saved through the API.
pub async fn save_officer(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/officers") {
        return r;
    }
    let roles: Vec<&str> = posted.fields.iter().filter(|(k, _)| k == "roles").map(|(_, v)| v.as_str()).collect();
    let mut officer = json!({"id": posted.field("id"), "name": posted.field("name"), "agency": posted.field("agency"), "roles": roles});
    for k in ["phone", "email"] {
        if !posted.field(k).is_empty() {
            officer[k] = json!(posted.field(k));
        }
    }
    let id = posted.field("id");
    let existing = officer_record(&web, &browser, id).await.ok();
    if let Some(existing) = &existing {
        // What the form does not show is kept.
        officer["arrivals"] = existing["arrivals"].clone();
    }
    let saved = call(&web, &browser, Call::put(format!("/v1/admin/officers/{}", encode(id)), officer.clone())).await;
    if saved.ok() {
        return Redirect::to(&format!("/officer/admin/officers/{}?saved=1", encode(id))).into_response();
    }
    let field = saved.body["error"]["details"]["field"].as_str().unwrap_or("name").to_owned();
    let field = if ["id", "name", "phone", "email", "roles"].contains(&field.as_str()) { field } else { "name".into() };
    officer["new"] = json!(existing.is_none());
    let problems = [Problem { field, message: saved.message() }];
    officer_page(&web, &browser, &officer, &problems, saved.status, None).await
}

/// `POST /officer/admin/officers/{id}/password`: a new password, hashed with argon2id.
pub async fn set_password(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/officers") {
        return r;
    }
    let (Ok(officer_id), Some(passwords)) = (OfficerId::parse(&id), web.passwords.clone()) else {
        return browser.message(StatusCode::NOT_FOUND, "Không có cán bộ này", "Không có cán bộ này.");
    };
    let current = match officer_record(&web, &browser, &id).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let password = posted.fields.iter().find(|(k, _)| k == "password").map(|(_, v)| v.clone()).unwrap_or_default();
    let hash_of = passwords.hashing.hash;
    let hashed = tokio::task::spawn_blocking(move || hash_of(&password)).await.unwrap_or_else(|e| Err(e.to_string()));
    let hash = match hashed {
        Ok(hash) => hash,
        Err(_) => {
            let message = format!("Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự");
            let problems = [Problem { field: "password".into(), message }];
            return officer_page(&web, &browser, &current, &problems, StatusCode::UNPROCESSABLE_ENTITY, None).await;
        }
    };
    if passwords.store.set_password(&officer_id, &hash).await.is_err() {
        return browser.message(
            StatusCode::SERVICE_UNAVAILABLE,
            "Chưa đặt được",
            "Kho dữ liệu tạm thời không phục vụ được. Thử lại sau.",
        );
    }
    let by = browser.officer().map(|o| o.id.to_string()).unwrap_or_default();
    tracing::info!(officer = %officer_id, by = %by, "web console: password set by an administrator");
    officer_page(&web, &browser, &current, &[], StatusCode::OK, Some("Đã đặt mật khẩu mới.")).await
}

#[derive(Debug, Default, Deserialize)]
pub struct YearParam {
    year: Option<i32>,
}

/// `GET /officer/admin/holidays?year=`: the year's holidays, one a line.
pub async fn holidays(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<YearParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/holidays") {
        return r;
    }
    let this = chrono::Utc::now().with_timezone(&motcua_domain::calendar::vietnam::offset()).year();
    let year = query.ok().and_then(|q| q.0.year).filter(|y| (2000..=2100).contains(y)).unwrap_or(this);
    let listed = call(&web, &browser, Call::get(format!("/v1/admin/holidays/{year}"))).await;
    if !listed.ok() {
        return browser.message(listed.status, "Chưa mở được", &listed.message());
    }
    let lines: Vec<String> = listed.body["holidays"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|h| format!("{} {}", h["date"].as_str().unwrap_or_default(), h["name"].as_str().unwrap_or_default()))
        .collect();
    holidays_page(&browser, year, &lines.join("\n"), &[], StatusCode::OK, None)
}

fn holidays_page(
    browser: &Browser,
    year: i32,
    text: &str,
    problems: &[Problem],
    status: StatusCode,
    done: Option<&str>,
) -> Response {
    let page = TextPage {
        title: "Ngày nghỉ lễ",
        heading: html! { "Ngày nghỉ lễ năm " (year) },
        before: html! {
            p { a href={ "/officer/admin/holidays?year=" (year - 1) } { "← " (year - 1) } " · "
                a href={ "/officer/admin/holidays?year=" (year + 1) } { (year + 1) " →" } }
        },
        action: format!("/officer/admin/holidays?year={year}"),
        field: "holidays",
        label: "Mỗi dòng một ngày: YYYY-MM-DD rồi tên",
        hint:
            "Theo thông báo nghỉ lễ hằng năm của Chính phủ, kể cả ngày nghỉ bù. Hạn giải quyết tính lại theo lịch mới.",
    };
    page.answer(browser, text, problems, status, done)
}

/// An administrator's page of one text to edit and save (the year's holidays, a procedure's JSON).
pub struct TextPage {
    pub title: &'static str,
    pub heading: maud::Markup,
    /// What comes between the heading and the form.
    pub before: maud::Markup,
    pub action: String,
    pub field: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
}

impl TextPage {
    /// The page with `text` in its field, `problems` on it, or `done` said.
    pub fn answer(
        self,
        browser: &Browser,
        text: &str,
        problems: &[Problem],
        status: StatusCode,
        done: Option<&str>,
    ) -> Response {
        respond(browser, status, |chrome, token| {
            page::page(
                self.title,
                chrome,
                html! {
                    p { a href="/officer/admin" { "← Quản trị" } }
                    @if let Some(done) = done { div.notice.done role="status" { p.lead { (done) } } }
                    h1 { (self.heading) }
                    (self.before)
                    (error_summary(problems))
                    form method="post" action=(self.action) novalidate {
                        input type="hidden" name="form_token" value=(token);
                        (textarea(self.field, self.label, text, Some(self.hint), problems))
                        button type="submit" { "Lưu" }
                    }
                },
            )
        })
    }
}

/// `POST /officer/admin/holidays?year=`: the year's holidays replaced.
pub async fn save_holidays(
    State(web): State<Arc<Web>>,
    browser: Browser,
    query: Result<Query<YearParam>, axum::extract::rejection::QueryRejection>,
    posted: Posted,
) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/holidays") {
        return r;
    }
    let Some(year) = query.ok().and_then(|q| q.0.year).filter(|y| (2000..=2100).contains(y)) else {
        return browser.message(StatusCode::BAD_REQUEST, "Năm không hợp lệ", "Chọn lại năm.");
    };
    let text = posted.field("holidays").to_owned();
    let mut holidays = vec![];
    for (n, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let (date, name) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() || name.trim().is_empty() {
            let message = format!("Dòng {}: cần ngày dạng YYYY-MM-DD rồi tên ngày lễ", n + 1);
            let problems = [Problem { field: "holidays".into(), message }];
            return holidays_page(&browser, year, &text, &problems, StatusCode::UNPROCESSABLE_ENTITY, None);
        }
        holidays.push(json!({"date": date, "name": name.trim()}));
    }
    let path = format!("/v1/admin/holidays/{year}");
    let saved = call(&web, &browser, Call::put(path, json!({"holidays": holidays}))).await;
    if !saved.ok() {
        let problems = [Problem { field: "holidays".into(), message: saved.message() }];
        return holidays_page(&browser, year, &text, &problems, saved.status, None);
    }
    holidays_page(&browser, year, &text, &[], StatusCode::OK, Some("Đã lưu ngày nghỉ lễ."))
}
