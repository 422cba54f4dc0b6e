//! What an applicant does with their dossier once they have looked it up with its secret: the
//! printed forms it has (the receipt, a supplement request, a refusal, an apology) as PDFs, and
//! the rating once the result is handed over. Each is a form posted with the code and the
//! secret (never an address holding the secret), answered by the API.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde_json::{json, Value};

use super::api::Call;
use super::applicant_acts::proof;
use super::citizen::{encode, expired, lookup_page, respond};
use super::form::Posted;
use super::page::Problem;
use super::session::Browser;
use super::Web;

/// The forms an applicant may print, with their names.
const FORMS: [(&str, &str); 4] = [
    ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    ("supplement-request", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    ("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    ("apology", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
];

/// Whether dossier `d` has form `name` yet.
fn has(d: &Value, name: &str) -> bool {
    match name {
        "receipt" => !d["received_at"].is_null(),
        "supplement-request" => {
            d["timeline"].as_array().is_some_and(|t| t.iter().any(|e| e["action"] == "request_supplement"))
        }
        "refusal" => d["status"] == "refused",
        "apology" => d["timeline"].as_array().is_some_and(|t| t.iter().any(|e| e["action"] == "extend")),
        _ => false,
    }
}

/// The applicant's forms and, when it is due, the rating form, below their dossier.
pub fn actions(d: &Value, secret: &str, token: &str) -> Markup {
    let code = d["code"].as_str().unwrap_or_default();
    let forms: Vec<&(&str, &str)> = FORMS.iter().filter(|(name, _)| has(d, name)).collect();
    let rate = d["status"] == "returned" && d["rating"].is_null();
    html! {
        @if !forms.is_empty() {
            h2 { "Giấy tờ của hồ sơ" }
            @for (name, title) in forms {
                form method="post" action={ "/lookup/forms/" (name) } {
                    (proof(token, code, secret))
                    button type="submit" class="secondary" { "Tải " (title) " (PDF)" }
                }
            }
        }
        @if !d["rating"].is_null() {
            p.notice.done { "Cảm ơn bạn đã đánh giá." }
        }
        @if rate { (rating_form(code, secret, token)) }
    }
}

const QUESTIONS: [(&str, &str); 5] = [
    ("desk_handling", "Cách giải quyết của Bộ phận Một cửa"),
    ("disclosure", "Việc công khai thủ tục hành chính"),
    ("attitude", "Thái độ của công chức"),
    ("complaints", "Tiếp nhận, xử lý phản ánh, kiến nghị"),
    ("online_service", "Dịch vụ công trực tuyến"),
];

fn rating_form(code: &str, secret: &str, token: &str) -> Markup {
    html! {
        h2 #rate { "Đánh giá mức độ hài lòng" }
        form method="post" action="/lookup/rate" {
            (proof(token, code, secret))
            @for (name, question) in QUESTIONS {
                div.field {
                    fieldset {
                        legend { (question) }
                        label.choice { input type="radio" name=(name) value="2" checked; " Tốt" }
                        label.choice { input type="radio" name=(name) value="1"; " Bình thường" }
                        label.choice { input type="radio" name=(name) value="0"; " Chưa tốt" }
                    }
                }
            }
            div.field {
                fieldset {
                    legend { "Nhìn chung, bạn" }
                    label.choice { input type="radio" name="verdict" value="very_satisfied"; " Rất hài lòng" }
                    label.choice { input type="radio" name="verdict" value="satisfied" checked; " Hài lòng" }
                    label.choice { input type="radio" name="verdict" value="unsatisfied"; " Không hài lòng" }
                }
            }
            div.field {
                label for="comment" { "Góp ý (không bắt buộc)" }
                textarea id="comment" name="comment" rows="3" {}
            }
            button type="submit" { "Gửi đánh giá" }
        }
    }
}

/// `POST /lookup/forms/{form}`: the form as a PDF.
pub async fn form(State(web): State<Arc<Web>>, browser: Browser, Path(name): Path<String>, posted: Posted) -> Response {
    let Some((name, _)) = FORMS.iter().find(|(n, _)| *n == name) else {
        return browser.message(StatusCode::NOT_FOUND, "Không có giấy tờ này", "Không có giấy tờ này.");
    };
    let code = posted.field("code").to_owned();
    let path = format!("/v1/dossiers/{}/forms/{name}", encode(&code));
    let call = Call::get(path).header("x-lookup-secret", posted.field("secret")).from(&browser.peer);
    pdf(&web, &browser, call, &code).await
}

/// The PDF the API answers `call` with, or a page saying why not.
pub async fn pdf(web: &Web, browser: &Browser, call: Call<'_>, code: &str) -> Response {
    let (status, headers, bytes) = web.api.raw(call).await;
    if !status.is_success() {
        let message: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let text = message["error"]["message"].as_str().unwrap_or("Chưa có giấy tờ này.");
        return browser.message(status, "Không tải được", text);
    }
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    let disposition = headers.get(header::CONTENT_DISPOSITION).cloned().unwrap_or_else(|| {
        HeaderValue::from_str(&format!("inline; filename=\"{code}.pdf\"")).unwrap_or(HeaderValue::from_static("inline"))
    });
    h.insert(header::CONTENT_DISPOSITION, disposition);
    response
}

/// `POST /lookup/rate`: the rating, then the dossier again.
pub async fn rate(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    let (code, secret) = (posted.field("code").to_owned(), posted.field("secret").to_owned());
    let mut answers = json!({"verdict": posted.field("verdict")});
    for (name, _) in QUESTIONS {
        answers[name] = json!(posted.field(name).parse::<u8>().unwrap_or(2));
    }
    if !posted.field("comment").is_empty() {
        answers["comment"] = json!(posted.field("comment"));
    }
    let path = format!("/v1/dossiers/{}/rating", encode(&code));
    let rated =
        web.api.call(Call::post(path, answers).header("x-lookup-secret", secret.clone()).from(&browser.peer)).await;
    let problems = match rated.ok() {
        true => vec![],
        false => vec![Problem { field: "rate".into(), message: rated.message() }],
    };
    let found = web
        .api
        .call(
            Call::get(format!("/v1/dossiers/{}", encode(&code)))
                .header("x-lookup-secret", secret.clone())
                .from(&browser.peer),
        )
        .await;
    if !found.ok() {
        return expired(&browser);
    }
    let status = if problems.is_empty() { StatusCode::OK } else { rated.status };
    respond(&browser, status, |c, t| lookup_page(c, t, &code, &problems, Some((&found.body, &secret)), None))
}
