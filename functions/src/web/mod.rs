//! The web pages: the citizens' portal (`/`: procedures, filing online with files, looking a
//! dossier up, statistics) and
//! the officers' console (`/officer`: sign-in, the queue, a dossier and every action the
//! transition table offers the officer), rendered on the server from the same binary.
//!
//! Every page works without JavaScript (a little script only asks before a destructive action
//! and applies filters on change), speaks Vietnamese first, and is built for a cheap phone:
//! one small stylesheet and script under hashed names ([`assets`]), system fonts, no request to
//! anyone else. The pages are a client of the HTTP API, called in process ([`api`]): what a form
//! does is what the API does, and a refusal shows the API's own message. Forms carry a token
//! against cross-site requests and officers sign in with a password ([`session`]).
//!
//! Every answer carries a strict Content-Security-Policy (no inline script or style, nothing
//! from elsewhere, no framing) and `no-store` (a page may show personal data).

mod admin;
mod admin_catalogue;
pub mod api;
mod applicant;
mod applicant_acts;
pub mod assets;
mod catalogue;
mod citizen;
mod counter;
pub mod demo;
pub mod files;
mod filing;
mod form;
pub mod invoke;
mod officer;
mod officer_actions;
pub mod page;
pub mod provider;
mod reports;
pub mod session;

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use motcua_domain::ports::{Catalogue, OfficerPasswords};

use crate::auth::{LocalKeys, SharedAuthenticator};

/// Officers' sign-in with a password, where this home keeps passwords (one machine): everything
/// else the pages read goes through the API, so where officers sign in through an identity
/// provider (AWS) the pages hold no store at all.
#[derive(Clone)]
pub struct Passwords {
    /// Issues session tokens after a password sign-in.
    pub keys: Arc<LocalKeys>,
    /// The officers' passwords, failed attempts and ended sessions.
    pub store: Arc<dyn OfficerPasswords>,
    /// The officers a session names (name, agency, roles).
    pub officers: Arc<dyn Catalogue>,
    /// How passwords are hashed and checked.
    pub hashing: Hashing,
}

/// How passwords are hashed and checked, given by the home that keeps them: a binary that never
/// makes [`Passwords`] (the `web` Lambda) links none of it.
#[derive(Clone, Copy)]
pub struct Hashing {
    /// The hash to keep of a new password, or why the password is refused.
    pub hash: fn(&str) -> Result<String, String>,
    /// Whether a password matches a kept hash.
    pub matches: fn(&str, &str) -> bool,
    /// A hash to check against when the officer has none, so a sign-in takes as long either way.
    pub decoy: fn() -> &'static str,
}

impl Hashing {
    /// argon2id ([`session::hash_password`]).
    pub const ARGON2ID: Hashing =
        Hashing { hash: session::hash_password, matches: session::password_matches, decoy: session::decoy_hash };
}

/// What the pages need.
pub struct Web {
    pub api: api::Api,
    pub auth: SharedAuthenticator,
    /// Password sign-in (none when an outside issuer signs officers in).
    pub passwords: Option<Passwords>,
    /// Keys the form tokens.
    key: Arc<[u8]>,
    /// Cookies only over TLS (the public address is `https://`).
    pub secure_cookies: bool,
    /// The identity provider officers sign in through, instead of passwords.
    pub provider: Option<provider::Provider>,
    /// The most a form's files may weigh together when the pages receive them
    /// (`MOTCUA_WEB_FORM_MB`; the script sends files straight to the store instead).
    pub files_most: usize,
    /// Where browsers send files straight to (the bucket's origin on AWS), besides this site.
    pub upload_origin: Option<String>,
}

impl Web {
    pub fn new(
        api: api::Api,
        auth: SharedAuthenticator,
        passwords: Option<Passwords>,
        server_key: &[u8],
        secure_cookies: bool,
    ) -> Self {
        let key = motcua_domain::mac::hmac_sha256(server_key, b"web form tokens").to_vec().into();
        Self { api, auth, passwords, key, secure_cookies, provider: None, files_most: files::MOST, upload_origin: None }
    }

