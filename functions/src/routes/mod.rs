//! HTTP routers, one per action family, and the whole API assembled on one port with the
//! conventions of API.md: error shape, body limits, no 500 for anything a client sends.

mod actions;
pub mod admin;
pub mod archive;
pub mod axis;
pub mod bodies;
pub mod catalogue;
mod doc;
pub mod files;
pub mod forms;
pub mod ops;
pub mod owners;
pub mod payments;
pub mod portal;
pub mod postal;
pub mod privacy;
pub mod query;
pub mod receive;
pub mod reports;
pub mod search;
pub mod set;
pub mod stats;
pub mod stored;
pub mod submit;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use self::set::{Bare, RouteSet};
use crate::error::ApiError;
use crate::state::AppState;

/// Largest accepted request body. Documents are referenced, not uploaded here.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "motcua HTTP API", version = "1", description = "One-stop electronic administrative procedures (hệ thống một cửa điện tử)."),
    modifiers(&BearerScheme),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

pub use motcua_domain::lifecycle::Family;

/// The routes `family` serves, as a constructor a Lambda binary evaluates at compile time
/// (`const { routes_of::<Bare>(FAMILY) }`), so each binary names only its own family's
/// constructor, and collects them bare (no descriptions linked, see [`set`]).
pub const fn routes_of<R: RouteSet>(family: Family) -> fn() -> R {
    match family {
        Family::Submit => submit::router::<R>,
        Family::Receive => receive::router::<R>,
        Family::Assign => actions::of::<{ Family::Assign as u8 }, R>,
        Family::Approve => approve_and_post::<R>,
        Family::Rate => actions::of::<{ Family::Rate as u8 }, R>,
        Family::Query => query_and_ops::<R>,
        Family::Admin => admin_and_portal::<R>,
        Family::Reports => reports::router::<R>,
    }
}

/// The approve family: the actions that approve and return a result, and posting it through the
/// postal operator.
pub fn approve_and_post<R: RouteSet>() -> R {
    actions::of::<{ Family::Approve as u8 }, R>().merge(postal::officer_router::<R>())
}

/// The admin family: the catalogue (one record at a time, and as a file), the national
/// portal's sync, what is held about a person, and the document axis.
pub fn admin_and_portal<R: RouteSet>() -> R {
    admin::router::<R>()
        .merge(catalogue::router::<R>())
        .merge(portal::router::<R>())
        .merge(privacy::router::<R>())
        .merge(axis::router::<R>())
}

/// The query family: lookups, queues, search and catalogue reads, with the operations routes.
pub fn query_and_ops<R: RouteSet>() -> R {
    query::router::<R>().merge(search::router::<R>()).merge(ops::router::<R>())
}

/// `family`'s routes with the API's description.
pub fn router_of(family: Family) -> OpenApiRouter<AppState> {
    framed(routes_of::<OpenApiRouter<AppState>>(family)())
}

/// One family alone, with the API's conventions, as one Lambda serves it: `routes` is the
/// family's own constructor ([`routes_of`] evaluated at compile time in its binary).
pub fn family_app(routes: fn() -> Bare, state: AppState) -> Router {
    finish(routes(), Router::new(), state)
}

fn framed(routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).merge(routes)
}

/// Every family's routes with their OpenAPI description.
pub fn families() -> OpenApiRouter<AppState> {
    Family::ALL.iter().fold(OpenApiRouter::with_openapi(ApiDoc::openapi()), |all, f| all.merge(router_of(*f)))
}

/// The OpenAPI document as served at `/v1/openapi.json`: generated from the routes when the
/// crate was last checked (`functions/openapi.json`, kept equal to [`openapi`] by a test), so
/// that the query Lambda need not link every family's handlers to describe them.
pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

/// [`openapi`] as the text `functions/openapi.json` holds.
pub fn openapi_text() -> String {
    serde_json::to_string_pretty(openapi()).unwrap_or_default()
}

/// The OpenAPI document generated from the routes, built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = families().split_for_parts().1;
        doc::document_common_errors(&mut doc);
        doc
    })
}

async fn not_found() -> Response {
    ApiError::not_found("route_not_found", "không có đường dẫn này / no such route").into_response()
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lỗi hệ thống / internal error").into_response()
}

/// Turns axum's own plain-text rejections (405, 413 from the limit layer, 400 for a path that is
/// not text) into the error shape, and tells browsers never to sniff a type on any answer.
async fn error_shape(response: Response) -> Response {
    let mut response = json_errors(response);
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json || !status.is_client_error() {
        return response;
    }
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "phương thức không được hỗ trợ / method not allowed")
                .into_response()
        }
        StatusCode::PAYLOAD_TOO_LARGE => crate::extract::too_large().into_response(),
        StatusCode::BAD_REQUEST => {
            ApiError::bad_request("invalid_path", "đường dẫn không đọc được / the path cannot be read").into_response()
        }
        _ => ApiError::new(status, "invalid_request", "yêu cầu không hợp lệ / the request cannot be served")
            .into_response(),
    }
}

/// The whole API on one router, for `motcua serve` and the tests.
pub fn app(state: AppState) -> Router {
    finish(families().split_for_parts().0, files::local_router(), state)
}

/// Routes with the API's conventions: JSON 404 and 405, body limit, panics as JSON 500;
/// `local`: routes only the one-machine home serves (outside the OpenAPI document).
fn finish(routes: Router<AppState>, local: Router<AppState>, state: AppState) -> Router {
    routes
        .merge(local)
        .fallback(not_found)
        .with_state(state)
        .layer(axum::middleware::map_response(error_shape))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
}
