//! Extractors that turn every malformed request into an [`ApiError`] with a stable code.

use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use std::sync::Arc;

use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::proxies::TrustedProxies;

/// A JSON body; rejections become `invalid_json`, `unsupported_media_type` or `payload_too_large`.
pub struct ApiJson<T>(pub T);

fn json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "cần Content-Type: application/json / expected Content-Type: application/json",
        ),
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        other => ApiError::bad_request(
            "invalid_json",
            format!("nội dung JSON không hợp lệ / invalid JSON body: {}", other.body_text()),
        ),
    }
}

pub fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "nội dung quá lớn / request body too large")
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state).await.map(|j| ApiJson(j.0)).map_err(json_rejection)
    }
}

/// A JSON body kept with its raw bytes, for idempotency hashing.
pub struct RawJson<T> {
    pub value: T,
    pub bytes: Bytes,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for RawJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json =
            req.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(json_rejection(JsonRejection::MissingJsonContentType(Default::default())));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| too_large())?;
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request("invalid_json", format!("nội dung JSON không hợp lệ / invalid JSON body: {e}"))
        })?;
        Ok(Self { value, bytes })
    }
}

/// Query parameters; rejections become `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state).await.map(|q| ApiQuery(q.0)).map_err(
            |r: QueryRejection| {
                ApiError::bad_request(
                    "invalid_query",
                    format!("tham số truy vấn không hợp lệ / invalid query: {}", r.body_text()),
                )
            },
        )
    }
}

/// A header's value as text, if present and readable.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A JSON body that may be left out entirely: then it reads as `{}` (every field absent).
pub struct JsonOrEmpty<T>(pub T);

fn empty<T: DeserializeOwned>() -> Result<T, ApiError> {
    serde_json::from_str("{}").map_err(|e| {
        ApiError::bad_request("invalid_json", format!("nội dung JSON không hợp lệ / invalid JSON body: {e}"))
    })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonOrEmpty<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let has_body = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v != "0");
        let has_type = req.headers().contains_key(axum::http::header::CONTENT_TYPE);
        if !has_type && has_body {
            let bytes = Bytes::from_request(req, state).await.map_err(|_| too_large())?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return empty().map(Self);
            }
            return Err(json_rejection(JsonRejection::MissingJsonContentType(Default::default())));
        }
        if !has_body {
            return empty().map(Self);
        }
        RawJson::<T>::from_request(req, state).await.map(|r| Self(r.value))
    }
}

/// An action's body, read as its surface says: one that may be left out, or one required.
pub async fn action_body<T: DeserializeOwned>(
    kind: motcua_domain::lifecycle::Body,
    req: Request,
) -> Result<T, ApiError> {
    match kind {
        motcua_domain::lifecycle::Body::Optional => JsonOrEmpty::from_request(req, &()).await.map(|b| b.0),
        motcua_domain::lifecycle::Body::Required => ApiJson::from_request(req, &()).await.map(|b| b.0),
    }
}

/// Who is calling, for per-client limits: the TCP peer on one machine, the source IP API
/// Gateway saw on AWS, `unknown` when neither is known (in-process calls). Behind a trusted
/// proxy (`MOTCUA_TRUSTED_PROXIES`) or the edge ([`crate::edge`]), the address it forwards (see
/// [`crate::proxies`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress
where
    Arc<TrustedProxies>: FromRef<S>,
{
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = if let Some(axum::extract::ConnectInfo(peer)) =
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        {
            Some(peer.ip())
        } else if let Some(lambda_http::request::RequestContext::ApiGatewayV2(c)) =
            parts.extensions.get::<lambda_http::request::RequestContext>()
        {
            c.http.source_ip.as_deref().and_then(|ip| ip.parse().ok())
        } else {
            None
        };
        let Some(peer) = peer else { return Ok(Self("unknown".into())) };
        let proxies = Arc::<TrustedProxies>::from_ref(state);
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        let client = match parts.extensions.get::<crate::edge::ThroughEdge>() {
            Some(_) => proxies.client_behind_edge(peer, forwarded),
            None => proxies.client(peer, forwarded),
        };
        Ok(Self(client.to_string()))
    }
}

/// The `{code}` of a dossier route, parsed at the edge: a code that does not parse (or a path
/// that is not text) is `400 invalid_dossier_code`, before anything is read.
pub struct DossierPath(pub motcua_domain::codes::DossierCode);

/// `400 invalid_dossier_code`. What was typed is never echoed: it may be a citizen ID or a name.
fn invalid_dossier_code() -> ApiError {
    ApiError::bad_request(
        "invalid_dossier_code",
        "mã hồ sơ không hợp lệ / invalid dossier code: expected <agency>-<YYMMDD>-<NNNN>, e.g. 000.00.12.H56-240315-0007",
    )
}

/// A dossier code from a path segment, refused as [`DossierPath`] refuses it.
pub fn dossier_code(text: &str) -> Result<motcua_domain::codes::DossierCode, ApiError> {
    motcua_domain::codes::DossierCode::parse(text).map_err(|_| invalid_dossier_code())
}

impl<S: Send + Sync> FromRequestParts<S> for DossierPath {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(text) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| invalid_dossier_code())?;
        dossier_code(&text).map(Self)
    }
}
