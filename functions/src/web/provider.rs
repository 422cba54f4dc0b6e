//! Signing officers in through an identity provider instead of a password: the OpenID Connect
//! authorization code flow with PKCE (RFC 7636), as Cognito's hosted sign-in, Keycloak or a
//! province's SSO offer it. On AWS the web function signs officers in through the stack's
//! Cognito user pool this way; on one machine `motcua serve --oidc-issuer … --oidc-client-id …`.
//!
//! 1. `GET /officer/sign-in/start` draws a random `state` and code verifier, keeps them in a
//!    short-lived cookie (HttpOnly, `SameSite=Lax` so that it comes back with the provider's
//!    redirect, limited to the callback's path) and sends the browser to the provider with the
//!    verifier's S256 challenge.
//! 2. `GET /officer/callback` takes the provider's `code` only with the cookie's `state`,
//!    exchanges it (with the verifier) at the token endpoint, keeps the token the API accepts
//!    (the ID token, or the access token) as the session cookie until it expires (at most
//!    [`SESSION_HOURS`]), and answers a page that moves on by itself: the session cookie is
//!    `SameSite=Strict`, and a browser does not send it on a navigation the provider's site
//!    started, so the next request must start from this site.
//! 3. When the provider gives a refresh token (Cognito does), it is kept in its own cookie
//!    (HttpOnly, `SameSite=Strict`, [`SESSION_HOURS`]), and [`refresh_session`] trades it for a
//!    new ID token when the session's is gone or has less than five minutes left, so an officer
//!    signs in once a working day although Cognito's ID tokens last an hour. Signing out revokes
//!    it at the provider (RFC 7009) and removes both cookies.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use maud::html;
use serde::Deserialize;
use serde_json::Value;

use crate::https::{Answer, Request};

use super::page::{self, answer};
use super::session::{set_cookie, with_cookies, Browser, SESSION_COOKIE, SESSION_HOURS};
use super::Web;

/// The cookie holding the provider's refresh token.
pub const REFRESH_COOKIE: &str = "motcua_refresh";

/// A session's ID token is traded for a new one when it has less than this left (seconds).
const REFRESH_AHEAD: i64 = 300;

/// The cookie holding a sign-in under way.
const FLOW_COOKIE: &str = "motcua_signin";
const CALLBACK: &str = "/officer/callback";

/// The client registered with the provider for the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub secret: Option<String>,
}

/// The provider, as its discovery document and the client registered with it describe it.
#[derive(Debug, Clone)]
pub struct Provider {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub client_id: String,
    /// For a confidential client (Cognito's with a generated secret); none for a public one.
    pub client_secret: Option<String>,
    /// The site's public address (`MOTCUA_PUBLIC_URL`), for the callback; from the request's
    /// `Host` when none.
    pub public_url: Option<String>,
    /// Where refresh tokens are revoked at sign-out (RFC 7009), when the provider has one.
    pub revocation_endpoint: Option<String>,
}

impl Provider {
    /// Reads `<issuer>/.well-known/openid-configuration`. Blocking.
    pub fn discover(
        issuer: &str,
        client_id: String,
        client_secret: Option<String>,
        public_url: Option<String>,
    ) -> Result<Self, String> {
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let doc = Request::get(&url).send().and_then(Answer::json).map_err(|e| format!("cannot read {url}: {e}"))?;
        let endpoint = |name: &str| {
            doc[name].as_str().map(str::to_owned).ok_or_else(|| format!("{url} has no {name} (sign-in pages need it)"))
        };
        Ok(Self {
            authorization_endpoint: endpoint("authorization_endpoint")?,
            token_endpoint: endpoint("token_endpoint")?,
            client_id,
            client_secret,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            revocation_endpoint: doc["revocation_endpoint"].as_str().map(str::to_owned),
        })
    }

