//! How a family's routes are collected, chosen at compile time: described
//! ([`OpenApiRouter`]: the server, `motcua openapi` and the tests, which build the OpenAPI
//! document from the routes) or bare ([`Bare`]: a Lambda, which serves the document generated
//! at check time, `functions/openapi.json`, and so links none of the code that describes
//! operations and schemas). Each route module's `router` is generic over the set; only the
//! described set ever calls a route's description, so a bare build never instantiates it.

use axum::handler::Handler;
use axum::routing::MethodRouter;
use utoipa::__dev::{SchemaReferences, Tags};
use utoipa::openapi::path::Paths;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::PathItemExt;

use crate::state::AppState;

/// The schemas an operation refers to, as utoipa collects them.
pub type Schemas = Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>;

/// A Lambda's routes: handlers only.
pub type Bare = axum::Router<AppState>;

/// Routes being collected.
pub trait RouteSet: Sized {
    fn empty() -> Self;
    /// `handler`, declared with `#[utoipa::path]`, whose generated type `__path_<handler>` is `P`.
    fn route<P, H, T>(self, handler: H) -> Self
    where
        P: utoipa::Path + SchemaReferences + Tags<'static>,
        H: Handler<T, AppState>,
        T: 'static;
    /// `method` at `path`; `describe` gives its schemas and path item, asked only when described.
    fn described<D>(self, path: &str, method: MethodRouter<AppState>, describe: D) -> Self
    where
        D: FnOnce() -> (Schemas, Paths);
    fn merge(self, other: Self) -> Self;
}

fn method_router<H, T>(methods: &[utoipa::openapi::HttpMethod], handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    methods.iter().fold(MethodRouter::new(), |router, m| router.on(m.to_method_filter(), handler.clone()))
}

impl RouteSet for OpenApiRouter<AppState> {
    fn empty() -> Self {
        OpenApiRouter::new()
    }

    /// As `utoipa_axum::routes!` does it: the operation with its tags, the schemas it names.
    fn route<P, H, T>(self, handler: H) -> Self
    where
        P: utoipa::Path + SchemaReferences + Tags<'static>,
        H: Handler<T, AppState>,
        T: 'static,
    {
        let mut schemas = Schemas::new();
        P::schemas(&mut schemas);
        let mut operation = P::operation();
        let tags = <P as Tags>::tags();
        if !tags.is_empty() {
            operation.tags.get_or_insert(Vec::new()).extend(tags.iter().map(ToString::to_string));
        }
        let methods = P::methods();
        let router = method_router(&methods, handler);
        let mut paths = Paths::new();
        paths.add_path_operation(P::path(), methods, operation);
        self.routes((schemas, paths, router))
    }

    fn described<D>(self, _path: &str, method: MethodRouter<AppState>, describe: D) -> Self
    where
        D: FnOnce() -> (Schemas, Paths),
    {
        let (schemas, paths) = describe();
        self.routes((schemas, paths, method))
    }

    fn merge(self, other: Self) -> Self {
        OpenApiRouter::merge(self, other)
    }
}

impl RouteSet for Bare {
    fn empty() -> Self {
        axum::Router::new()
    }

    fn route<P, H, T>(self, handler: H) -> Self
    where
        P: utoipa::Path + SchemaReferences + Tags<'static>,
        H: Handler<T, AppState>,
        T: 'static,
    {
        axum::Router::route(self, &P::path(), method_router(&P::methods(), handler))
    }

    fn described<D>(self, path: &str, method: MethodRouter<AppState>, _describe: D) -> Self
    where
        D: FnOnce() -> (Schemas, Paths),
    {
        axum::Router::route(self, path, method)
    }

    fn merge(self, other: Self) -> Self {
        axum::Router::merge(self, other)
    }
}
