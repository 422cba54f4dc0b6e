//! The pages' stylesheet, script and icon, compiled into the binary and served under names that
//! carry a hash of their content (`/assets/site.<hash>.css`), so a browser may keep them a
//! year and a new release is fetched at once.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("site.css");
const JS: &str = include_str!("site.js");
const ICON: &str = include_str!("icon.svg");

struct Asset {
    name: String,
    body: &'static str,
    kind: &'static str,
}

fn named(stem: &str, extension: &str, body: &'static str, kind: &'static str) -> Asset {
    let hash = motcua_domain::mac::hex(&Sha256::digest(body.as_bytes())[..6]);
    Asset { name: format!("{stem}.{hash}.{extension}"), body, kind }
}

fn all() -> &'static [Asset; 3] {
    static ASSETS: OnceLock<[Asset; 3]> = OnceLock::new();
    ASSETS.get_or_init(|| {
        [
            named("site", "css", CSS, "text/css; charset=utf-8"),
            named("site", "js", JS, "text/javascript; charset=utf-8"),
            named("icon", "svg", ICON, "image/svg+xml"),
        ]
    })
}

/// The stylesheet's path.
pub fn css() -> String {
    format!("/assets/{}", all()[0].name)
}

/// The script's path.
pub fn js() -> String {
    format!("/assets/{}", all()[1].name)
}

/// The icon's path.
pub fn icon() -> String {
    format!("/assets/{}", all()[2].name)
}

/// `GET /favicon.ico`, which browsers ask for whatever a page links: the icon.
pub async fn favicon() -> axum::response::Redirect {
    axum::response::Redirect::permanent(&icon())
}

/// `GET /assets/{name}`: an asset by its hashed name, cached for a year; anything else 404.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(asset) = all().iter().find(|a| a.name == name) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let mut response = asset.body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    response
}

/// The bytes of every asset a page loads, for the page-weight budget.
pub fn weight() -> usize {
    CSS.len() + JS.len() + ICON.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assets_name_changes_with_its_content() {
        assert!(css().starts_with("/assets/site.") && css().ends_with(".css"));
        assert_ne!(named("site", "css", "a{}", "").name, named("site", "css", "b{}", "").name);
        assert!(weight() < 16 * 1024, "the stylesheet and script stay small");
    }
}
