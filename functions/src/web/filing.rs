//! Filing online from the citizens' pages: one form with the applicant's particulars and a file
//! for each component of the procedure (`multipart/form-data`, so it works without JavaScript).
//! Each file is announced to the API and its bytes sent as any client's would be, then the
//! dossier is filed referencing them, with an idempotency key fixed when the form was drawn
//! (a form sent twice files once). The confirmation shows the code and the lookup secret.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::{json, Value};

use super::api::Call;
use super::citizen::{encode, respond};
use super::files::{self, Capture, Sender};
use super::form::Posted;
use super::page::{self, error_summary, input, when, Problem};
use super::session::Browser;
use super::Web;

/// `GET /procedures/{code}/file`: the form.
pub async fn form(State(web): State<Arc<Web>>, browser: Browser, Path(code): Path<String>) -> Response {
    let Some(procedure) = online_procedure(&web, &browser, &code).await else {
        return browser.message(
            StatusCode::NOT_FOUND,
            "Không nộp trực tuyến được",
            "Thủ tục này không có hoặc không nhận hồ sơ trực tuyến.",
        );
    };
    let attempt = crate::service::secrets::random_hex(16);
    respond(&browser, StatusCode::OK, |chrome, token| {
        filing_page(chrome, token, &procedure, &Posted::default(), &attempt, &[])
    })
}

/// The procedure, when it takes dossiers online.
async fn online_procedure(web: &Web, browser: &Browser, code: &str) -> Option<Value> {
    let found = web.api.call(Call::get(format!("/v1/procedures/{}", encode(code))).from(&browser.peer)).await;
    let p = found.body;
    let online = p["channels"].as_array().is_some_and(|c| c.iter().any(|x| x == "online"));
    (found.status.is_success() && online && p["online_level"] != "information").then_some(p)
}

fn filing_page(
    chrome: &page::Chrome,
    token: &str,
    p: &Value,
    posted: &Posted,
    attempt: &str,
    problems: &[Problem],
) -> Markup {
    let code = p["code"].as_str().unwrap_or_default();
    page::page(
        "Nộp hồ sơ trực tuyến",
        chrome,
        html! {
            p { a href={ "/procedures/" (code) } { "← " (p["name"].as_str().unwrap_or_default()) } }
            h1 { "Nộp hồ sơ trực tuyến" }
            p.lead { (p["name"].as_str().unwrap_or_default()) }
            (error_summary(problems))
            form method="post" action={ "/procedures/" (code) "/file" } enctype="multipart/form-data" data-uploads="applicant" novalidate {
                input type="hidden" name="form_token" value=(token);
                input type="hidden" name="attempt" value=(attempt);
                h2 { "Người nộp" }
                (applicant_fields(posted, problems))
                h2 { "Thành phần hồ sơ" }
                @for (i, c) in p["components"].as_array().into_iter().flatten().enumerate() {
                    @let field = format!("doc-{i}");
                    (files::file_input(&field, c["name"].as_str().unwrap_or_default(),
                        c["required"] == false, Capture::Choose, problems, files::sent_ahead(&posted.fields, &field).as_ref()))
                }
                button type="submit" { "Nộp hồ sơ" }
            }
        },
    )
}

