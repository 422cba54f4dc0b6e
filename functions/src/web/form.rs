//! A form a browser posted, read once for every handler: its text fields and its files, from
//! `application/x-www-form-urlencoded` or `multipart/form-data` alike, taken only when its
//! `form_token` is the browser's ([`super::session`]). A form without a matching token is
//! answered with the "session expired" page before the handler runs, so no handler can forget
//! the check.

use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::Response;

use super::session::Browser;
use super::Web;

/// The most fields a form may hold, and the most characters of one.
const MOST_FIELDS: usize = 64;
const MOST_CHARS: usize = 64 * 1024;

/// A file the form carried.
#[derive(Debug, Clone)]
pub struct File {
    /// The form field it came in.
    pub field: String,
    /// Its name on the sender's device (for display only).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The fields and files of a posted form whose token matched.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<File>,
}

impl Posted {
    /// Field `name`, trimmed; empty when absent.
    pub fn field(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or_default()
    }

    /// The file sent in field `name`, when one was chosen.
    pub fn file(&self, name: &str) -> Option<&File> {
        self.files.iter().find(|f| f.field == name)
    }
}

impl FromRequest<Arc<Web>> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, web: &Arc<Web>) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let Ok(browser) = Browser::from_request_parts(&mut parts, web).await;
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let request = Request::from_parts(parts, body);
        let posted = if multipart {
            let read = match Multipart::from_request(request, web).await {
                Ok(m) => read(m).await,
                Err(_) => Ok(Posted::default()),
            };
            match read {
                Ok(posted) => posted,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    let text = format!(
                        "Các tệp gửi cùng lúc không được quá {} MB. Hãy chụp, quét với độ phân giải thấp hơn.",
                        web.files_most >> 20
                    );
                    return Err(browser.message(StatusCode::PAYLOAD_TOO_LARGE, "Tệp quá lớn", &text));
                }
                Err(_) => Posted::default(),
            }
        } else {
            match axum::Form::<Vec<(String, String)>>::from_request(request, web).await {
                Ok(form) => Posted { fields: bounded(form.0), files: vec![] },
                Err(_) => Posted::default(),
            }
        };
        if !browser.form_token_matches(Some(posted.field("form_token"))) {
            return Err(super::citizen::expired(&browser));
        }
        Ok(posted)
    }
}

fn bounded(fields: Vec<(String, String)>) -> Vec<(String, String)> {
    fields
        .into_iter()
        .filter(|(k, _)| k.len() < 64)
        .take(MOST_FIELDS)
        .map(|(k, v)| (k, v.chars().take(MOST_CHARS).collect()))
        .collect()
}

/// Reads a multipart form: its text fields, and its files (an empty file input sends none).
async fn read(mut multipart: Multipart) -> Result<Posted, axum::extract::multipart::MultipartError> {
    let mut posted = Posted::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name.len() >= 64 || posted.fields.len() + posted.files.len() >= MOST_FIELDS {
            continue;
        }
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await?;
                if !bytes.is_empty() {
                    posted.files.push(File { field: name, name: file_name, bytes: bytes.to_vec() });
                }
            }
            None => {
                let text = field.text().await?;
                posted.fields.push((name, text.chars().take(MOST_CHARS).collect()));
            }
        }
    }
    Ok(posted)
}
