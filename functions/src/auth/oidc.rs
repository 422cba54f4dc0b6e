//! Officer tokens from a real OpenID Connect issuer (Cognito, Keycloak, the province's SSO) on
//! one machine: the same checks API Gateway's JWT authorizer makes on AWS.
//!
//! - Keys come from the issuer's JWKS (found through its discovery document unless given),
//!   cached by `kid`; a token naming an unknown `kid` makes one refresh (key rotation), at most
//!   once per [`MIN_REFRESH`], so random `kid`s cannot hammer the issuer.
//! - Algorithms are pinned (RS256 by default): a token's `alg` must be one of them and match
//!   its key's; `none` and HMAC never are, so a public key cannot be used as an HMAC secret.
//! - `iss`, `exp` and the audience are checked: `aud`, or Cognito's `client_id` for access
//!   tokens; and Cognito's `token_use` when configured.
//!
//! Claims become an officer exactly as behind API Gateway ([`super::gateway::officer_from`]).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::http::request::Parts;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use motcua_domain::catalogue::Officer;
use serde_json::{Map, Value};

use super::{bearer, gateway, Authenticator};
use crate::error::ApiError;

/// The shortest time between two JWKS fetches.
pub const MIN_REFRESH: Duration = Duration::from_secs(30);

/// What `motcua serve --oidc-issuer …` is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// The exact `iss` of the tokens, e.g. `https://cognito-idp.<region>.amazonaws.com/<pool>`.
    pub issuer: String,
    /// The expected `aud` (for Cognito access tokens: the `client_id`).
    pub audience: String,
    /// The JWKS address; from `<issuer>/.well-known/openid-configuration` when absent.
    pub jwks_url: Option<String>,
    /// Cognito's `token_use` to require (`id` or `access`), if any.
    pub token_use: Option<String>,
    pub algorithms: Vec<Algorithm>,
}

impl OidcConfig {
    /// Parses a comma-separated list of asymmetric algorithms (`RS256,ES256`).
    pub fn parse_algorithms(text: &str) -> Result<Vec<Algorithm>, String> {
        text.split(',')
            .map(|a| match a.trim() {
                "RS256" => Ok(Algorithm::RS256),
                "RS384" => Ok(Algorithm::RS384),
                "RS512" => Ok(Algorithm::RS512),
                "PS256" => Ok(Algorithm::PS256),
                "ES256" => Ok(Algorithm::ES256),
                "ES384" => Ok(Algorithm::ES384),
                "EdDSA" => Ok(Algorithm::EdDSA),
                other => Err(format!("`{other}` is not an accepted token algorithm (asymmetric ones only)")),
            })
            .collect()
    }
}

struct Keys {
    by_kid: HashMap<String, (DecodingKey, Option<Algorithm>)>,
    fetched_at: Instant,
}

pub struct OidcVerifier {
    config: OidcConfig,
    jwks_url: String,
    keys: RwLock<Keys>,
    min_refresh: Duration,
}

fn unauthenticated(why: impl std::fmt::Display) -> ApiError {
    ApiError::unauthenticated(format!("mã xác thực không hợp lệ / invalid token: {why}"))
}

/// Runs blocking I/O from inside the async server without stalling its other tasks.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

impl OidcVerifier {
    /// Finds the JWKS (through discovery if needed) and loads it once. Blocking.
    pub fn discover(config: OidcConfig) -> Result<Self, String> {
        if config.algorithms.is_empty() {
            return Err("no token algorithm accepted".into());
        }
        let jwks_url = match &config.jwks_url {
            Some(url) => url.clone(),
            None => {
                let url = format!("{}/.well-known/openid-configuration", config.issuer.trim_end_matches('/'));
                let doc = read_json(&url).map_err(|e| format!("cannot read {url}: {e}"))?;
                if doc["issuer"].as_str() != Some(config.issuer.as_str()) {
                    return Err(format!("{url} names another issuer: {}", doc["issuer"]));
                }
                doc["jwks_uri"].as_str().ok_or_else(|| format!("{url} has no jwks_uri"))?.to_owned()
            }
        };
        let by_kid = fetch(&jwks_url)?;
        let keys = RwLock::new(Keys { by_kid, fetched_at: Instant::now() });
        Ok(Self { config, jwks_url, keys, min_refresh: MIN_REFRESH })
    }

