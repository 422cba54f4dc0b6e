//! The API through its functions, for the pages' Lambda: a page's call goes to the function of
//! the family that serves its route ([`crate::routes::owners`]), as the event API Gateway would
//! hand that function (Lambda `Invoke`), so the pages' function links none of the API's
//! handlers or stores. What API Gateway adds, the pages add the same way: the browser's request
//! context (its address, for the per-client limits), the officer's claims once their token is
//! verified (as the gateway's JWT authorizer passes them on), and the edge's header when the
//! stack has an edge. Within the stack only the pages' role is granted `lambda:InvokeFunction`
//! on the families (template.yaml), so they trust such an event as they trust the gateway's
//! (whoever may invoke a function in the account may also change it).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode};
use axum::response::Response;
use base64::Engine;
use motcua_domain::lifecycle::Family;
use serde_json::{json, Map, Value};

use super::api::{refusal, Origin};
use crate::auth::oidc::OidcVerifier;

/// The most of a request body the pages hand on: a synchronous invocation takes 6 MB of event,
/// and the body goes in it base64-encoded (4 MB become 5.4 MB), with the headers and context.
const MOST: usize = 4 << 20;

/// The family functions, and what the pages add to each call.
pub struct Functions {
    client: aws_sdk_lambda::Client,
    /// Each family's function (name or ARN).
    names: HashMap<Family, String>,
    /// Checks officers' tokens as the gateway's JWT authorizer does.
    verifier: Arc<OidcVerifier>,
    /// The edge's secret, when the functions admit only requests through the edge.
    edge: Option<Arc<str>>,
}

impl Functions {
    /// The family functions named `MOTCUA_FUNCTION_<FAMILY>` (each required).
    pub fn from_env(
        sdk: &aws_config::SdkConfig,
        verifier: Arc<OidcVerifier>,
        edge: Option<Arc<str>>,
    ) -> Result<Self, String> {
        let mut names = HashMap::new();
        for family in Family::ALL {
            let variable = format!("MOTCUA_FUNCTION_{}", family.name().to_uppercase());
            let name = crate::external::read(&variable)
                .ok_or(format!("{variable} must name the {} function", family.name()))?;
            names.insert(family, name);
        }
        Ok(Self { client: aws_sdk_lambda::Client::new(sdk), names, verifier, edge })
    }

