//! Filing online from the citizens' pages: one form with the applicant's particulars and a file
//! for each component of the procedure (`multipart/form-data`, so it works without JavaScript).
//! Each file is announced to the API and its bytes sent as any client's would be, then the
//! dossier is filed referencing them, with an idempotency key fixed when the form was drawn
//! (a form sent twice files once). The confirmation shows the code and the lookup secret.

use std::sync::Arc;

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use serde_json::{json, Value};

use super::api::Call;
use super::citizen::{encode, expired, respond};
use super::page::{self, error_summary, input, problem_of, when, Problem};
use super::session::Browser;
use super::Web;

/// The most a filing's files may weigh together through the form.
pub const MOST: usize = 50 * 1024 * 1024;

/// What the form holds, as posted (files by component index).
#[derive(Debug, Default)]
struct Posted {
    fields: Vec<(String, String)>,
    files: Vec<(usize, String, Vec<u8>)>,
}

impl Posted {
    fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
    }
}

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
    let found = web.api.call(Call::get(format!("/v1/procedures/{}", encode(code))).from(browser.peer)).await;
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
    let organisation = posted.field("kind") == "organisation";
    page::page(
        "Nộp hồ sơ trực tuyến",
        chrome,
        html! {
            p { a href={ "/procedures/" (code) } { "← " (p["name"].as_str().unwrap_or_default()) } }
            h1 { "Nộp hồ sơ trực tuyến" }
            p.lead { (p["name"].as_str().unwrap_or_default()) }
            (error_summary(problems))
            form method="post" action={ "/procedures/" (code) "/file" } enctype="multipart/form-data" novalidate {
                input type="hidden" name="form_token" value=(token);
                input type="hidden" name="attempt" value=(attempt);
                h2 { "Người nộp" }
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
                h2 { "Thành phần hồ sơ" }
                @if !posted.files.is_empty() || !problems.is_empty() {
                    p.notice { "Trình duyệt không giữ lại tệp đã chọn: hãy chọn lại các tệp." }
                }
                @for (i, c) in p["components"].as_array().into_iter().flatten().enumerate() {
                    @let id = format!("doc-{i}");
                    @let error = problem_of(problems, &id);
                    div.field.invalid[error.is_some()] {
                        label for=(id) { (c["name"].as_str().unwrap_or_default())
                            @if c["required"] == false { " (nếu có)" } }
                        span.hint id={ (id) "-hint" } { "PDF, JPEG hoặc PNG; chụp bằng điện thoại cũng được" }
                        @if let Some(error) = error { span.error id={ (id) "-error" } { (error) } }
                        input type="file" id=(id) name=(id) accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                            aria-describedby={ (id) "-hint" } aria-invalid=[error.map(|_| "true")];
                    }
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
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let posted = match multipart {
        Ok(m) => read(m).await,
        Err(_) => Err("Biểu mẫu không đọc được".to_owned()),
    };
    let Ok(posted) = posted else { return expired(&browser) };
    if !browser.form_token_matches(Some(posted.field("form_token"))) {
        return expired(&browser);
    }
    let Some(procedure) = online_procedure(&web, &browser, &code).await else { return expired(&browser) };
    let attempt = posted.field("attempt").to_owned();
    let again = |problems: Vec<Problem>, status: StatusCode| {
        respond(&browser, status, |c, t| filing_page(c, t, &procedure, &posted, &attempt, &problems))
    };
    let components: Vec<Value> = procedure["components"].as_array().cloned().unwrap_or_default();
    let mut problems = vec![];
    if posted.field("name").is_empty() {
        problems.push(Problem { field: "name".into(), message: "Nhập họ và tên".into() });
    }
    if posted.field("phone").is_empty() {
        problems.push(Problem { field: "phone".into(), message: "Nhập số điện thoại".into() });
    }
    for (i, c) in components.iter().enumerate() {
        if c["required"] != false && !posted.files.iter().any(|(j, _, _)| *j == i) {
            problems.push(Problem {
                field: format!("doc-{i}"),
                message: format!("Chọn tệp {}", c["name"].as_str().unwrap_or_default()),
            });
        }
    }
    if !problems.is_empty() {
        return again(problems, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut documents = vec![];
    for (i, name, bytes) in &posted.files {
        let component = components[*i]["name"].as_str().unwrap_or_default();
        match upload(&web, &browser, name, bytes).await {
            Ok((id, sha256)) => documents.push(json!({"component": component, "upload": id, "sha256": sha256})),
            Err(message) => {
                return again(vec![Problem { field: format!("doc-{i}"), message }], StatusCode::UNPROCESSABLE_ENTITY)
            }
        }
    }
    let kind = if posted.field("kind") == "organisation" { "organisation" } else { "citizen" };
    let mut applicant = json!({"kind": kind, "name": posted.field("name"), "phone": posted.field("phone")});
    for field in ["citizen_id", "tax_code", "email"] {
        if !posted.field(field).is_empty() {
            applicant[field] = json!(posted.field(field));
        }
    }
    let filing = json!({"procedure_code": procedure["code"], "applicant": applicant, "documents": documents});
    let key = format!(
        "web-{}",
        motcua_domain::mac::hex(&motcua_domain::mac::hmac_sha256(attempt.as_bytes(), code.as_bytes())[..12])
    );
    let filed =
        web.api.call(Call::post("/v1/dossiers", filing).header("idempotency-key", key).from(browser.peer)).await;
    if !filed.ok() {
        let field =
            filed.body["error"]["details"]["field"].as_str().map(|f| f.trim_start_matches("applicant.").to_owned());
        let field = field.filter(|f| ["name", "citizen_id", "tax_code", "phone", "email"].contains(&f.as_str()));
        let problems = vec![Problem { field: field.unwrap_or_else(|| "name".into()), message: filed.message() }];
        return again(problems, filed.status);
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

/// Reads the form: its text fields, and its files (`doc-<i>`) with their names.
async fn read(mut multipart: Multipart) -> Result<Posted, String> {
    let mut posted = Posted::default();
    let mut total = 0usize;
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(index) = name.strip_prefix("doc-").and_then(|i| i.parse::<usize>().ok()) {
            let file_name = field.file_name().unwrap_or("tep").to_owned();
            let bytes = field.bytes().await.map_err(|e| e.to_string())?;
            total += bytes.len();
            if total > MOST {
                return Err("too large".into());
            }
            if !bytes.is_empty() && index < 100 {
                posted.files.push((index, file_name, bytes.to_vec()));
            }
        } else if name.len() < 64 && posted.fields.len() < 64 {
            let text = field.text().await.map_err(|e| e.to_string())?;
            posted.fields.push((name, text.chars().take(2000).collect()));
        }
    }
    Ok(posted)
}

/// Announces `bytes` as `name` to the API and sends them: the upload's id and SHA-256, or the
/// API's refusal.
async fn upload(web: &Web, browser: &Browser, name: &str, bytes: &[u8]) -> Result<(String, String), String> {
    use motcua_domain::documents::{sniff, Sha256, SNIFF_HEAD, SNIFF_TAIL};
    let head = &bytes[..bytes.len().min(SNIFF_HEAD)];
    let tail = &bytes[bytes.len().saturating_sub(SNIFF_TAIL)..];
    let kind = sniff(head, tail, bytes.len() as u64).map_err(|e| e.to_string())?;
    let sha256 = Sha256::of(bytes);
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let announcement =
        json!({"file_name": name, "size": bytes.len(), "media_type": kind.mime(), "sha256": sha256.as_str()});
    let announced = web.api.call(Call::post("/v1/uploads", announcement).from(browser.peer)).await;
    if !announced.ok() {
        return Err(announced.message());
    }
    let id = announced.body["id"].as_str().unwrap_or_default().to_owned();
    let path = announced.body["upload"]["url"].as_str().unwrap_or_default().to_owned();
    let sent = web.api.call(Call::put_bytes(path, bytes.to_vec(), kind.mime()).from(browser.peer)).await;
    if !sent.ok() {
        return Err(sent.message());
    }
    Ok((id, sha256.as_str().to_owned()))
}
