//! Who the browser is: its form token (against cross-site requests), and on the officer console
//! the signed-in officer.
//!
//! **Form tokens.** Every browser gets a random value in the `motcua_form` cookie (HttpOnly,
//! SameSite=Strict); every form carries `form_token`, the HMAC of that value under the server
//! key, and a POST whose token does not match is refused before anything is done. Another site
//! can neither read the cookie nor compute the token.
//!
//! **Sessions.** Signing in with an officer id and password (argon2id, [`hash_password`]; a
//! wrong one counts towards a lock, `motcua_domain::signin`) sets `motcua_session` (HttpOnly,
//! SameSite=Strict, `Secure` behind TLS) to a token the local keys issue, as `motcua token`
//! does, lasting [`SESSION_HOURS`]. Each request checks it as the API checks a bearer token,
//! and the pages pass it on as one. Signing out (or a new password) ends the officer's
//! sessions issued until then, everywhere: a session whose token was issued (`iat`) at or
//! before that second is refused.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::Response;
use motcua_domain::catalogue::{OfficerId, Role};
use motcua_domain::codes::AgencyCode;

use super::Web;

pub const SESSION_COOKIE: &str = "motcua_session";
pub const FORM_COOKIE: &str = "motcua_form";

/// How long a session lasts: a working day (the local keys issue at most 12 hours).
pub const SESSION_HOURS: i64 = 10;

/// The shortest password an administrator may set.
pub const MIN_PASSWORD: usize = 10;

/// The officer a session belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub id: OfficerId,
    pub name: String,
    pub agency: AgencyCode,
    pub roles: Vec<Role>,
}

/// What a request brings: the browser's address, its form cookie, its session.
pub struct Browser {
    /// Where the request came from (passed on to the API).
    pub peer: super::api::Origin,
    /// The form cookie's value, when the browser has one.
    form_cookie: Option<String>,
    /// The token this request's pages put in their forms, derived once from the form cookie (or
    /// from the new one, [`Browser::new_form_cookie`], when the browser had none).
    page_token: String,
    /// The form cookie to set, when the browser had none.
    new_form_cookie: Option<String>,
    /// The session's token and officer, when it has a valid one.
    pub session: Option<(String, SignedIn)>,
    web: Arc<Web>,
}

impl FromRequestParts<Arc<Web>> for Browser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, web: &Arc<Web>) -> Result<Self, Self::Rejection> {
        let peer = super::api::Origin::of(parts);
        let form_cookie =
            cookie(parts, FORM_COOKIE).filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        let session = match cookie(parts, SESSION_COOKIE) {
            Some(token) => match web.officer_of(&token).await {
                Some(officer) if !web.session_ended(&officer.id, &token).await => Some((token, officer)),
                _ => None,
            },
            None => None,
        };
        let new_form_cookie = form_cookie.is_none().then(|| crate::service::secrets::random_hex(32));
        let page_token = web.form_token_for(form_cookie.as_deref().or(new_form_cookie.as_deref()).unwrap_or_default());
        Ok(Self { peer, form_cookie, page_token, new_form_cookie, session, web: web.clone() })
    }
}

impl Browser {
    /// The token the forms of this page carry, and the cookie to set when the browser had none
    /// (the same for every call during one request).
    pub fn form_token(&self) -> (String, Option<String>) {
        (self.page_token.clone(), self.new_form_cookie.clone())
    }

    /// Whether a posted `form_token` is this browser's.
    pub fn form_token_matches(&self, posted: Option<&str>) -> bool {
        match (&self.form_cookie, posted) {
            (Some(value), Some(posted)) => {
                motcua_domain::mac::same(self.web.form_token_for(value).as_bytes(), posted.as_bytes())
            }
            _ => false,
        }
    }

    /// Whether officers' passwords are kept here (an administrator may set them).
    pub fn passwords_kept(&self) -> bool {
        self.web.passwords.is_some()
    }

    /// Whether cookies go only over TLS.
    pub fn secure(&self) -> bool {
        self.web.secure_cookies
    }

    pub fn token(&self) -> Option<&str> {
        self.session.as_ref().map(|(t, _)| t.as_str())
    }

    pub fn officer(&self) -> Option<&SignedIn> {
        self.session.as_ref().map(|(_, o)| o)
    }

    /// A page with a heading and a message, for this browser.
    pub fn message(&self, status: axum::http::StatusCode, heading: &str, text: &str) -> Response {
        let (token, _) = self.form_token();
        super::page::message(status, &self.chrome(&token), heading, text)
    }

    /// The chrome of a page for this browser, with `form_token` for its header's forms.
    pub fn chrome(&self, form_token: &str) -> super::page::Chrome {
        super::page::Chrome { officer: self.officer().cloned(), form_token: form_token.to_owned() }
    }
}

/// The value of cookie `name`.
fn cookie(parts: &Parts, name: &str) -> Option<String> {
    cookie_in(&parts.headers, name)
}

/// The value of cookie `name` among `headers`.
pub fn cookie_in(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    cookie_pairs(headers).find_map(|(k, v)| (k == name && !v.is_empty()).then(|| v.to_owned()))
}

/// Every cookie `headers` carry, as (name, value).
pub fn cookie_pairs(headers: &axum::http::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, the whole site, `Secure` when asked;
/// `max_age` seconds (0 removes it).
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// `response` with `cookies` set.
pub fn with_cookies(mut response: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for c in cookies {
        if let Ok(value) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The argon2id hash (PHC string) of `password`, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("a password has at least {MIN_PASSWORD} characters"));
    }
    if password.len() > 256 {
        return Err("a password has at most 256 bytes".into());
    }
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// Whether `password` is the one `hash` was made from.
pub fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash no password matches, checked when an officer has none so that the answer takes as
/// long as for a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&crate::service::secrets::random_hex(16)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_as_an_argon2id_hash_and_checked_against_it() {
        let hash = hash_password("một mật khẩu đủ dài").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(password_matches("một mật khẩu đủ dài", &hash));
        assert!(!password_matches("một mật khẩu đủ dàii", &hash));
        assert!(!password_matches("anything", "not a hash"));
        assert_ne!(hash, hash_password("một mật khẩu đủ dài").unwrap(), "a fresh salt each time");
        assert!(hash_password("short").is_err());
        assert!(!password_matches("", decoy_hash()));
    }

    #[test]
    fn cookies_are_http_only_and_strict() {
        let c = set_cookie(SESSION_COOKIE, "abc", 60, true);
        assert_eq!(c, "motcua_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
        assert!(!set_cookie(FORM_COOKIE, "x", 0, false).contains("Secure"));
    }
}