    /// `request` answered by the function serving its route, as API Gateway would answer it.
    pub async fn call(&self, request: Request<Body>, origin: Option<Origin>) -> Response {
        let claims = |token: &str| self.verifier.claims(token).ok();
        let (family, event) = match event_of(request, origin.as_ref(), self.edge.as_deref(), claims).await {
            Ok(found) => found,
            Err(refused) => return refused,
        };
        let function = &self.names[&family];
        let invoked = self
            .client
            .invoke()
            .function_name(function)
            .payload(aws_sdk_lambda::primitives::Blob::new(event.to_string()))
            .send()
            .await;
        match invoked {
            Ok(output) if output.function_error().is_none() => {
                let payload = output.payload().map(|p| p.as_ref()).unwrap_or_default();
                response_of(payload).unwrap_or_else(|| {
                    tracing::error!(family = family.name(), "web pages: a function's answer is not an HTTP answer");
                    unavailable(StatusCode::BAD_GATEWAY)
                })
            }
            Ok(output) => {
                tracing::error!(family = family.name(), error = ?output.function_error(), "web pages: the function failed");
                unavailable(StatusCode::BAD_GATEWAY)
            }
            Err(e) => {
                let e = aws_sdk_lambda::error::DisplayErrorContext(e);
                tracing::error!(family = family.name(), error = %e, "web pages: cannot invoke the function");
                unavailable(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }
}

/// The family serving `request`'s route and the event API Gateway would hand its function:
/// the request's headers (the edge's added when there is an edge), its body base64-encoded, the
/// browser's request context with this route's key, and the officer's claims when `claims`
/// accepts their token. A route no function serves, a body over [`MOST`] or a refused token
/// is answered here, as the gateway would answer it.
async fn event_of(
    request: Request<Body>,
    origin: Option<&Origin>,
    edge: Option<&str>,
    claims: impl Fn(&str) -> Option<HashMap<String, String>>,
) -> Result<(Family, Value), Response> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let Some((family, route)) = crate::routes::owners::owner_of(&parts.method, &path) else {
        return Err(answer(StatusCode::NOT_FOUND, refusal("not_found", "không có địa chỉ này / no such route")));
    };
    let Ok(body) = axum::body::to_bytes(body, MOST).await else {
        return Err(axum::response::IntoResponse::into_response(crate::extract::too_large()));
    };
    let mut headers = Map::new();
    for (name, value) in &parts.headers {
        let Ok(value) = value.to_str() else { continue };
        match headers.get_mut(name.as_str()) {
            // Repeated headers reach a function joined by commas, as API Gateway joins them.
            Some(Value::String(joined)) => *joined = format!("{joined},{value}"),
            _ => _ = headers.insert(name.as_str().to_owned(), json!(value)),
        }
    }
    if let Some(secret) = edge {
        headers.insert(crate::edge::HEADER.to_owned(), json!(secret));
    }
    let mut context = context_of(origin);
    context["routeKey"] = json!(format!("{} {route}", parts.method));
    context["http"]["method"] = json!(parts.method.as_str());
    context["http"]["path"] = json!(path);
    context["authorizer"] = Value::Null;
    if let Some(token) = bearer(&parts.headers) {
        match claims(token) {
            Some(claims) => context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}}),
            // The gateway answers a refused token itself.
            None => return Err(answer(StatusCode::UNAUTHORIZED, json!({"message": "Unauthorized"}))),
        }
    }
    let event = json!({
        "version": "2.0",
        "routeKey": context["routeKey"],
        "rawPath": path,
        "rawQueryString": parts.uri.query().unwrap_or_default(),
        "headers": headers,
        "requestContext": context,
        "body": base64::engine::general_purpose::STANDARD.encode(&body),
        "isBase64Encoded": true,
    });
    Ok((family, event))
}

/// The officer's token in `Authorization: Bearer …`.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim).filter(|t| !t.is_empty())
}

