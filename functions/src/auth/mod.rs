//! Officer identity. Officers send `Authorization: Bearer <JWT>` with claims `sub`, `name`,
//! `agency`, `roles`. On one machine the server verifies tokens signed with a key it keeps in
//! the data directory ([`LocalKeys`]); on AWS the API Gateway JWT authorizer verifies them and
//! the Lambda reads the claims it attached ([`gateway::GatewayClaims`]). Handlers only ever see
//! an [`Officer`].

mod directory;
pub mod gateway;
pub mod oidc;

pub use directory::Directory;

use std::path::Path;
use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use motcua_domain::catalogue::{Officer, OfficerId, Role};
use motcua_domain::codes::AgencyCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

pub const ISSUER: &str = "motcua-local";
pub const AUDIENCE: &str = "motcua";
/// The longest a local token may live: one working day. Longer tokens are refused, even when
/// correctly signed, so a leaked token stops working by the next morning.
pub const MAX_TOKEN_HOURS: i64 = 12;

/// Why a token is refused, in the API's own words: never the verifier's internals.
pub fn token_refused(e: &jsonwebtoken::errors::Error) -> ApiError {
    use jsonwebtoken::errors::ErrorKind as K;
    let why = match e.kind() {
        K::ExpiredSignature => "mã xác thực đã hết hạn / the token has expired",
        K::ImmatureSignature => "mã xác thực chưa có hiệu lực / the token is not valid yet",
        K::InvalidSignature => "chữ ký của mã xác thực không đúng / the token's signature is invalid",
        K::InvalidIssuer | K::InvalidAudience => {
            "mã xác thực không dành cho hệ thống này / the token was issued for another system"
        }
        K::InvalidAlgorithm | K::InvalidAlgorithmName => {
            "thuật toán ký không được chấp nhận / the token's signing algorithm is not accepted"
        }
        K::MissingRequiredClaim(_) => "mã xác thực thiếu thông tin bắt buộc / the token lacks a required claim",
        _ => "mã xác thực không đọc được / the token cannot be read",
    };
    ApiError::unauthenticated(why)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub name: String,
    pub agency: String,
    pub roles: Vec<Role>,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    /// Not before: the token is refused until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
}

/// Finds the officer a request speaks for.
pub trait Authenticator: Send + Sync {
    /// The verified officer, or 401.
    fn authenticate(&self, request: &Parts) -> Result<Officer, ApiError>;
    /// Whether the request presents officer credentials at all (so a route open to both
    /// officers and applicants knows which check applies).
    fn presented(&self, request: &Parts) -> bool {
        request.headers.contains_key(axum::http::header::AUTHORIZATION)
    }
}

/// HS256 tokens signed with a local key (the zero-configuration default).
pub struct LocalKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl LocalKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// Loads the key from `dir/jwt-signing.key`, creating a random one on first use.
    pub fn load_or_create(dir: &Path) -> std::io::Result<Self> {
        Ok(Self::from_secret(load_or_create_key(&dir.join("jwt-signing.key"))?.as_bytes()))
    }

    /// A token for `officer`, valid for `hours` (1 to [`MAX_TOKEN_HOURS`]).
    pub fn issue(&self, officer: &Officer, hours: i64) -> Result<String, jsonwebtoken::errors::Error> {
        let hours = hours.clamp(1, MAX_TOKEN_HOURS);
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: officer.id.to_string(),
            name: officer.name.clone(),
            agency: officer.agency.to_string(),
            roles: officer.roles.clone(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: None,
            exp: now + hours * 3600,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }
}

/// A 256-bit random key kept as hex in `path` (mode 0600), created on first use.
pub fn load_or_create_key(path: &Path) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().to_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = crate::service::secrets::random_hex(32);
            write_private(path, &key)?;
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

impl Authenticator for LocalKeys {
    fn authenticate(&self, request: &Parts) -> Result<Officer, ApiError> {
        self.verify(bearer(&request.headers)?)
    }
}

impl LocalKeys {
    /// Verifies a token this server signed.
    pub fn verify(&self, token: &str) -> Result<Officer, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        let claims = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| token_refused(&e))?.claims;
        let longest = MAX_TOKEN_HOURS * 3600;
        let now = chrono::Utc::now().timestamp();
        if claims.exp - claims.iat > longest || claims.exp > now + longest {
            return Err(ApiError::unauthenticated(
                "mã xác thực có thời hạn quá dài / the token lives longer than the 12 hours allowed",
            ));
        }
        officer_from_claims(claims)
    }
}

pub fn officer_from_claims(c: Claims) -> Result<Officer, ApiError> {
    let bad = || ApiError::unauthenticated("mã xác thực thiếu thông tin cán bộ / token claims are incomplete");
    Ok(Officer {
        id: OfficerId::parse(&c.sub).map_err(|_| bad())?,
        name: c.name,
        agency: AgencyCode::parse(&c.agency).map_err(|_| bad())?,
        roles: c.roles,
        phone: None,
        email: None,
        arrivals: Default::default(),
    })
}

/// The payload of a JWT, read without checking its signature: for a token verified before.
fn payload(token: &str) -> Option<serde_json::Value> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The number claim `name` of a JWT verified before.
pub fn claim(token: &str, name: &str) -> Option<i64> {
    payload(token)?[name].as_i64()
}

/// Whether `token`, verified before, is one of this server's own ([`LocalKeys`]: the console's
/// password sessions and `motcua token`) issued at or before `ended`, when its officer's
/// sessions were ended (signed out, or a new password set). An identity provider's tokens end
/// with the provider's own expiry.
pub fn session_ended(token: &str, ended: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    let Some(ended) = ended else { return false };
    let Some(claims) = payload(token) else { return true };
    claims["iss"] == ISSUER && claims["iat"].as_i64().is_none_or(|iat| iat <= ended.timestamp())
}

/// Whether `token` is one of this server's own (see [`session_ended`]).
pub fn issued_here(token: &str) -> bool {
    payload(token).is_some_and(|claims| claims["iss"] == ISSUER)
}

/// The token of the request's `Authorization: Bearer` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let header = crate::extract::header(headers, "authorization")
        .ok_or_else(|| ApiError::unauthenticated("cần đăng nhập / a bearer token is required"))?;
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::unauthenticated("cần mã Bearer / expected `Authorization: Bearer <token>`"))?;
    Ok(token.trim())
}

/// The authenticated officer of a request, as their record stands (see [`Directory`]).
pub struct CurrentOfficer(pub Officer);

impl<S: Send + Sync> FromRequestParts<S> for CurrentOfficer
where
    SharedAuthenticator: FromRef<S>,
    Directory: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = SharedAuthenticator::from_ref(state);
        Directory::from_ref(state).of_request(auth.as_ref(), parts).await.map(CurrentOfficer)
    }
}

/// An officer holding the admin role.
pub struct CurrentAdmin(pub Officer);

impl<S: Send + Sync> FromRequestParts<S> for CurrentAdmin
where
    SharedAuthenticator: FromRef<S>,
    Directory: FromRef<S>,
{
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentOfficer(officer) = CurrentOfficer::from_request_parts(parts, state).await?;
        motcua_domain::access::may_administer(&officer)?;
        Ok(CurrentAdmin(officer))
    }
}

pub type SharedAuthenticator = Arc<dyn Authenticator>;