/// `POST /procedures/{code}/file`: the files sent to the API, then the filing.
pub async fn file(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(code): Path<String>,
    mut posted: Posted,
) -> Response {
    let Some(procedure) = online_procedure(&web, &browser, &code).await else {
        return browser.message(
            StatusCode::NOT_FOUND,
            "Không nộp trực tuyến được",
            "Thủ tục này không nhận hồ sơ trực tuyến.",
        );
    };
    let attempt = posted.field("attempt").to_owned();
    let components: Vec<Value> = procedure["components"].as_array().cloned().unwrap_or_default();
    // Files first: those sent are kept if the form must be shown again.
    let mut unsent =
        files::send_posted(&web, &browser, Sender::Applicant, &mut posted, &files::document_fields(&components)).await;
    let posted = posted;
    let again = |problems: Vec<Problem>, status: StatusCode| {
        respond(&browser, status, |c, t| filing_page(c, t, &procedure, &posted, &attempt, &problems))
    };
    let mut problems = applicant_problems(&posted, true);
    for (i, c) in components.iter().enumerate() {
        let field = format!("doc-{i}");
        if let Some(unsent) = files::unsent_of(&mut unsent, &field) {
            problems.push(unsent);
        } else if c["required"] != false && !files::chosen(&posted, &field) {
            problems
                .push(Problem { field, message: format!("Chọn tệp {}", c["name"].as_str().unwrap_or_default()) });
        }
    }
    if !problems.is_empty() {
        return again(problems, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let documents = files::documents(&components, &posted);
    let filing =
        json!({"procedure_code": procedure["code"], "applicant": applicant_of(&posted), "documents": documents});
    let key = idempotency_key(&attempt, &code);
    let filed =
        web.api.call(Call::post("/v1/dossiers", filing).header("idempotency-key", key).from(&browser.peer)).await;
    if !filed.ok() {
        return again(vec![refusal_on_applicant(&filed)], filed.status);
    }
    let d = filed.body;
    respond(&browser, StatusCode::CREATED, |chrome, _| {
        page::page(
            "Đã nộp hồ sơ",
            chrome,
            html! {
                div.notice.done role="status" {
                    h1 { "Đã nộp hồ sơ" }
                    p.lead { "Mã hồ sơ: " strong.code #filed-code { (d["code"].as_str().unwrap_or_default()) } }
                    p.lead { "Mã tra cứu: " strong.code #filed-secret { (d["lookup_secret"].as_str().unwrap_or_default()) } }
                }
                p { "Ghi lại hai mã này: cần cả hai để tra cứu chi tiết hồ sơ. Mã tra cứu chỉ hiện một lần." }
                p { "Bộ phận một cửa sẽ kiểm tra và tiếp nhận hồ sơ; khi đó bạn nhận tin nhắn và ngày hẹn trả kết quả."
                    @if !d["due_at"].is_null() { " Dự kiến: " (when(&d["due_at"])) "." } }
                p { a.button href="/lookup" { "Tra cứu hồ sơ" } }
            },
        )
    })
}

/// The applicant's fields, as posted.
const APPLICANT_FIELDS: [&str; 6] = ["name", "citizen_id", "tax_code", "phone", "email", "address"];

/// The applicant's particulars in a filing form (the desk also takes an address).
pub fn applicant_fields(posted: &Posted, problems: &[Problem]) -> Markup {
    let organisation = posted.field("kind") == "organisation";
    html! {
        div.field {
            fieldset {
                legend { "Nộp với tư cách" }
                label.choice { input type="radio" name="kind" value="citizen" checked[!organisation]; " Công dân" }
                label.choice { input type="radio" name="kind" value="organisation" checked[organisation]; " Tổ chức, doanh nghiệp" }
            }
        }
        (input("name", "Họ và tên (hoặc tên tổ chức)", "text", posted.field("name"), None, problems))
        (input("citizen_id", "Số định danh cá nhân (công dân)", "text", posted.field("citizen_id"), Some("12 chữ số trên căn cước"), problems))
        (input("tax_code", "Mã số thuế (tổ chức)", "text", posted.field("tax_code"), None, problems))
        (input("phone", "Số điện thoại", "tel", posted.field("phone"), Some("Nhận tin nhắn báo tình trạng hồ sơ"), problems))
        (input("email", "Thư điện tử (nếu có)", "email", posted.field("email"), None, problems))
    }
}

/// What is missing from the applicant's particulars (a phone is needed online, for the
/// messages; at the desk the applicant is there).
pub fn applicant_problems(posted: &Posted, phone_required: bool) -> Vec<Problem> {
    let mut problems = vec![];
    if posted.field("name").is_empty() {
        problems.push(Problem { field: "name".into(), message: "Nhập họ và tên".into() });
    }
    if phone_required && posted.field("phone").is_empty() {
        problems.push(Problem { field: "phone".into(), message: "Nhập số điện thoại".into() });
    }
    problems
}

/// The API's `applicant` from the posted particulars.
pub fn applicant_of(posted: &Posted) -> Value {
    let kind = if posted.field("kind") == "organisation" { "organisation" } else { "citizen" };
    let mut applicant = json!({"kind": kind});
    for field in APPLICANT_FIELDS {
        if !posted.field(field).is_empty() {
            applicant[field] = json!(posted.field(field));
        }
    }
    applicant
}

/// The API's refusal of a filing, on the applicant's field it names (else on the name).
pub fn refusal_on_applicant(filed: &super::api::Answer) -> Problem {
    // A field named by its path (`applicant.phone`), or as the lifecycle names a missing detail
    // (`số CCCD / citizen_id`, `số điện thoại hoặc email / phone or email`).
    let named = filed.body["error"]["details"]["field"].as_str().unwrap_or_default();
    let english = named.rsplit(" / ").next().unwrap_or(named).trim_start_matches("applicant.");
    let field = english.split_whitespace().next().map(str::to_owned);
    let field = field.filter(|f| APPLICANT_FIELDS.contains(&f.as_str()));
    Problem { field: field.unwrap_or_else(|| "name".into()), message: filed.message() }
}

/// The idempotency key of the filing drawn as `attempt` for procedure `code`: a form sent twice
/// files once.
pub fn idempotency_key(attempt: &str, code: &str) -> String {
    let mac = motcua_domain::mac::hmac_sha256(attempt.as_bytes(), code.as_bytes());
    format!("web-{}", motcua_domain::mac::hex(&mac[..12]))
}
