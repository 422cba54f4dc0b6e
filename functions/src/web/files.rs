//! Files through the pages: a file chosen in a form (or taken with the phone's camera) sent to
//! the API as any client sends one (announced with its type and SHA-256, then its bytes), and a
//! dossier's file handed to the browser as the API serves it (streamed, or the API's `303` to a
//! presigned address followed by the browser).
//!
//! Where the script runs (`site.js`), the browser sends each file itself before the form: it
//! asks [`announce`] (`POST /uploads`) for an upload, sends the bytes where the API says (the
//! bucket's presigned address on AWS, this server's upload route on one machine), and posts
//! the form with `<field>-upload` = "<upload id> <sha256>" in place of the file, so the file
//! never passes through the pages (on AWS API Gateway would cap it at 6 MB). Without the
//! script, or when that fails, the form carries the file and [`upload`] sends it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use serde_json::{json, Value};

use super::api::Call;
use super::citizen::encode;
use super::form::{File, Posted};
use super::officer::to_sign_in;
use super::page::{problem_of, Problem};
use super::session::Browser;
use super::Web;

/// The most the files of one form may weigh together when the pages receive them, unless
/// `MOTCUA_WEB_FORM_MB` says otherwise.
pub const MOST: usize = 50 * 1024 * 1024;

/// [`MOST`], or `MOTCUA_WEB_FORM_MB` megabytes (1 to 500).
pub fn most_from_env() -> Result<usize, String> {
    match crate::external::read("MOTCUA_WEB_FORM_MB") {
        None => Ok(MOST),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(mb @ 1..=500) => Ok(mb << 20),
            _ => Err(format!("MOTCUA_WEB_FORM_MB must be a number of megabytes from 1 to 500, not {text:?}")),
        },
    }
}

/// What a file input accepts: the API's document types, and photos from a phone.
pub const ACCEPT: &str = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

/// Who sends an upload: an applicant (`/v1/uploads`) or an officer at the desk
/// (`/v1/counter/uploads`, with their session).
#[derive(Clone, Copy)]
pub enum Sender<'a> {
    Applicant,
    Officer(Option<&'a str>),
}

/// Announces an upload of `size` bytes to the API as `sender`: its answer (the upload's `id`
/// and where to send the bytes, `upload`), or the API's message.
async fn announce_to_api(
    web: &Web,
    browser: &Browser,
    sender: Sender<'_>,
    name: &str,
    size: usize,
    media_type: &str,
    sha256: &str,
) -> Result<Value, String> {
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = if name.trim().is_empty() { "tep".to_owned() } else { name };
    let announcement = json!({"file_name": name, "size": size, "media_type": media_type, "sha256": sha256});
    let (path, token) = match sender {
        Sender::Applicant => ("/v1/uploads", None),
        Sender::Officer(token) => ("/v1/counter/uploads", token),
    };
    let announced = web.api.call(Call::post(path, announcement).by(token).from(&browser.peer)).await;
    if announced.ok() {
        Ok(announced.body)
    } else {
        Err(announced.message())
    }
}

/// `POST /uploads` (from the script, with the form token): an upload announced for the file the
/// browser is about to send itself, as `{"id", "upload": {"method", "url", "headers"}}`; the
/// API's refusal as `{"error"}` with its status.
pub async fn announce(State(web): State<Arc<Web>>, browser: Browser, posted: Posted) -> Response {
    use axum::response::IntoResponse;
    let sender = match posted.field("sender") {
        "officer" if browser.officer().is_some() => Sender::Officer(browser.token()),
        "officer" => return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "Cần đăng nhập."}))).into_response(),
        _ => Sender::Applicant,
    };
    let size = posted.field("size").parse().unwrap_or(0);
    let (name, media_type, sha256) = (posted.field("file_name"), posted.field("media_type"), posted.field("sha256"));
    match announce_to_api(&web, &browser, sender, name, size, media_type, sha256).await {
        Ok(body) => axum::Json(json!({"id": body["id"], "upload": body["upload"]})).into_response(),
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(json!({"error": message}))).into_response(),
    }
}

/// A file of a form already sent to the API in this attempt at it: by the script ahead of the
/// form, or by the pages from the form's own file. A form shown again (with errors, say) keeps
/// it as a hidden `<field>-upload` = "<id> <sha256> <name>", so nobody chooses or photographs a
/// file twice; an upload never attached expires on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub id: String,
    pub sha256: String,
    /// The file's name on the sender's device, for display only.
    pub name: String,
}

impl Sent {
    /// The hidden field's value.
    pub fn value(&self) -> String {
        format!("{} {} {}", self.id, self.sha256, self.name)
    }
}

/// The most characters of a kept file's name.
const MOST_NAME: usize = 200;

/// A display name from a sender's: no control characters, at most [`MOST_NAME`] characters.
fn display_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_control()).take(MOST_NAME).collect::<String>().trim().to_owned()
}