    /// Where the provider sends the browser back.
    fn callback(&self, headers: &HeaderMap, secure: bool) -> String {
        match &self.public_url {
            Some(url) => format!("{url}{CALLBACK}"),
            None => {
                let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
                format!("{}://{host}{CALLBACK}", if secure { "https" } else { "http" })
            }
        }
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The S256 challenge of `verifier`.
pub fn challenge(verifier: &str) -> String {
    b64(&<sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()))
}

#[derive(Debug, Default, Deserialize)]
pub struct StartParams {
    next: Option<String>,
}

/// `GET /officer/sign-in/start`: to the provider, with a fresh state and verifier.
pub async fn start(
    State(web): State<Arc<Web>>,
    browser: Browser,
    headers: HeaderMap,
    query: Result<Query<StartParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(provider) = &web.provider else { return Redirect::to("/officer/sign-in").into_response() };
    let next = super::officer::safe_next(query.ok().and_then(|q| q.0.next).as_deref());
    let state = crate::service::secrets::random_hex(16);
    let verifier = b64(&rand::random::<[u8; 32]>());
    let location = format!(
        "{}?response_type=code&client_id={}&redirect_uri={}&scope=openid&state={state}&code_challenge={}&code_challenge_method=S256",
        provider.authorization_endpoint,
        super::citizen::encode(&provider.client_id),
        super::citizen::encode(&provider.callback(&headers, browser.secure())),
        challenge(&verifier),
    );
    let flow = format!("{state}.{verifier}.{}", b64(next.as_bytes()));
    with_cookies(Redirect::to(&location).into_response(), [flow_cookie_set(&flow, 600, browser.secure())])
}

#[derive(Debug, Default, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /officer/callback`: the code exchanged for a session.
pub async fn callback(
    State(web): State<Arc<Web>>,
    browser: Browser,
    headers: HeaderMap,
    query: Result<Query<CallbackParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(provider) = web.provider.clone() else { return Redirect::to("/officer/sign-in").into_response() };
    let params = query.map(|q| q.0).unwrap_or_default();
    let refused = |status: StatusCode, text: &str| {
        with_cookies(browser.message(status, "Chưa đăng nhập được", text), [flow_cookie_set("", 0, browser.secure())])
    };
    if params.error.is_some() {
        return refused(StatusCode::UNAUTHORIZED, "Nơi đăng nhập không xác nhận tài khoản. Hãy thử lại.");
    }
    let flow = flow_cookie(&headers);
    let (Some(code), Some(state), Some((kept_state, verifier, next))) = (params.code, params.state, flow) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "Phiên đăng nhập đã hết hạn hoặc không bắt đầu từ trang này. Hãy đăng nhập lại.",
        );
    };
    if !motcua_domain::mac::same(state.as_bytes(), kept_state.as_bytes()) {
        return refused(StatusCode::BAD_REQUEST, "Phiên đăng nhập không khớp. Hãy đăng nhập lại.");
    }
    let redirect_uri = provider.callback(&headers, browser.secure());
    let exchanged = tokio::task::spawn_blocking(move || exchange(&provider, &code, &verifier, &redirect_uri)).await;
    let tokens = match exchanged {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "web console: the provider did not exchange the code");
            return refused(StatusCode::BAD_GATEWAY, "Nơi đăng nhập không xác nhận được. Hãy đăng nhập lại.");
        }
        Err(_) => return refused(StatusCode::BAD_GATEWAY, "Nơi đăng nhập không xác nhận được. Hãy đăng nhập lại."),
    };
    let Some((token, officer)) = accepted(&web, &tokens).await else {
        return refused(
            StatusCode::FORBIDDEN,
            "Tài khoản này chưa được cấp quyền cán bộ trên hệ thống. Hãy liên hệ quản trị viên.",
        );
    };
    tracing::info!(officer = %officer.id, "web console: signed in through the identity provider");
    let mut cookies = vec![session_cookie(&token, browser.secure())];
    if let Some(refresh) = tokens["refresh_token"].as_str() {
        cookies.push(set_cookie(REFRESH_COOKIE, refresh, SESSION_HOURS * 3600, browser.secure()));
    }
    let clear = flow_cookie_set("", 0, browser.secure());
    let (form_token, _) = browser.form_token();
    let page = page::page(
        "Đã đăng nhập",
        &browser.chrome(&form_token),
        html! {
            h1 { "Đã đăng nhập" }
            p.lead { "Xin chào " (officer.name) "." }
            p { a.button href=(next) { "Tiếp tục" } }
        },
    );
    let mut response = answer(StatusCode::OK, page);
    if let Ok(refresh) = header::HeaderValue::from_str(&format!("0; url={next}")) {
        response.headers_mut().insert(header::REFRESH, refresh);
    }
    cookies.push(clear);
    with_cookies(response, cookies)
}

/// The token of `tokens` the API takes as a bearer, and whom it names: the ID token, or the
/// access token (Cognito's `token_use` decides which the verifier accepts).
async fn accepted(web: &Web, tokens: &Value) -> Option<(String, super::session::SignedIn)> {
    for token in [tokens["id_token"].as_str(), tokens["access_token"].as_str()].into_iter().flatten() {
        if let Some(officer) = web.officer_of(token).await {
            return Some((token.to_owned(), officer));
        }
    }
    None
}

/// The session cookie holding `token` until it expires (at most [`SESSION_HOURS`]).
fn session_cookie(token: &str, secure: bool) -> String {
    let expires = crate::auth::claim(token, "exp").unwrap_or(0);
    let lasts = (expires - chrono::Utc::now().timestamp()).clamp(60, SESSION_HOURS * 3600);
    set_cookie(SESSION_COOKIE, token, lasts, secure)
}

