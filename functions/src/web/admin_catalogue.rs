//! The administrators' catalogue pages: importing the province's catalogue workbook (checked
//! without writing first, by default), exporting it, and editing one procedure or agency as the
//! API's JSON (the API checks it and says what is wrong).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use super::admin::{not_admin, TextPage};
use super::api::Call;
use super::citizen::{encode, respond};
use super::form::Posted;
use super::page::{self, error_summary, Problem};
use super::session::Browser;
use super::Web;

/// `GET /officer/admin/catalogue`: the import form, the export, a procedure to edit.
pub async fn catalogue(State(_web): State<Arc<Web>>, browser: Browser) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/catalogue") {
        return r;
    }
    import_page(&browser, None, &[], StatusCode::OK)
}

fn import_page(browser: &Browser, report: Option<&Value>, problems: &[Problem], status: StatusCode) -> Response {
    respond(browser, status, |chrome, token| {
        page::page(
            "Danh mục thủ tục",
            chrome,
            html! {
                p { a href="/officer/admin" { "← Quản trị" } }
                h1 { "Danh mục thủ tục" }
                @if let Some(r) = report { (report_markup(r)) }
                (error_summary(problems))
                h2 { "Nhập từ tệp" }
                form method="post" action="/officer/admin/catalogue" enctype="multipart/form-data" novalidate {
                    input type="hidden" name="form_token" value=(token);
                    div.field.invalid[!problems.is_empty()] {
                        label for="file" { "Tệp danh mục (Excel .xlsx, hoặc JSON)" }
                        span.hint id="file-hint" { "Cùng mẫu với tệp xuất dưới đây." }
                        input type="file" id="file" name="file" accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="file-hint";
                    }
                    div.field {
                        label.choice { input type="checkbox" name="dry_run" value="1" checked; " Chỉ kiểm tra, chưa ghi" }
                        label.choice { input type="checkbox" name="skip_invalid" value="1"; " Bỏ qua thủ tục lỗi, ghi các thủ tục hợp lệ" }
                    }
                    button type="submit" { "Nhập danh mục" }
                }
                h2 { "Xuất danh mục" }
                p { a href="/officer/admin/catalogue/export" { "Tải danh mục hiện hành (Excel)" } }
                h2 { "Sửa một thủ tục" }
                form.search method="get" action="/officer/admin/procedures" {
                    div.field {
                        label for="code" { "Mã thủ tục" }
                        input type="text" id="code" name="code";
                    }
                    button type="submit" class="secondary" { "Mở" }
                }
            },
        )
    })
}

