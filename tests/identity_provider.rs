//! A fake OpenID Connect provider on loopback, as Cognito's hosted sign-in behaves for the
//! authorization code flow with PKCE: a discovery document, a key set, an authorization
//! endpoint that signs in the officer the test chose and redirects back with a code, and a
//! token endpoint that gives an ID token (signed with the test key `key-a`) only for that code,
//! once, from the same client and redirect address, with the verifier of the challenge; with it
//! a refresh token, which the token endpoint trades for a new ID token until it is revoked
//! (RFC 7009). ID tokens last an hour unless the test says otherwise.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use sha2::Digest;

pub const CLIENT: &str = "motcua-web";

#[derive(Default)]
struct Inner {
    /// The officer the next sign-in is for (`cognito:username`, agency, groups, name).
    officer: Option<(String, String, String, String)>,
    /// Codes handed out: challenge, client, redirect address.
    codes: HashMap<String, (String, String, String)>,
    /// Token requests refused.
    pub refused: Vec<String>,
    /// Refresh tokens handed out and not revoked: the officer each signs in.
    refresh: HashMap<String, (String, String, String, String)>,
    /// Refresh grants answered, and tokens revoked.
    refreshed: usize,
    revoked: Vec<String>,
    /// How long ID tokens last (seconds; an hour when 0).
    lifetime: i64,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    inner: Arc<Mutex<Inner>>,
}

pub struct IdentityProvider {
    pub issuer: String,
    shared: Shared,
}

impl IdentityProvider {
    /// Starts it on `host` (`localhost` to be another site than `127.0.0.1`).
    pub fn start(host: &str) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let issuer = format!("http://{host}:{}", listener.local_addr().unwrap().port());
        let shared = Shared { issuer: issuer.clone(), inner: Arc::default() };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/revoke", post(revoke))
            .with_state(shared.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        Self { issuer, shared }
    }

    /// The next sign-in is `officer` of `agency` in `groups`.
    pub fn signs_in(&self, officer: &str, agency: &str, groups: &str, name: &str) {
        self.shared.inner.lock().unwrap().officer = Some((officer.into(), agency.into(), groups.into(), name.into()));
    }

    /// ID tokens last `seconds` from now on.
    pub fn tokens_last(&self, seconds: i64) {
        self.shared.inner.lock().unwrap().lifetime = seconds;
    }

    /// How many refresh grants it answered.
    pub fn refreshed(&self) -> usize {
        self.shared.inner.lock().unwrap().refreshed
    }

    /// The refresh tokens revoked.
    pub fn revoked(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().revoked.clone()
    }

    /// The token requests it refused, and why.
    pub fn refused(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().refused.clone()
    }
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    Json(json!({
        "issuer": s.issuer,
        "authorization_endpoint": format!("{}/authorize", s.issuer),
        "token_endpoint": format!("{}/token", s.issuer),
        "revocation_endpoint": format!("{}/revoke", s.issuer),
        "jwks_uri": format!("{}/jwks", s.issuer),
    }))
}

async fn jwks() -> Json<Value> {
    let jwk: Value = serde_json::from_str(include_str!("../functions/src/auth/oidc/test-jwk-a.json")).unwrap();
    Json(json!({"keys": [jwk]}))
}

async fn authorize(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code" || get("code_challenge_method") != "S256" || get("code_challenge").is_empty() {
        return (StatusCode::BAD_REQUEST, "code flow with S256 only").into_response();
    }
    if get("client_id") != CLIENT {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    let code = format!("code-{}", rand::random::<u64>());
    s.inner.lock().unwrap().codes.insert(code.clone(), (get("code_challenge"), get("client_id"), get("redirect_uri")));
    let back = format!("{}?code={code}&state={}", get("redirect_uri"), get("state"));
    Redirect::to(&back).into_response()
}

async fn token(State(s): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let mut inner = s.inner.lock().unwrap();
    let refuse = |inner: &mut Inner, why: &str| {
        inner.refused.push(why.to_owned());
        (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_grant", "error_description": why}))).into_response()
    };
    let officer = match get("grant_type").as_str() {
        "refresh_token" => match inner.refresh.get(&get("refresh_token")).cloned() {
            Some(officer) if get("client_id") == CLIENT => {
                inner.refreshed += 1;
                officer
            }
            _ => return refuse(&mut inner, "unknown or revoked refresh token"),
        },
        "authorization_code" => {
            let Some((challenge, client, redirect)) = inner.codes.remove(&get("code")) else {
                return refuse(&mut inner, "unknown or used code");
            };
            if client != get("client_id") || redirect != get("redirect_uri") {
                return refuse(&mut inner, "another client or redirect address");
            }
            let computed =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(get("code_verifier")));
            if computed != challenge {
                return refuse(&mut inner, "the verifier does not match the challenge");
            }
            let Some(officer) = inner.officer.clone() else {
                return refuse(&mut inner, "no one signs in");
            };
            officer
        }
        _ => return refuse(&mut inner, "grant type"),
    };
    let (officer, agency, groups, name) = officer;
    let refresh = match get("grant_type").as_str() {
        "authorization_code" => {
            let token = format!("refresh-{}", rand::random::<u64>());
            inner.refresh.insert(token.clone(), (officer.clone(), agency.clone(), groups.clone(), name.clone()));
            Some(token)
        }
        _ => None,
    };
    let lifetime = if inner.lifetime > 0 { inner.lifetime } else { 3600 };
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": format!("uuid-{officer}"), "cognito:username": officer, "custom:agency": agency,
        "cognito:groups": groups.split(',').collect::<Vec<_>>(), "name": name, "iss": s.issuer, "aud": CLIENT,
        "token_use": "id", "iat": now, "exp": now + lifetime
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("key-a".into());
    let pem = include_bytes!("../functions/src/auth/oidc/test-key-a.pem");
    let id_token = encode(&header, &claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap();
    let mut body =
        json!({"id_token": id_token, "access_token": "opaque-access", "token_type": "Bearer", "expires_in": lifetime});
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// RFC 7009: the token forgotten; 200 whether it was known or not.
async fn revoke(State(s): State<Shared>, Form(f): Form<HashMap<String, String>>) -> StatusCode {
    let token = f.get("token").cloned().unwrap_or_default();
    let mut inner = s.inner.lock().unwrap();
    inner.refresh.remove(&token);
    inner.revoked.push(token);
    StatusCode::OK
}