/// Middleware: where the browser holds a refresh token and its session's ID token is gone or
/// about to expire, a new one from the provider, put in the request as if the browser had sent
/// it and set in the browser with the answer. A refresh token the provider refuses is removed
/// (the officer signs in again).
pub async fn refresh_session(
    State(web): State<Arc<Web>>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (Some(provider), Some(refresh)) =
        (web.provider.clone(), super::session::cookie_in(request.headers(), REFRESH_COOKIE))
    else {
        return next.run(request).await;
    };
    let session = super::session::cookie_in(request.headers(), SESSION_COOKIE);
    let now = chrono::Utc::now().timestamp();
    if session.as_deref().and_then(|t| crate::auth::claim(t, "exp")).is_some_and(|exp| exp > now + REFRESH_AHEAD) {
        return next.run(request).await;
    }
    let secure = web.secure_cookies;
    let form = vec![("grant_type".to_owned(), "refresh_token".to_owned()), ("refresh_token".to_owned(), refresh)];
    let asked = tokio::task::spawn_blocking(move || token_request(&provider, &form)).await;
    let fresh = match asked {
        Ok(Ok(tokens)) => accepted(&web, &tokens).await.map(|(token, _)| (token, tokens)),
        Ok(Err(e)) => {
            tracing::info!(error = %e, "web console: the provider did not refresh a session");
            None
        }
        Err(_) => None,
    };
    let Some((token, tokens)) = fresh else {
        let response = next.run(request).await;
        return with_cookies(response, [set_cookie(REFRESH_COOKIE, "", 0, secure)]);
    };
    let others = super::session::cookie_pairs(request.headers()).filter(|(name, _)| *name != SESSION_COOKIE);
    let cookies = others.map(|(name, value)| format!("{name}={value}")).chain([format!("{SESSION_COOKIE}={token}")]);
    let cookies = cookies.collect::<Vec<_>>().join("; ");
    request.headers_mut().remove(header::COOKIE);
    if let Ok(value) = header::HeaderValue::from_str(&cookies) {
        request.headers_mut().insert(header::COOKIE, value);
    }
    let mut set = vec![session_cookie(&token, secure)];
    // A provider rotating refresh tokens answers a new one.
    if let Some(rotated) = tokens["refresh_token"].as_str() {
        set.push(set_cookie(REFRESH_COOKIE, rotated, SESSION_HOURS * 3600, secure));
    }
    with_cookies(next.run(request).await, set)
}

/// Revokes the browser's refresh token at the provider (sign-out), when it has both. Never
/// fails the sign-out: the cookies go anyway.
pub async fn revoke(web: &Web, headers: &HeaderMap) {
    let (Some(provider), Some(token)) = (web.provider.clone(), super::session::cookie_in(headers, REFRESH_COOKIE))
    else {
        return;
    };
    let Some(endpoint) = provider.revocation_endpoint.clone() else { return };
    let revoked = tokio::task::spawn_blocking(move || {
        let form =
            [("token", token.as_str()), ("token_type_hint", "refresh_token"), ("client_id", &provider.client_id)];
        let answer = authorised(Request::post_form(&endpoint, &form), &provider).send()?;
        answer.ok().then_some(()).ok_or(format!("status {}", answer.status))
    })
    .await;
    if let Ok(Err(e)) = revoked {
        tracing::warn!(error = %e, "web console: the provider did not revoke a refresh token");
    }
}

/// The `Set-Cookie` of the flow cookie: `value` for `max_age` seconds (0 removes it), on the
/// callback's path only, `Lax` so that it comes back with the provider's redirect.
fn flow_cookie_set(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{FLOW_COOKIE}={value}; Path={CALLBACK}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// The flow cookie: state, verifier and where to go after.
fn flow_cookie(headers: &HeaderMap) -> Option<(String, String, String)> {
    let value = super::session::cookie_in(headers, FLOW_COOKIE)?;
    let mut parts = value.split('.');
    let (state, verifier, next) = (parts.next()?, parts.next()?, parts.next()?);
    let next = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(next).ok()?;
    let next = super::officer::safe_next(std::str::from_utf8(&next).ok());
    Some((state.to_owned(), verifier.to_owned(), next))
}

/// `request` with the confidential client's credentials (HTTP Basic), when it has a secret.
fn authorised<'a>(request: Request<'a>, provider: &Provider) -> Request<'a> {
    match &provider.client_secret {
        Some(secret) => {
            let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:{secret}", provider.client_id));
            request.header("authorization", &format!("Basic {basic}"))
        }
        None => request,
    }
}

/// Asks the token endpoint for tokens with `form` (and the client's id). Blocking.
fn token_request(provider: &Provider, form: &[(String, String)]) -> Result<Value, String> {
    let mut form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.push(("client_id", provider.client_id.as_str()));
    authorised(Request::post_form(&provider.token_endpoint, &form), provider).send()?.json()
}

/// Exchanges `code` at the token endpoint. Blocking.
fn exchange(provider: &Provider, code: &str, verifier: &str, redirect_uri: &str) -> Result<Value, String> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ];
    token_request(provider, &form.map(|(k, v)| (k.to_owned(), v.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_verifiers_s256_as_rfc_7636_computes_it() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
