//! The web pages in process (the browser tests, tests/browser.rs, drive them in Chromium): the
//! headers every page carries, form tokens, the sign-in's lock after repeated failures, and
//! where a sign-in may send the officer back to.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use motcua_functions::server::Home;
use tower::ServiceExt;

struct Pages {
    app: axum::Router,
    home: Home,
    _dir: tempfile::TempDir,
}

async fn pages() -> Pages {
    let dir = tempfile::tempdir().unwrap();
    let home = Home::open(dir.path()).await.unwrap();
    let app = motcua_functions::web::router(Arc::new(home.web(true)));
    Pages { app, home, _dir: dir }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Pages {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, path: &str, cookie: &str) -> Answer {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, cookie: &str, form: &str) -> Answer {
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// A browser's form cookie and the token its forms carry.
    async fn browser(&self) -> (String, String) {
        let page = self.get("/officer/sign-in", "").await;
        let set = page.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        let cookie = set.split(';').next().unwrap().to_owned();
        let token =
            page.body.split("name=\"form_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        (cookie, token)
    }
}

#[tokio::test]
async fn every_page_and_asset_carries_the_security_headers() {
    let pages = pages().await;
    let home = pages.get("/", "").await;
    assert_eq!(home.status, StatusCode::OK);
    let csp = home.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"));
    assert_eq!(home.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(home.headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(home.headers[header::CACHE_CONTROL], "no-store");
    assert!(!home.body.contains("<script>") && !home.body.contains("style="), "no inline script or style");
    let css = motcua_functions::web::assets::css();
    assert!(home.body.contains(&css));
    let asset = pages.get(&css, "").await;
    assert_eq!(asset.status, StatusCode::OK);
    assert!(asset.headers[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
    assert_eq!(asset.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(pages.get("/assets/site.0000.css", "").await.status, StatusCode::NOT_FOUND);
    let missing = pages.get("/procedures/9.999999", "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.headers.contains_key(header::CONTENT_SECURITY_POLICY));
}

#[tokio::test]
async fn a_form_without_this_browsers_token_changes_nothing() {
    let pages = pages().await;
    let (cookie, token) = pages.browser().await;
    let form = "officer=tuphap.motcua&password=motcua-demo";
    assert_eq!(
        pages.post("/officer/sign-in", "", &format!("{form}&form_token={token}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        pages.post("/officer/sign-in", &cookie, &format!("{form}&form_token=forged")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(pages.post("/officer/sign-in", &cookie, form).await.status, StatusCode::FORBIDDEN);
    let signed = pages.post("/officer/sign-in", &cookie, &format!("{form}&form_token={token}")).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let session = signed.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        session.starts_with("motcua_session=") && session.contains("HttpOnly") && session.contains("SameSite=Strict")
    );
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_even_against_the_right_one() {
    let pages = pages().await;
    let (cookie, token) = pages.browser().await;
    let attempt = |password: &str| format!("officer=tuphap.motcua&password={password}&form_token={token}");
    for _ in 0..motcua_domain::signin::FREE_FAILURES - 1 {
        let wrong = pages.post("/officer/sign-in", &cookie, &attempt("wrong-password")).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert!(wrong.body.contains("Sai mã cán bộ hoặc mật khẩu"));
    }
    let locking = pages.post("/officer/sign-in", &cookie, &attempt("wrong-password")).await;
    assert_eq!(locking.status, StatusCode::TOO_MANY_REQUESTS, "the fifth locks a minute");
    let locked = pages.post("/officer/sign-in", &cookie, &attempt("motcua-demo")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "the right password waits too");
    assert!(locked.body.contains("tạm khóa"), "the officer is told");
    assert!(
        !locked.headers.contains_key(header::SET_COOKIE)
            || !locked.headers[header::SET_COOKIE].to_str().unwrap().contains("motcua_session")
    );
    // Another officer is not affected; an unknown one is refused like a wrong password.
    let other = format!("officer=tuphap.lanhdao&password=motcua-demo&form_token={token}");
    assert_eq!(pages.post("/officer/sign-in", &cookie, &other).await.status, StatusCode::SEE_OTHER);
    let unknown = format!("officer=no.such&password=motcua-demo&form_token={token}");
    assert_eq!(pages.post("/officer/sign-in", &cookie, &unknown).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_sign_in_goes_back_only_to_the_console() {
    let pages = pages().await;
    let (cookie, token) = pages.browser().await;
    for (next, to) in [
        ("/officer/dossiers/x", "/officer/dossiers/x"),
        ("https://evil.example/officer", "/officer"),
        ("//evil.example/officer", "/officer"),
        ("/officer//evil.example", "/officer"),
        ("/lookup", "/officer"),
    ] {
        let form = format!(
            "officer=tuphap.motcua&password=motcua-demo&form_token={token}&next={}",
            motcua_functions_encode(next)
        );
        let signed = pages.post("/officer/sign-in", &cookie, &form).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(signed.headers[header::LOCATION], to, "{next}");
    }
    assert_eq!(pages.get("/officer", "").await.headers[header::LOCATION], "/officer/sign-in?next=%2Fofficer");
}

/// A browser that keeps its session but has lost its form cookie (it expired, or was cleared)
/// gets a new one with the page, and the page's forms carry that cookie's token: every form of
/// the dossier page and its header agree.
#[tokio::test]
async fn a_page_drawn_for_a_browser_without_a_form_cookie_has_forms_that_work() {
    let pages = pages().await;
    let (cookie, token) = pages.browser().await;
    let signed = pages
        .post("/officer/sign-in", &cookie, &format!("officer=nhatrang.motcua&password=motcua-demo&form_token={token}"))
        .await;
    let session = signed.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let desk = pages.home.token("nhatrang.motcua", 1).await.unwrap();
    let api = motcua_functions::routes::app(pages.home.state());
    let filing = serde_json::json!({"procedure_code": "1.001193", "channel": "direct",
        "applicant": {"kind": "citizen", "name": "Trần Văn Bình", "citizen_id": "079203001111", "phone": "0987654321"},
        "documents": [{"component": "Tờ khai đăng ký khai sinh", "file_name": "a.pdf"},
                      {"component": "Giấy chứng sinh", "file_name": "b.pdf"}]});
    let request = Request::post("/v1/counter/dossiers")
        .header(header::AUTHORIZATION, format!("Bearer {desk}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(filing.to_string()))
        .unwrap();
    let created = api.oneshot(request).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: serde_json::Value =
        serde_json::from_slice(&axum::body::to_bytes(created.into_body(), 1 << 20).await.unwrap()).unwrap();
    let code = created["code"].as_str().unwrap();
    let page = pages.get(&format!("/officer/dossiers/{code}"), &session).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let new_cookie = page.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let tokens: std::collections::BTreeSet<&str> =
        page.body.split("name=\"form_token\" value=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).collect();
    assert_eq!(tokens.len(), 1, "one token on the whole page: {tokens:?}");
    let token = tokens.into_iter().next().unwrap();
    let asked = pages
        .post(
            &format!("/officer/dossiers/{code}/request-supplement"),
            &format!("{session}; {new_cookie}"),
            &format!("form_token={token}&reason=Thieu&missing=Giay+chung+sinh"),
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
}

fn motcua_functions_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