/// The upload already sent for field `field` of `fields`: "<id> <sha256>" and optionally the
/// file's name after them.
pub fn sent_ahead(fields: &[(String, String)], field: &str) -> Option<Sent> {
    let key = format!("{field}-upload");
    let value = fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim())?;
    let mut parts = value.splitn(3, ' ');
    let (id, sha256) = (parts.next()?, parts.next()?);
    let well_formed = !id.is_empty() && id.len() <= 100 && sha256.len() == 64;
    let name = display_name(parts.next().unwrap_or_default());
    well_formed.then(|| Sent { id: id.to_owned(), sha256: sha256.to_ascii_lowercase(), name })
}

/// Whether a file was given for field `field`: posted with the form, or sent already.
pub fn chosen(posted: &Posted, field: &str) -> bool {
    posted.file(field).is_some() || sent_ahead(&posted.fields, field).is_some()
}

/// Sends the file posted in each of `fields` to the API as `sender`, and records it in `posted`
/// as sent (`<field>-upload`, in place of the file): from here on the form reads as if the
/// script had sent it, and shown again it keeps the file. The problems of the files that could
/// not be sent, each on its field.
pub async fn send_posted(
    web: &Web,
    browser: &Browser,
    sender: Sender<'_>,
    posted: &mut Posted,
    fields: &[String],
) -> Vec<Problem> {
    let mut problems = vec![];
    for field in fields {
        let Some(at) = posted.files.iter().position(|f| f.field == *field) else { continue };
        let file = posted.files.remove(at);
        match upload(web, browser, sender, &file).await {
            Ok((id, sha256)) => {
                let key = format!("{field}-upload");
                posted.fields.retain(|(k, _)| *k != key);
                let sent = Sent { id, sha256, name: display_name(&file.name) };
                posted.fields.push((key, sent.value()));
            }
            Err(message) => problems.push(Problem { field: field.clone(), message }),
        }
    }
    problems
}

/// Announces `file` to the API and sends its bytes: the upload's id and SHA-256, or why not
/// (the API's message, or the type the bytes are not).
pub async fn upload(web: &Web, browser: &Browser, sender: Sender<'_>, file: &File) -> Result<(String, String), String> {
    use motcua_domain::documents::{sniff, Sha256, SNIFF_HEAD, SNIFF_TAIL};
    let bytes = &file.bytes;
    let head = &bytes[..bytes.len().min(SNIFF_HEAD)];
    let tail = &bytes[bytes.len().saturating_sub(SNIFF_TAIL)..];
    let kind = sniff(head, tail, bytes.len() as u64).map_err(|e| e.to_string())?;
    let sha256 = Sha256::of(bytes);
    let name = if file.name.trim().is_empty() { format!("tep.{}", kind.extension()) } else { file.name.clone() };
    let announced = announce_to_api(web, browser, sender, &name, bytes.len(), kind.mime(), sha256.as_str()).await?;
    let id = announced["id"].as_str().unwrap_or_default().to_owned();
    let target = &announced["upload"];
    let url = target["url"].as_str().unwrap_or_default().to_owned();
    if url.starts_with("https://") || url.starts_with("http://") {
        // On AWS: a presigned address of the bucket, sent to as any client would.
        put_presigned(url, target["headers"].clone(), bytes.clone()).await?;
    } else {
        let sent = web.api.call(Call::put_bytes(url, bytes.clone(), kind.mime()).from(&browser.peer)).await;
        if !sent.ok() {
            return Err(sent.message());
        }
    }
    Ok((id, sha256.as_str().to_owned()))
}

/// PUTs `bytes` to a presigned `url` with the headers it was signed with.
async fn put_presigned(url: String, headers: Value, bytes: Vec<u8>) -> Result<(), String> {
    let sent = tokio::task::spawn_blocking(move || {
        let mut request = crate::https::Request::put(&url, bytes).timeout(std::time::Duration::from_secs(60));
        for (name, value) in headers.as_object().into_iter().flatten() {
            if !name.eq_ignore_ascii_case("content-length") {
                request = request.header(name, value.as_str().unwrap_or_default());
            }
        }
        // Never the address in what is said (its query is a signature): the client's errors
        // name the host only.
        let answer = request.send()?;
        answer.ok().then_some(()).ok_or(format!("status {}", answer.status))
    })
    .await
    .unwrap_or_else(|_| Err("interrupted".into()));
    sent.map_err(|why| {
        tracing::warn!(error = %why, "web pages: the bucket refused an upload");
        "Không gửi được tệp. Hãy thử lại.".to_owned()
    })
}

/// The problem with sending field `field`'s file, taken from `unsent` (see [`send_posted`]).
pub fn unsent_of(unsent: &mut Vec<Problem>, field: &str) -> Option<Problem> {
    let at = unsent.iter().position(|p| p.field == field)?;
    Some(unsent.remove(at))
}

/// The fields `doc-<i>` of the files for component `i` of `components`.
pub fn document_fields(components: &[Value]) -> Vec<String> {
    (0..components.len()).map(|i| format!("doc-{i}")).collect()
}