/// The browser's request context (API Gateway's, as the pages' function received it), to be
/// handed on: the address the per-client limits count stays the browser's.
fn context_of(origin: Option<&Origin>) -> Value {
    let context = origin.and_then(|o| match o.context.as_ref()? {
        lambda_http::request::RequestContext::ApiGatewayV2(c) => serde_json::to_value(c).ok(),
        _ => None,
    });
    context.unwrap_or_else(|| {
        json!({"accountId": "", "apiId": "", "domainName": "", "domainPrefix": "", "stage": "$default",
               "requestId": "", "time": "", "timeEpoch": 0,
               "http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "", "userAgent": ""}})
    })
}

/// A function's answer (API Gateway's payload format 2.0) as a response.
fn response_of(payload: &[u8]) -> Option<Response> {
    let answer: Value = serde_json::from_slice(payload).ok()?;
    let status = StatusCode::from_u16(u16::try_from(answer["statusCode"].as_u64()?).ok()?).ok()?;
    let text = answer["body"].as_str().unwrap_or_default();
    let body = if answer["isBase64Encoded"] == true {
        base64::engine::general_purpose::STANDARD.decode(text).ok()?
    } else {
        text.as_bytes().to_vec()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (name, value) in answer["headers"].as_object().into_iter().flatten() {
        if let (Ok(name), Some(Ok(value))) =
            (HeaderName::try_from(name.as_str()), value.as_str().map(HeaderValue::from_str))
        {
            response.headers_mut().append(name, value);
        }
    }
    for cookie in answer["cookies"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(axum::http::header::SET_COOKIE, value);
        }
    }
    Some(response)
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn unavailable(status: StatusCode) -> Response {
    answer(
        status,
        refusal("unavailable", "dịch vụ tạm thời không phục vụ được / the service is unavailable, try again"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_functions_answer_becomes_the_response() {
        let payload = json!({"statusCode": 201, "headers": {"content-type": "application/json", "location": "/v1/x"},
                             "body": "eyJvayI6dHJ1ZX0=", "isBase64Encoded": true, "cookies": ["a=b"]});
        let response = response_of(payload.to_string().as_bytes()).unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["location"], "/v1/x");
        assert_eq!(response.headers()["set-cookie"], "a=b");
        let plain = json!({"statusCode": 404, "body": "{\"error\":{}}"});
        assert_eq!(response_of(plain.to_string().as_bytes()).unwrap().status(), StatusCode::NOT_FOUND);
        assert!(response_of(b"{\"errorMessage\": \"boom\"}").is_none(), "a failure is not an answer");
    }

    fn request(method: &str, path: &str, token: Option<&str>, body: Vec<u8>) -> Request<Body> {
        let mut request = Request::builder().method(method).uri(path).header("content-type", "application/json");
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        request.body(Body::from(body)).unwrap()
    }

    fn officer(token: &str) -> Option<HashMap<String, String>> {
        (token == "good").then(|| HashMap::from([("username".to_owned(), "nhatrang.motcua".to_owned())]))
    }

    #[tokio::test]
    async fn a_call_becomes_the_event_the_gateway_would_hand_its_function() {
        let origin = Origin {
            context: serde_json::from_value(json!({"accountId": "1", "apiId": "a", "domainName": "d", "domainPrefix": "d",
                "http": {"method": "GET", "path": "/officer/x", "protocol": "HTTP/1.1", "sourceIp": "198.51.100.7", "userAgent": "phone"},
                "requestId": "r", "routeKey": "GET /officer/{page+}", "stage": "$default", "time": "t", "timeEpoch": 1}))
            .map(lambda_http::request::RequestContext::ApiGatewayV2)
            .ok(),
            ..Origin::default()
        };
        assert!(origin.context.is_some());
        let call = request("POST", "/v1/dossiers/000.00.31.H56-261203-0001/receive?x=1", Some("good"), b"{}".to_vec());
        let (family, event) = event_of(call, Some(&origin), Some("edge-secret"), officer).await.unwrap();
        assert_eq!(family, Family::Receive);
        assert_eq!(event["routeKey"], "POST /v1/dossiers/{code}/receive");
        assert_eq!(event["rawPath"], "/v1/dossiers/000.00.31.H56-261203-0001/receive");
        assert_eq!(event["rawQueryString"], "x=1");
        assert_eq!(event["body"], "e30=");
        assert_eq!(event["headers"]["x-motcua-edge"], "edge-secret");
        let context = &event["requestContext"];
        assert_eq!(context["http"]["sourceIp"], "198.51.100.7", "the browser's address, for the limits");
        assert_eq!(
            (context["http"]["method"].as_str(), context["http"]["path"].as_str()),
            (Some("POST"), event["rawPath"].as_str())
        );
        assert_eq!(context["authorizer"]["jwt"]["claims"]["username"], "nhatrang.motcua");

        let anonymous = request("GET", "/v1/procedures/1.001193", None, vec![]);
        let (family, event) = event_of(anonymous, None, None, officer).await.unwrap();
        assert_eq!(family, Family::Query);
        assert!(event["requestContext"]["authorizer"].is_null() && event["headers"].get("x-motcua-edge").is_none());
    }

    #[tokio::test]
    async fn what_the_gateway_refuses_is_refused_before_any_function() {
        let status = |call| async { event_of(call, None, None, officer).await.err().map(|r| r.status()) };
        assert_eq!(
            status(request("GET", "/v1/officer/dossiers", Some("forged"), vec![])).await,
            Some(StatusCode::UNAUTHORIZED)
        );
        assert_eq!(status(request("GET", "/v1/nowhere", None, vec![])).await, Some(StatusCode::NOT_FOUND));
        let big = request("POST", "/v1/admin/catalogue/import", Some("good"), vec![b'x'; MOST + 1]);
        assert_eq!(status(big).await, Some(StatusCode::PAYLOAD_TOO_LARGE), "never an empty body in its place");
        let most = request("POST", "/v1/admin/catalogue/import", Some("good"), vec![b'x'; MOST]);
        assert_eq!(status(most).await, None);
    }

    #[test]
    fn only_a_bearer_token_is_taken() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert("authorization", HeaderValue::from_static("Bearer abc.def.ghi"));
        assert_eq!(bearer(&headers), Some("abc.def.ghi"));
    }
}