fn report_markup(r: &Value) -> maud::Markup {
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    let mut errors: Vec<&Value> = r["errors"].as_array().into_iter().flatten().collect();
    for item in r["items"].as_array().into_iter().flatten() {
        errors.extend(item["errors"].as_array().into_iter().flatten());
    }
    html! {
        div.notice.done[r["applied"] == true] role="status" {
            p.lead { @if r["dry_run"] == true { "Kết quả kiểm tra (chưa ghi): " } @else if r["applied"] == true { "Đã nhập: " } @else { "Chưa nhập: " }
                (n("added")) " thêm, " (n("changed")) " sửa, " (n("unchanged")) " không đổi, "
                (n("scheduled")) " hẹn hiệu lực, " (n("refused")) " bị từ chối." }
            @if r["dry_run"] == true && r["accepted"] == true { p { "Tệp hợp lệ: bỏ dấu \u{201c}Chỉ kiểm tra\u{201d} và nhập lại để ghi." } }
        }
        @if !errors.is_empty() {
            div.table-wrap tabindex="0" role="region" aria-label="Bảng số liệu" {
                table {
                    caption { "Lỗi trong tệp" }
                    thead { tr { th scope="col" { "Trang tính" } th scope="col" { "Dòng" } th scope="col" { "Cột" } th scope="col" { "Lỗi" } } }
                    tbody {
                        @for e in errors.iter().take(200) {
                            tr { td { (e["sheet"].as_str().unwrap_or_default()) } td { (e["row"].as_u64().unwrap_or(0)) }
                                td { (e["column"].as_str().unwrap_or_default()) } td { (e["message"].as_str().unwrap_or_default()) } }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /officer/admin/catalogue`: the file sent to the import (checked only, when asked).
pub async fn import(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/catalogue") {
        return r;
    }
    let Some(file) = posted.file("file") else {
        let problems = [Problem { field: "file".into(), message: "Chọn tệp danh mục".into() }];
        return import_page(&browser, None, &problems, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let path = format!(
        "/v1/admin/catalogue/import?dry_run={}&skip_invalid={}",
        posted.field("dry_run") == "1",
        posted.field("skip_invalid") == "1"
    );
    let call = Call::post_bytes(path, file.bytes.clone(), "application/octet-stream");
    let answer = web.api.call(call.by(browser.token()).from(&browser.peer)).await;
    if answer.body["items"].is_array() {
        let status = if answer.ok() { StatusCode::OK } else { answer.status };
        return import_page(&browser, Some(&answer.body), &[], status);
    }
    let problems = [Problem { field: "file".into(), message: answer.message() }];
    import_page(&browser, None, &problems, answer.status)
}

/// `GET /officer/admin/catalogue/export`: the catalogue as a workbook.
pub async fn export(State(web): State<Arc<Web>>, browser: Browser) -> Response {
    if let Some(r) = not_admin(&browser, "/officer/admin/catalogue") {
        return r;
    }
    let call = Call::get("/v1/admin/catalogue/export?format=xlsx").by(browser.token()).from(&browser.peer);
    super::files::hand_over(&web, &browser, call).await
}

#[derive(Debug, Default, Deserialize)]
pub struct CodeParam {
    #[serde(default)]
    code: String,
}

/// `GET /officer/admin/procedures?code=`: to the procedure's page.
pub async fn find_procedure(query: Result<Query<CodeParam>, axum::extract::rejection::QueryRejection>) -> Response {
    let code = query.map(|q| q.0.code).unwrap_or_default();
    Redirect::to(&format!("/officer/admin/procedures/{}", encode(code.trim()))).into_response()
}

/// What an administrator edits as JSON: a procedure or an agency.
#[derive(Clone, Copy)]
pub enum Kind {
    Procedure,
    Agency,
}

impl Kind {
    fn api(self, code: &str) -> String {
        match self {
            Kind::Procedure => format!("/v1/admin/procedures/{}", encode(code)),
            Kind::Agency => format!("/v1/admin/agencies/{}", encode(code)),
        }
    }

    fn page(self, code: &str) -> String {
        match self {
            Kind::Procedure => format!("/officer/admin/procedures/{}", encode(code)),
            Kind::Agency => format!("/officer/admin/agencies/{}", encode(code)),
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Procedure => "Thủ tục",
            Kind::Agency => "Cơ quan",
        }
    }

    /// Where the API shows the record as it stands.
    fn shown(self, code: &str) -> String {
        match self {
            Kind::Procedure => format!("/v1/procedures/{}", encode(code)),
            Kind::Agency => format!("/v1/agencies/{}", encode(code)),
        }
    }
}

/// `GET /officer/admin/procedures/{code}` and `/officer/admin/agencies/{code}`: the JSON to edit.
pub async fn edit(State(web): State<Arc<Web>>, browser: Browser, kind: Kind, code: String) -> Response {
    if let Some(r) = not_admin(&browser, &kind.page(&code)) {
        return r;
    }
    let current = web.api.call(Call::get(kind.shown(&code)).from(&browser.peer)).await;
    if !current.ok() {
        return match current.status {
            StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST => {
                browser.message(StatusCode::NOT_FOUND, "Không tìm thấy", "Không có mã này trong danh mục.")
            }
            status => browser.message(status, "Chưa mở được", &current.message()),
        };
    }
    let text = serde_json::to_string_pretty(&current.body).unwrap_or_default();
    edit_page(&browser, kind, &code, &text, &[], StatusCode::OK, None)
}

fn edit_page(
    browser: &Browser,
    kind: Kind,
    code: &str,
    text: &str,
    problems: &[Problem],
    status: StatusCode,
    done: Option<&str>,
) -> Response {
    let page = TextPage {
        title: kind.title(),
        heading: html! { (kind.title()) " " span.code { (code) } },
        before: html! {},
        action: kind.page(code),
        field: "json",
        label: "Dữ liệu (JSON, như API nhận)",
        hint: "Sửa rồi lưu; hệ thống kiểm tra và báo lỗi nếu có.",
    };
    page.answer(browser, text, problems, status, done)
}

/// `POST` of the edit page: the JSON sent to the admin API.
pub async fn save(web: &Web, browser: &Browser, kind: Kind, code: &str, posted: &Posted) -> Response {
    if let Some(r) = not_admin(browser, &kind.page(code)) {
        return r;
    }
    let text = posted.field("json");
    let problem = |message: String| [Problem { field: "json".into(), message }];
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let problems = problem(format!("JSON không đọc được: {e}"));
            return edit_page(browser, kind, code, text, &problems, StatusCode::UNPROCESSABLE_ENTITY, None);
        }
    };
    let saved = web.api.call(Call::put(kind.api(code), value).by(browser.token()).from(&browser.peer)).await;
    if !saved.ok() {
        return edit_page(browser, kind, code, text, &problem(saved.message()), saved.status, None);
    }
    let text = serde_json::to_string_pretty(&saved.body).unwrap_or_else(|_| text.to_owned());
    edit_page(browser, kind, code, &text, &[], StatusCode::OK, Some("Đã lưu."))
}

pub async fn edit_procedure(State(web): State<Arc<Web>>, browser: Browser, Path(code): Path<String>) -> Response {
    edit(State(web), browser, Kind::Procedure, code).await
}

pub async fn edit_agency(State(web): State<Arc<Web>>, browser: Browser, Path(code): Path<String>) -> Response {
    edit(State(web), browser, Kind::Agency, code).await
}

pub async fn save_procedure(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(code): Path<String>,
    posted: Posted,
) -> Response {
    save(&web, &browser, Kind::Procedure, &code, &posted).await
}

pub async fn save_agency(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(code): Path<String>,
    posted: Posted,
) -> Response {
    save(&web, &browser, Kind::Agency, &code, &posted).await
}