/// The API's `documents` list for the files sent as `doc-<i>` for component `i` of
/// `components` (see [`send_posted`]).
pub fn documents(components: &[Value], posted: &Posted) -> Vec<Value> {
    let sent =
        components.iter().enumerate().filter_map(|(i, c)| Some((c, sent_ahead(&posted.fields, &format!("doc-{i}"))?)));
    sent.map(|(c, s)| json!({"component": c["name"].as_str().unwrap_or_default(), "upload": s.id, "sha256": s.sha256}))
        .collect()
}

/// The API's answer for a file, handed to the browser: the bytes streamed with their type and
/// name, a redirect to where they are, or a page saying why not.
pub async fn hand_over(web: &Web, browser: &Browser, call: Call<'_>) -> Response {
    let response = web.api.stream(call).await;
    let status = response.status();
    if status.is_success() || status.is_redirection() {
        let (mut parts, body) = response.into_parts();
        parts.headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
        return Response::from_parts(parts, body);
    }
    if status == StatusCode::UNAUTHORIZED && browser.officer().is_some() {
        return to_sign_in("/officer");
    }
    let bytes = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let message: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let text = message["error"]["message"].as_str().unwrap_or("Không có tệp này.");
    browser.message(status, "Không tải được", text)
}

/// `GET /officer/dossiers/{code}/files/{id}`: a file of the dossier, for an officer who may see
/// it (the API decides and logs the download).
pub async fn officer_file(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path((code, id)): Path<(String, String)>,
) -> Response {
    if browser.officer().is_none() {
        return to_sign_in(&format!("/officer/dossiers/{code}"));
    }
    let path = format!("/v1/officer/dossiers/{}/files/{}", encode(&code), encode(&id));
    hand_over(&web, &browser, Call::get(path).by(browser.token()).from(&browser.peer)).await
}

/// `POST /lookup/files/{id}`: a file of the applicant's dossier (a result, or one they sent),
/// with the code and secret posted (never in an address).
pub async fn applicant_file(
    State(web): State<Arc<Web>>,
    browser: Browser,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let path = format!("/v1/dossiers/{}/files/{}", encode(posted.field("code")), encode(&id));
    let call = Call::get(path).header("x-lookup-secret", posted.field("secret")).from(&browser.peer);
    hand_over(&web, &browser, call).await
}

/// A link to download file `file` (a `FileRef`) of an officer's dossier `code`.
pub fn officer_link(code: &str, file: &Value, label: &str) -> Markup {
    let id = file["id"].as_str().unwrap_or_default();
    html! {
        a href={ "/officer/dossiers/" (code) "/files/" (encode(id)) } { (label) }
        " " span.muted { "(" (size(file["size"].as_u64().unwrap_or(0))) ")" }
    }
}

/// How a file input asks for its file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// Chosen from the device (a phone also offers its camera).
    Choose,
    /// Taken with the phone's back camera first (`capture="environment"`): the desk scanning
    /// the papers an applicant hands over.
    Camera,
}

/// A labelled file input for component field `id`, its error tied to it; the file already sent
/// for it in this attempt (`kept`) is named and kept unless another is chosen.
pub fn file_input(
    id: &str,
    label: &str,
    optional: bool,
    capture: Capture,
    problems: &[Problem],
    kept: Option<&Sent>,
) -> Markup {
    let error = problem_of(problems, id);
    let hint = match capture {
        Capture::Choose => "PDF, JPEG hoặc PNG; chụp bằng điện thoại cũng được",
        Capture::Camera => "Chụp bằng máy ảnh của điện thoại, hoặc chọn tệp đã quét (PDF, JPEG, PNG)",
    };
    let described = format!(
        "{id}-hint{}{}",
        if kept.is_some() { format!(" {id}-kept") } else { String::new() },
        if error.is_some() { format!(" {id}-error") } else { String::new() }
    );
    html! {
        div.field.invalid[error.is_some()] {
            label for=(id) { (label) @if optional { " (nếu có)" } }
            span.hint id={ (id) "-hint" } { (hint) }
            @if let Some(kept) = kept {
                input type="hidden" name={ (id) "-upload" } value=(kept.value());
                span.kept id={ (id) "-kept" } {
                    "Đã gửi: " strong { @if kept.name.is_empty() { "tệp" } @else { (kept.name) } }
                    ". Chọn tệp khác nếu muốn thay."
                }
            }
            @if let Some(error) = error { span.error id={ (id) "-error" } { span.skip { "Lỗi: " } (error) } }
            input type="file" id=(id) name=(id) accept=(ACCEPT)
                capture=[(capture == Capture::Camera).then_some("environment")]
                aria-describedby=(described)
                aria-invalid=[error.map(|_| "true")];
        }
    }
}

/// A size as people read it.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1 << 20) as f64).replace('.', ","),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} byte"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(900), "900 byte");
        assert_eq!(size(2048), "2 KB");
        assert_eq!(size(3 * 1024 * 1024 + 512 * 1024), "3,5 MB");
    }
}