    /// Changes the shortest time between two JWKS fetches (tests).
    pub fn with_min_refresh(mut self, min_refresh: Duration) -> Self {
        self.min_refresh = min_refresh;
        self
    }

    /// The key for `kid`, refreshing the JWKS once if it is unknown and the last fetch is old
    /// enough.
    fn key(&self, kid: &str) -> Option<(DecodingKey, Option<Algorithm>)> {
        let stale = {
            let keys = self.keys.read().ok()?;
            if let Some(k) = keys.by_kid.get(kid) {
                return Some(k.clone());
            }
            keys.fetched_at.elapsed() >= self.min_refresh
        };
        if !stale {
            return None;
        }
        let mut keys = self.keys.write().ok()?;
        // Another request may have refreshed while this one waited.
        if keys.fetched_at.elapsed() >= self.min_refresh {
            keys.fetched_at = Instant::now();
            match blocking(|| fetch(&self.jwks_url)) {
                Ok(fresh) => keys.by_kid = fresh,
                Err(e) => tracing::warn!(error = %e, "cannot refresh the issuer's keys"),
            }
        }
        keys.by_kid.get(kid).cloned()
    }

    /// Verifies `token` and names its officer.
    pub fn verify(&self, token: &str) -> Result<Officer, ApiError> {
        gateway::officer_from(&self.claims(token)?)
    }

    /// Verifies `token` as API Gateway's JWT authorizer does, and gives its claims as the
    /// authorizer passes them on (text, lists as `[a b]`).
    pub fn claims(&self, token: &str) -> Result<HashMap<String, String>, ApiError> {
        let header = decode_header(token).map_err(|e| super::token_refused(&e))?;
        if !self.config.algorithms.contains(&header.alg) {
            return Err(unauthenticated(format!("algorithm {:?} is not accepted", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| unauthenticated("no key id"))?;
        let (key, key_alg) = self.key(&kid).ok_or_else(|| unauthenticated("unknown signing key"))?;
        if key_alg.is_some_and(|a| a != header.alg) {
            return Err(unauthenticated("the algorithm does not match the key's"));
        }
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let access = self.config.token_use.as_deref() == Some("access");
        if access {
            validation.validate_aud = false;
        } else {
            validation.set_audience(&[&self.config.audience]);
        }
        validation.validate_nbf = true;
        let claims =
            decode::<Map<String, Value>>(token, &key, &validation).map_err(|e| super::token_refused(&e))?.claims;
        if access && claims.get("client_id").and_then(Value::as_str) != Some(self.config.audience.as_str()) {
            return Err(unauthenticated("issued to another client"));
        }
        if let Some(want) = &self.config.token_use {
            if claims.get("token_use").and_then(Value::as_str) != Some(want.as_str()) {
                return Err(unauthenticated(format!("not an {want} token")));
            }
        }
        Ok(as_text(&claims))
    }
}

/// Claims as API Gateway passes them: text, with lists as `[a b]`.
fn as_text(claims: &Map<String, Value>) -> HashMap<String, String> {
    claims
        .iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) => {
                    let items: Vec<String> =
                        items.iter().map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| i.to_string())).collect();
                    format!("[{}]", items.join(" "))
                }
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// The JSON document at `url` (an issuer's discovery document, its keys). Blocking.
fn read_json(url: &str) -> Result<Value, String> {
    crate::https::Request::get(url).timeout(Duration::from_secs(5)).send()?.json()
}

fn fetch(url: &str) -> Result<HashMap<String, (DecodingKey, Option<Algorithm>)>, String> {
    let set = read_json(url).map_err(|e| format!("cannot read the JWKS at {url}: {e}"))?;
    let set: JwkSet = serde_json::from_value(set).map_err(|e| format!("the JWKS at {url} is not a key set: {e}"))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else { continue };
        let alg = jwk.common.key_algorithm.and_then(|a| a.to_string().parse::<Algorithm>().ok());
        match DecodingKey::from_jwk(jwk) {
            Ok(key) => {
                keys.insert(kid, (key, alg));
            }
            Err(e) => tracing::warn!(kid, error = %e, "skipping a key of the JWKS"),
        }
    }
    Ok(keys)
}

impl Authenticator for OidcVerifier {
    fn authenticate(&self, request: &Parts) -> Result<Officer, ApiError> {
        self.verify(bearer(&request.headers)?)
    }
}

#[cfg(test)]
mod tests;