    /// Officers sign in through `provider` (OpenID Connect, authorization code with PKCE).
    pub fn signing_in_through(mut self, provider: provider::Provider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Forms' files weigh `most` bytes at most together; browsers running the script send them
    /// straight to `upload_origin` (when not this site).
    pub fn with_uploads(mut self, most: usize, upload_origin: Option<String>) -> Self {
        self.files_most = most;
        self.upload_origin = upload_origin;
        self
    }

    /// The form token of the browser whose form cookie is `value`.
    fn form_token_for(&self, value: &str) -> String {
        motcua_domain::mac::hex(&motcua_domain::mac::hmac_sha256(&self.key, value.as_bytes()))
    }

    /// Whether the password sessions of `officer` were ended (signed out, a new password) at or
    /// after `token` was issued. Sessions from an identity provider end with its tokens.
    async fn session_ended(&self, officer: &motcua_domain::catalogue::OfficerId, token: &str) -> bool {
        let Some(passwords) = &self.passwords else { return false };
        match passwords.store.password(officer).await {
            Ok(record) => crate::auth::session_ended(token, record.and_then(|r| r.sessions_ended_at)),
            // The store cannot say: the session is not trusted.
            Err(_) => true,
        }
    }

    /// The officer `token` proves, when it is valid.
    async fn officer_of(&self, token: &str) -> Option<session::SignedIn> {
        let request =
            axum::http::Request::builder().header(header::AUTHORIZATION, format!("Bearer {token}")).body(()).ok()?;
        let (parts, ()) = request.into_parts();
        let officer = self.auth.authenticate(&parts).ok()?;
        Some(session::SignedIn { id: officer.id, name: officer.name, agency: officer.agency, roles: officer.roles })
    }
}

/// The pages' routes, with their headers.
pub fn router(web: Arc<Web>) -> Router {
    let most = web.files_most;
    let files_limit = move || axum::extract::DefaultBodyLimit::max(most + FORM_LIMIT);
    let policy = content_security_policy(web.upload_origin.as_deref());
    let refresher = web.clone();
    Router::new()
        .route("/", get(citizen::home))
        .route("/procedures/{code}", get(citizen::procedure))
        .route("/procedures/{code}/file", get(filing::form).post(filing::file).layer(files_limit()))
        .route("/lookup", get(citizen::lookup_form).post(citizen::lookup))
        .route("/lookup/forms/{form}", post(applicant::form))
        .route("/lookup/rate", post(applicant::rate))
        .route("/lookup/withdraw", post(applicant_acts::withdraw))
        .route("/lookup/pay", post(applicant_acts::pay))
        .route("/lookup/supplement/new", post(applicant_acts::supplement_form))
        .route("/lookup/supplement", post(applicant_acts::supplement).layer(files_limit()))
        .route("/lookup/files/{id}", post(files::applicant_file))
        .route("/uploads", post(files::announce))
        .route("/officer/dossiers/{code}/files/{id}", get(files::officer_file))
        .route("/officer/dossiers/{code}/forms/{form}", get(officer::printed))
        .route("/statistics", get(citizen::statistics))
        .route("/officer", get(officer::queue))
        .route("/officer/counter", get(counter::choose))
        .route("/officer/counter/{procedure}", get(counter::form).post(counter::receive).layer(files_limit()))
        .route("/officer/reports", get(reports::reports))
        .route("/officer/reports/dossiers", get(reports::download))
        .route("/officer/admin", get(admin::index))
        .route("/officer/admin/officers", get(admin::officers).post(admin::save_officer))
        .route("/officer/admin/officers/{id}", get(admin::officer))
        .route("/officer/admin/officers/{id}/password", post(admin::set_password))
        .route("/officer/admin/holidays", get(admin::holidays).post(admin::save_holidays))
        .route(
            "/officer/admin/catalogue",
            get(admin_catalogue::catalogue).post(admin_catalogue::import).layer(files_limit()),
        )
        .route("/officer/admin/catalogue/export", get(admin_catalogue::export))
        .route("/officer/admin/procedures", get(admin_catalogue::find_procedure))
        .route(
            "/officer/admin/procedures/{code}",
            get(admin_catalogue::edit_procedure).post(admin_catalogue::save_procedure),
        )
        .route("/officer/admin/agencies/{code}", get(admin_catalogue::edit_agency).post(admin_catalogue::save_agency))
        .route("/officer/sign-in", get(officer::sign_in_form).post(officer::sign_in))
        .route("/officer/sign-in/start", get(provider::start))
        .route("/officer/callback", get(provider::callback))
        .route("/officer/sign-out", post(officer::sign_out))
        .route("/officer/dossiers/{code}", get(officer::dossier))
        .route("/officer/dossiers/{code}/{action}", post(officer_actions::act).layer(files_limit()))
        .route("/assets/{name}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .with_state(web)
        .layer(axum::middleware::from_fn_with_state(refresher, provider::refresh_session))
        .layer(axum::middleware::map_response(move |response| security_headers(response, policy.clone())))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
}

/// The most a form without files may send.
const FORM_LIMIT: usize = 64 * 1024;

/// The policy every page is served under: this site's stylesheet and script only, images from
/// here or inline data, forms posted here, never framed; the script may call this site and
/// send files to `upload_origin` (the bucket, on AWS).
pub fn content_security_policy(upload_origin: Option<&str>) -> HeaderValue {
    let connect = upload_origin.map(|o| format!(" {o}")).unwrap_or_default();
    let policy = format!(
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'{connect}; \
         img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

async fn security_headers(mut response: Response, policy: HeaderValue) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(self), geolocation=(), microphone=()"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
