//! The web pages in process (the browser tests, tests/browser.rs, drive them in Chromium): the
//! headers every page carries, form tokens, the sign-in's lock after repeated failures, and
//! where a sign-in may send the officer back to.

mod identity_provider;

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

/// The pages over a new table of moto's DynamoDB, as `motcua serve --store dynamodb` serves them
/// (the sample catalogue and its officers' passwords seeded into the empty table).
async fn pages_on_dynamodb(name: &str) -> Pages {
    let moto = motcua_infra::aws::moto_endpoint();
    let client = aws_sdk_dynamodb::Client::new(&motcua_infra::aws::local_config(&moto));
    let table = motcua_infra::aws::unique_table(name);
    let store = motcua_infra::dynamo::create_table(&client, &table).await.unwrap().counting_inline();
    let dir = tempfile::tempdir().unwrap();
    let stores = motcua_functions::server::Stores::of(store, None);
    let home = Home::open_on(dir.path(), stores).await.unwrap();
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

/// A `multipart/form-data` body: text fields, then files (field, name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----motcua-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, file, bytes) in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl Pages {
    async fn post_files(&self, path: &str, cookie: &str, (kind, body): (String, Vec<u8>)) -> Answer {
        let request = Request::post(path)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, kind)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    async fn send_raw(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        (parts.status, parts.headers, axum::body::to_bytes(body, 8 << 20).await.unwrap().to_vec())
    }

    /// `officer` signed in: the cookies their browser sends, and its form token.
    async fn signed_in(&self, officer: &str) -> (String, String) {
        let (cookie, token) = self.browser().await;
        let form = format!("officer={officer}&password=motcua-demo&form_token={token}");
        let signed = self.post("/officer/sign-in", &cookie, &form).await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{officer}");
        let session = signed.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        (format!("{cookie}; {session}"), token)
    }

    /// The API called as `officer`.
    async fn api_as(&self, officer: &str, path: &str, body: serde_json::Value) -> StatusCode {
        let token = self.home.token(officer, 1).await.unwrap();
        let request = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        motcua_functions::routes::app(self.home.state()).oneshot(request).await.unwrap().status()
    }
}

/// The first value of `name="…" value="…"` in `html`.
fn hidden(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap().split('"').next().unwrap().to_owned()
}

/// The text of the element with `id`.
fn shown(html: &str, id: &str) -> String {
    let rest = html.split(&format!("id=\"{id}\"")).nth(1).unwrap();
    rest.split_once('>').unwrap().1.split('<').next().unwrap().to_owned()
}

/// The desk receives at the counter with a phone's photo of one paper (the other handed over on
/// paper): a form sent twice receives once; the officer opens the scan; the applicant, with
/// the code and secret, downloads it, sends the papers asked for and withdraws; a second
/// dossier is approved with its signed result file, which the applicant downloads once it is
/// returned.
#[tokio::test]
async fn the_desk_receives_with_scans_and_the_applicant_supplements_downloads_and_withdraws() {
    use motcua_domain::documents::kind::samples;
    let pages = pages().await;
    let (desk, token) = pages.signed_in("nhatrang.motcua").await;
    let choose = pages.get("/officer/counter", &desk).await;
    assert!(choose.body.contains("/officer/counter/1.001193"), "{}", choose.body);
    let form = pages.get("/officer/counter/1.001193", &desk).await;
    assert!(form.body.contains("capture=\"environment\""), "the camera is offered: {}", form.body);
    let attempt = hidden(&form.body, "attempt");
    let photo = samples::png();
    let receive = |complete: &'static str, photo: Vec<u8>, attempt: String| {
        let fields = vec![
            ("form_token", token.clone()),
            ("attempt", attempt),
            ("channel", "direct".to_owned()),
            ("kind", "citizen".to_owned()),
            ("name", "Lê Thị Hoa".to_owned()),
            ("citizen_id", "079203002222".to_owned()),
            ("phone", "0987000111".to_owned()),
            ("paper-0", "1".to_owned()),
            ("complete", complete.to_owned()),
        ];
        (fields, photo)
    };
    // A required paper neither ticked nor photographed is named, and nothing is filed.
    let (fields, _) = receive("yes", vec![], attempt.clone());
    let fields: Vec<(&str, &str)> =
        fields.iter().filter(|(k, _)| *k != "paper-0").map(|(k, v)| (*k, v.as_str())).collect();
    let missing = pages.post_files("/officer/counter/1.001193", &desk, multipart(&fields, &[])).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("href=\"#paper-0\""), "{}", missing.body);
    let (fields, photo) = receive("yes", photo.clone(), attempt.clone());
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let received = pages
        .post_files("/officer/counter/1.001193", &desk, multipart(&fields, &[("doc-1", "chung-sinh.png", &photo)]))
        .await;
    assert_eq!(received.status, StatusCode::CREATED, "{}", received.body);
    assert!(received.body.contains("counter-code"), "{}", received.body);

    let code = shown(&received.body, "counter-code");
    let secret = shown(&received.body, "counter-secret");
    assert!(received.body.contains(&format!("/officer/dossiers/{code}/forms/receipt")));
    let again = pages
        .post_files("/officer/counter/1.001193", &desk, multipart(&fields, &[("doc-1", "chung-sinh.png", &photo)]))
        .await;
    assert!(again.body.contains("counter-code"), "{}", again.body);
    assert_eq!(shown(&again.body, "counter-code"), code, "a form sent twice receives once");

    // The officer opens the scan from the dossier page.
    let dossier = pages.get(&format!("/officer/dossiers/{code}"), &desk).await;
    let link = format!("/officer/dossiers/{code}/files/");
    let id = dossier.body.split(&link).nth(1).expect("a link to the scan").split('"').next().unwrap().to_owned();
    assert!(dossier.body.contains("Bản giấy"), "the paper handed over is recorded by name");
    let scan = Request::get(format!("{link}{id}")).header(header::COOKIE, &desk).body(Body::empty()).unwrap();
    let (status, headers, bytes) = pages.send_raw(scan).await;
    assert_eq!((status, bytes == photo), (StatusCode::OK, true), "{headers:?}");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");

    // The applicant downloads it with the code and secret, and not without the secret.
    let (citizen, ctoken) = pages.browser().await;
    let proof = format!("form_token={ctoken}&code={code}&secret={secret}");
    let looked = pages.post("/lookup", &citizen, &proof).await;
    assert!(looked.body.contains(&format!("/lookup/files/{id}")), "{}", looked.body);
    assert!(looked.body.contains("action=\"/lookup/withdraw\""), "withdrawing is offered while it is processed");
    let own = Request::post(format!("/lookup/files/{id}"))
        .header(header::COOKIE, &citizen)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(proof.clone()))
        .unwrap();
    assert_eq!(pages.send_raw(own).await.2, photo);
    let wrong = pages
        .post(&format!("/lookup/files/{id}"), &citizen, &format!("form_token={ctoken}&code={code}&secret=x"))
        .await;
    assert!(wrong.status.is_client_error() && !wrong.body.contains("PNG"), "{}", wrong.status);

    // The desk asks for papers; the applicant must choose a file, then sends one.
    let asked = pages
        .post(
            &format!("/officer/dossiers/{code}/request-supplement"),
            &desk,
            &format!("form_token={token}&reason=Anh+mo&missing=Giay+chung+sinh"),
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let looked = pages.post("/lookup", &citizen, &proof).await;
    assert!(looked.body.contains("action=\"/lookup/supplement/new\""), "the supplement is offered");
    let sheet = pages.post("/lookup/supplement/new", &citizen, &proof).await;
    assert!(sheet.body.contains("Anh mo") && sheet.body.contains("name=\"doc-1\""), "{}", sheet.body);
    let fields = [("form_token", ctoken.as_str()), ("code", code.as_str()), ("secret", secret.as_str())];
    let none = pages.post_files("/lookup/supplement", &citizen, multipart(&fields, &[])).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pdf = samples::pdf();
    let sent = pages
        .post_files("/lookup/supplement", &citizen, multipart(&fields, &[("doc-1", "chung-sinh.pdf", &pdf)]))
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("Đã gửi giấy tờ bổ sung"), "{}", sent.body);
    let withdrawn = pages.post("/lookup/withdraw", &citizen, &format!("{proof}&reason=Nop+lai+sau")).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert!(withdrawn.body.contains("Đã rút hồ sơ") && !withdrawn.body.contains("action=\"/lookup/withdraw\""));

    // A second dossier, approved from the console with its signed result, then returned.
    let form = pages.get("/officer/counter/1.001193", &desk).await;
    let (fields, photo) = receive("yes", photo.clone(), hidden(&form.body, "attempt"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let received = pages
        .post_files("/officer/counter/1.001193", &desk, multipart(&fields, &[("doc-1", "chung-sinh.png", &photo)]))
        .await;
    let (code, secret) = (shown(&received.body, "counter-code"), shown(&received.body, "counter-secret"));
    let assign = serde_json::json!({"assignee": "nhatrang.chuyenvien"});
    assert!(pages.api_as("nhatrang.lanhdao", &format!("/v1/dossiers/{code}/assign"), assign).await.is_success());
    let forward = serde_json::json!({});
    assert!(pages.api_as("nhatrang.chuyenvien", &format!("/v1/dossiers/{code}/forward"), forward).await.is_success());
    let (leader, ltoken) = pages.signed_in("nhatrang.lanhdao").await;
    let page = pages.get(&format!("/officer/dossiers/{code}"), &leader).await;
    assert!(page.body.contains("enctype=\"multipart/form-data\"") && page.body.contains("approve--result_file"));
    let approve = |name: &'static str| {
        vec![
            ("form_token", ltoken.clone()),
            ("result_name", name.to_owned()),
            ("result_number", "125/2026".to_owned()),
            ("result_signer", "Nguyễn Văn Lãnh".to_owned()),
            ("result_issued_on", "2026-12-02".to_owned()),
        ]
    };
    let unsigned = approve("Giấy khai sinh");
    let no_number: Vec<(&str, &str)> =
        unsigned.iter().filter(|(k, _)| *k != "result_number").map(|(k, v)| (*k, v.as_str())).collect();
    let refused =
        pages.post_files(&format!("/officer/dossiers/{code}/approve"), &leader, multipart(&no_number, &[])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#approve--result_number\""), "{}", refused.body);
    let fields: Vec<(&str, &str)> = unsigned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let approved = pages
        .post_files(
            &format!("/officer/dossiers/{code}/approve"),
            &leader,
            multipart(&fields, &[("approve--result_file", "giay-khai-sinh.pdf", &pdf)]),
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let returned = serde_json::json!({"method": "counter"});
    assert!(pages.api_as("nhatrang.motcua", &format!("/v1/dossiers/{code}/return"), returned).await.is_success());
    let proof = format!("form_token={ctoken}&code={code}&secret={secret}");
    let looked = pages.post("/lookup", &citizen, &proof).await;
    assert!(looked.body.contains("Giấy khai sinh") && looked.body.contains("Tải kết quả"), "{}", looked.body);
    let result_id = looked.body.split("Tải kết quả").next().unwrap().rsplit("/lookup/files/").next().unwrap();
    let result_id = result_id.split('"').next().unwrap();
    let result = Request::post(format!("/lookup/files/{result_id}"))
        .header(header::COOKIE, &citizen)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(proof))
        .unwrap();
    let (status, headers, bytes) = pages.send_raw(result).await;
    assert_eq!((status, bytes == pdf), (StatusCode::OK, true), "{headers:?}");
}

/// The text of the `<textarea id="{id}">`, unescaped.
fn textarea_text(html: &str, id: &str) -> String {
    let rest = html.split(&format!("<textarea id=\"{id}\"")).nth(1).unwrap();
    let text = rest.split_once('>').unwrap().1.split("</textarea>").next().unwrap();
    text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'").replace("&amp;", "&")
}

/// An administrator adds an officer and sets their password (who then signs in with it), sets
/// a year's holidays (a bad line is named and nothing saved), exports the catalogue and checks it
/// back in, and saves a procedure as JSON; someone else is refused; a leader reads the reports
/// and downloads the II.06a workbook.
#[tokio::test]
async fn an_administrator_keeps_officers_holidays_and_the_catalogue_and_a_leader_reads_the_reports() {
    let pages = pages().await;
    let (desk, desk_token) = pages.signed_in("tuphap.motcua").await;
    assert_eq!(pages.get("/officer/admin", &desk).await.status, StatusCode::FORBIDDEN);
    let (admin, token) = pages.signed_in("admin").await;
    let index = pages.get("/officer/admin", &admin).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("/officer/admin/officers") && index.body.contains("/officer/admin/agencies/"));

    let officer = format!(
        "form_token={token}&id=tuphap.chuyenvien9&name=Ph%E1%BA%A1m+V%C4%83n+M%E1%BB%9Bi&agency=000.00.03.H56&roles=specialist"
    );
    let saved = pages.post("/officer/admin/officers", &admin, &officer).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let listed = pages.get("/officer/admin/officers?agency=000.00.03.H56", &admin).await;
    assert!(listed.body.contains("/officer/admin/officers/tuphap.chuyenvien9"), "{}", listed.body);
    let shown = pages.get("/officer/admin/officers/tuphap.chuyenvien9?saved=1", &admin).await;
    assert!(shown.body.contains("Phạm Văn Mới") && shown.body.contains("Đã lưu"), "{}", shown.body);
    let bad_agency = officer.replace("000.00.03.H56", "000.00.99.H56");
    let refused = pages.post("/officer/admin/officers", &admin, &bad_agency).await;
    assert!(refused.status.is_client_error() && refused.body.contains("class=\"summary\""), "{}", refused.status);
    let short = pages
        .post(
            "/officer/admin/officers/tuphap.chuyenvien9/password",
            &admin,
            &format!("form_token={token}&password=short"),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = pages
        .post(
            "/officer/admin/officers/tuphap.chuyenvien9/password",
            &admin,
            &format!("form_token={token}&password=mot-mat-khau-moi"),
        )
        .await;
    assert!(set.body.contains("Đã đặt mật khẩu mới"), "{}", set.body);
    let (cookie, ctoken) = pages.browser().await;
    let signed = pages
        .post(
            "/officer/sign-in",
            &cookie,
            &format!("officer=tuphap.chuyenvien9&password=mot-mat-khau-moi&form_token={ctoken}"),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "the new officer signs in with it");
    let other = pages
        .post(
            "/officer/admin/officers/tuphap.chuyenvien9/password",
            &desk,
            &format!("form_token={desk_token}&password=another-long-password"),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "only an administrator sets passwords");

    let bad = pages
        .post(
            "/officer/admin/holidays?year=2027",
            &admin,
            &format!("form_token={token}&holidays=2027-01-01+T%E1%BA%BFt%0Ahello"),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Dòng 2"), "{}", bad.body);
    let good = pages
        .post(
            "/officer/admin/holidays?year=2027",
            &admin,
            &format!("form_token={token}&holidays=2027-01-01+T%E1%BA%BFt+D%C6%B0%C6%A1ng+l%E1%BB%8Bch%0A2027-09-02+Qu%E1%BB%91c+kh%C3%A1nh"),
        )
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    let year = pages.get("/officer/admin/holidays?year=2027", &admin).await;
    assert_eq!(textarea_text(&year.body, "holidays"), "2027-01-01 Tết Dương lịch\n2027-09-02 Quốc khánh");

    let export =
        Request::get("/officer/admin/catalogue/export").header(header::COOKIE, &admin).body(Body::empty()).unwrap();
    let (status, _, workbook) = pages.send_raw(export).await;
    assert_eq!((status, &workbook[..2]), (StatusCode::OK, &b"PK"[..]), "an XLSX workbook");
    let fields = [("form_token", token.as_str()), ("dry_run", "1")];
    let checked = pages
        .post_files("/officer/admin/catalogue", &admin, multipart(&fields, &[("file", "danh-muc.xlsx", &workbook)]))
        .await;
    assert_eq!(checked.status, StatusCode::OK, "{}", checked.body);
    assert!(
        checked.body.contains("Kết quả kiểm tra (chưa ghi)") && checked.body.contains("0 thêm"),
        "{}",
        checked.body
    );
    let garbage = pages
        .post_files("/officer/admin/catalogue", &admin, multipart(&fields, &[("file", "x.xlsx", b"nonsense")]))
        .await;
    assert!(garbage.status.is_client_error() && garbage.body.contains("class=\"summary\""), "{}", garbage.status);

    let procedure = pages.get("/officer/admin/procedures/1.001193", &admin).await;
    let json = textarea_text(&procedure.body, "json");
    assert!(json.contains("\"code\": \"1.001193\""), "{json}");
    let broken =
        pages.post("/officer/admin/procedures/1.001193", &admin, &format!("form_token={token}&json=%7B")).await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    let again = format!("form_token={token}&json={}", motcua_functions_encode(&json));
    let stored = pages.post("/officer/admin/procedures/1.001193", &admin, &again).await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert!(stored.body.contains("Đã lưu"));

    let (leader, _) = pages.signed_in("nhatrang.lanhdao").await;
    let reports = pages.get("/officer/reports?period=2026-12&group_by=agency", &leader).await;
    assert_eq!(reports.status, StatusCode::OK, "{}", reports.body);
    assert!(
        reports.body.contains("Khối lượng công việc") && reports.body.contains("Tỷ lệ hài lòng"),
        "{}",
        reports.body
    );
    let link = "/officer/reports/dossiers?period=2026-12&amp;group_by=agency&amp;format=xlsx";
    assert!(reports.body.contains(link), "{}", reports.body);
    let file = Request::get(link.replace("&amp;", "&")).header(header::COOKIE, &leader).body(Body::empty()).unwrap();
    let (status, _, bytes) = pages.send_raw(file).await;
    assert_eq!((status, &bytes[..2]), (StatusCode::OK, &b"PK"[..]));
}

/// Officers sign in through an identity provider (authorization code with PKCE): the page
/// sends them there with a challenge and a state kept in a short-lived Lax cookie; the code
/// comes back to the callback, is exchanged once with the verifier, and the ID token becomes
/// the session; a code cannot be used twice, and a state that is not this browser's is refused.
#[tokio::test]
async fn officers_sign_in_through_the_identity_provider_with_pkce() {
    use identity_provider::{IdentityProvider, CLIENT};
    let idp = IdentityProvider::start("localhost");
    let dir = tempfile::tempdir().unwrap();
    let mut home = Home::open(dir.path()).await.unwrap();
    let config = motcua_functions::auth::oidc::OidcConfig {
        issuer: idp.issuer.clone(),
        audience: CLIENT.into(),
        jwks_url: None,
        token_use: Some("id".into()),
        algorithms: vec![jsonwebtoken::Algorithm::RS256],
    };
    let issuer = idp.issuer.clone();
    let (verifier, provider) = tokio::task::spawn_blocking(move || {
        let verifier = motcua_functions::auth::oidc::OidcVerifier::discover(config).unwrap();
        let provider = motcua_functions::web::provider::Provider::discover(&issuer, CLIENT.into(), None, None).unwrap();
        (verifier, provider)
    })
    .await
    .unwrap();
    home.auth = Arc::new(verifier);
    let app = motcua_functions::web::router(Arc::new(home.web(false).signing_in_through(provider)));
    let pages = Pages { app, home, _dir: dir };
    idp.signs_in("nhatrang.motcua", "000.01.31.H56", "reception", "Cán bộ một cửa");

    let page = pages.get("/officer/sign-in?next=/officer/counter", "").await;
    assert!(page.body.contains("/officer/sign-in/start?next=%2Fofficer%2Fcounter"), "{}", page.body);
    let start = |next: &'static str| {
        let request = Request::get(format!("/officer/sign-in/start?next={next}"))
            .header(header::HOST, "127.0.0.1:9")
            .body(Body::empty())
            .unwrap();
        pages.send(request)
    };
    let started = start("%2Fofficer%2Fcounter").await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let flow = started.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(flow.contains("SameSite=Lax") && flow.contains("Path=/officer/callback") && flow.contains("HttpOnly"));
    let flow = flow.split(';').next().unwrap().to_owned();
    let authorize = started.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        authorize.starts_with(&format!("{}/authorize?", idp.issuer))
            && authorize.contains("code_challenge_method=S256")
    );
    assert!(authorize.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fofficer%2Fcallback"), "{authorize}");
    // The browser goes to the provider, which sends it back with a code.
    let back = |authorize: String| async move {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let answer = tokio::task::spawn_blocking(move || agent.get(&authorize).call().unwrap()).await.unwrap();
        let location = answer.header("location").unwrap().to_owned();
        location.strip_prefix("http://127.0.0.1:9").unwrap().to_owned()
    };
    let callback = back(authorize).await;
    let arrive = |path: String, cookie: String| {
        let request = Request::get(path)
            .header(header::HOST, "127.0.0.1:9")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        pages.send(request)
    };
    let signed = arrive(callback.clone(), flow.clone()).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(signed.headers[header::REFRESH], "0; url=/officer/counter", "the page moves on from this site");
    let cookies: Vec<&str> = signed.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    let session = cookies.iter().find(|c| c.starts_with("motcua_session=")).expect("a session").to_string();
    assert!(session.contains("SameSite=Strict") && session.contains("HttpOnly"), "{session}");
    assert!(cookies.iter().any(|c| c.starts_with("motcua_signin=;") && c.contains("Max-Age=0")), "{cookies:?}");
    let session = session.split(';').next().unwrap().to_owned();
    let queue = pages.get("/officer", &session).await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains("Cán bộ một cửa"), "{}", queue.body);

    // The provider's refresh token is kept beside the session: with the session's ID token gone
    // (Cognito's last an hour) or about to expire, the pages trade it for a new one.
    let refresh = cookies.iter().find(|c| c.starts_with("motcua_refresh=")).expect("a refresh token").to_string();
    assert!(refresh.contains("SameSite=Strict") && refresh.contains("HttpOnly"), "{refresh}");
    let refresh = refresh.split(';').next().unwrap().to_owned();
    let renewed = |answer: &Answer| {
        let set = answer.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned());
        set.filter(|c| c.starts_with("motcua_session=")).map(|c| c.split(';').next().unwrap().to_owned()).next()
    };
    let fresh = pages.get("/officer", &format!("{session}; {refresh}")).await;
    assert_eq!((fresh.status, renewed(&fresh), idp.refreshed()), (StatusCode::OK, None, 0), "an hour left: kept");
    idp.tokens_last(200);
    let expired = pages.get("/officer", &refresh).await;
    assert_eq!(expired.status, StatusCode::OK, "the session is renewed in the same request");
    assert!(expired.body.contains("Cán bộ một cửa"));
    let renewed_session = renewed(&expired).expect("a new session");
    assert_eq!(idp.refreshed(), 1, "from the provider");
    let soon = pages.get("/officer", &format!("{renewed_session}; {refresh}")).await;
    let short = renewed(&soon).expect("a session under five minutes from its end is renewed");
    assert_eq!((soon.status, idp.refreshed()), (StatusCode::OK, 2));
    // Signing out revokes it at the provider and forgets it here.
    let lookup = pages.get("/lookup", "").await;
    let form_cookie = lookup.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let form_token = hidden(&lookup.body, "form_token");
    let out = pages
        .post("/officer/sign-out", &format!("{form_cookie}; {short}; {refresh}"), &format!("form_token={form_token}"))
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let cleared: Vec<&str> = out.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cleared.iter().any(|c| c.starts_with("motcua_refresh=;") && c.contains("Max-Age=0")), "{cleared:?}");
    assert_eq!(idp.revoked(), [refresh.trim_start_matches("motcua_refresh=")]);
    let after = pages.get("/officer", &refresh).await;
    assert_eq!(after.status, StatusCode::SEE_OTHER, "a revoked refresh token opens nothing");
    assert!(after
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("motcua_refresh=;")));
    assert_eq!(idp.refused(), ["unknown or revoked refresh token"]);
    idp.tokens_last(3600);

    // The same code again: the provider refuses it, and no session is made.
    let again = arrive(callback, flow).await;
    assert_eq!(again.status, StatusCode::BAD_GATEWAY);
    assert!(!again
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|c| c.to_str().unwrap().starts_with("motcua_session=")));
    assert_eq!(idp.refused(), ["unknown or revoked refresh token", "unknown or used code"]);
    // A state that is not the one this browser started with.
    let started = start("%2Fofficer").await;
    let flow = started.headers[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let callback = back(started.headers[header::LOCATION].to_str().unwrap().to_owned()).await;
    let forged = callback.split("&state=").next().unwrap().to_owned() + "&state=someone-elses";
    assert_eq!(arrive(forged, flow.clone()).await.status, StatusCode::BAD_REQUEST);
    // Without the flow cookie (a link from elsewhere).
    assert_eq!(arrive(callback, String::new()).await.status, StatusCode::BAD_REQUEST);
}

/// Signing out ends the officer's sessions everywhere: the cookie another browser still holds
/// (or one copied off this one) no longer opens the console, nor the API as a bearer token, nor
/// does a `motcua token` of that officer; signing in again works, and a new password set by an
/// administrator ends the sessions too.
#[tokio::test]
async fn signing_out_ends_the_officers_sessions_everywhere() {
    sessions_end_everywhere(pages().await).await;
}

/// The same with the passwords on DynamoDB (`motcua serve --store dynamodb`).
#[tokio::test]
async fn signing_out_ends_the_officers_sessions_everywhere_on_dynamodb() {
    sessions_end_everywhere(pages_on_dynamodb("web-sessions").await).await;
}

async fn sessions_end_everywhere(pages: Pages) {
    let (phone, phone_token) = pages.signed_in("tuphap.motcua").await;
    let (desktop, _) = pages.signed_in("tuphap.motcua").await;
    let (other, _) = pages.signed_in("tuphap.lanhdao").await;
    let command_line = pages.home.token("tuphap.motcua", 1).await.unwrap();
    let session = |cookies: &str| cookies.split("motcua_session=").nth(1).unwrap().to_owned();
    let api = |token: String| {
        let request = Request::get("/v1/officer/dossiers").header(header::AUTHORIZATION, format!("Bearer {token}"));
        motcua_functions::routes::app(pages.home.state()).oneshot(request.body(Body::empty()).unwrap())
    };
    assert_eq!(api(session(&desktop)).await.unwrap().status(), StatusCode::OK, "the session opens the API");
    assert_eq!(pages.get("/officer", &desktop).await.status, StatusCode::OK);
    let out = pages.post("/officer/sign-out", &phone, &format!("form_token={phone_token}")).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    for (who, cookie) in [("the browser signed out", &phone), ("another browser", &desktop)] {
        let page = pages.get("/officer", cookie).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{who}");
        assert!(page.headers[header::LOCATION].to_str().unwrap().starts_with("/officer/sign-in"), "{who}");
    }
    for (who, token) in [("a copied session", session(&desktop)), ("a command-line token", command_line)] {
        let refused = api(token).await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "{who}");
        let body = axum::body::to_bytes(refused.into_body(), 1 << 16).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("the session was ended"), "{who}");
    }
    assert_eq!(pages.get("/officer", &other).await.status, StatusCode::OK, "another officer is not signed out");
    assert_eq!(api(session(&other)).await.unwrap().status(), StatusCode::OK, "nor is their API session");
    let (again, _) = pages.signed_in("tuphap.motcua").await;
    assert_eq!(api(session(&again)).await.unwrap().status(), StatusCode::OK, "a new session opens the API");
    assert_eq!(pages.get("/officer", &again).await.status, StatusCode::OK, "signing in again, in the same second too");
    pages.home.set_password("tuphap.motcua", "a-brand-new-password").await.unwrap();
    assert_eq!(pages.get("/officer", &again).await.status, StatusCode::SEE_OTHER, "a new password ends the sessions");
}

/// A phone's photo weighs megabytes: the forms with files take them (up to their own limit, far
/// above the text forms' 64 KB), and the file arrives whole.
#[tokio::test]
async fn a_phone_photo_of_a_few_megabytes_goes_through_the_filing_form() {
    use motcua_domain::documents::kind::samples;
    let pages = pages().await;
    let (cookie, _) = pages.browser().await;
    let form = pages.get("/procedures/1.001193/file", &cookie).await;
    let (token, attempt) = (hidden(&form.body, "form_token"), hidden(&form.body, "attempt"));
    let mut photo = samples::png();
    photo.resize(3 << 20, 7);
    let fields = [
        ("form_token", token.as_str()),
        ("attempt", attempt.as_str()),
        ("kind", "citizen"),
        ("name", "Đỗ Văn Ảnh"),
        ("phone", "0987000333"),
    ];
    let files = [("doc-0", "anh-chup.png", photo.as_slice()), ("doc-1", "giay.pdf", &samples::pdf()[..])];
    // Without the citizen's ID the API's refusal lands on that field.
    let refused = pages.post_files("/procedures/1.001193/file", &cookie, multipart(&fields, &files)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("href=\"#citizen_id\""), "{}", refused.body);
    let fields: Vec<(&str, &str)> = fields.iter().copied().chain([("citizen_id", "079203004444")]).collect();
    let filed = pages.post_files("/procedures/1.001193/file", &cookie, multipart(&fields, &files)).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = shown(&filed.body, "filed-code");
    let stored = pages.home.store.dossiers.get(&motcua_domain::codes::DossierCode::parse(&code).unwrap()).await;
    let dossier = stored.unwrap().unwrap().dossier;
    let sizes: Vec<u64> = dossier.documents.iter().filter_map(|d| d.file.as_ref().map(|f| f.size)).collect();
    assert!(sizes.contains(&(3 << 20)), "{sizes:?}");
}

/// Where the script runs, the browser sends a file itself before the form (as on AWS, where the
/// pages could not take more than 6 MB): the pages announce it, the bytes go where the API says,
/// and the form names the upload in place of the file. The announcement needs the browser's
/// form token, and an officer's a session.
#[tokio::test]
async fn a_file_sent_ahead_by_the_script_is_filed_with_the_form() {
    use motcua_domain::documents::{kind::samples, Sha256};
    let mut pages = pages().await;
    // The pages take at most 1 MB of files in a form here (MOTCUA_WEB_FORM_MB=1).
    pages.app = motcua_functions::web::router(Arc::new(pages.home.web(true).with_uploads(1 << 20, None)));
    let (cookie, token) = pages.browser().await;
    let mut photo = samples::png();
    photo.resize(3 << 20, 7);
    let sha256 = Sha256::of(&photo).as_str().to_owned();
    let asked = |token: &str, sender: &str| {
        format!(
            "form_token={token}&sender={sender}&file_name=anh.png&size={}&media_type=image%2Fpng&sha256={sha256}",
            photo.len()
        )
    };
    assert_eq!(pages.post("/uploads", &cookie, &asked("forged", "applicant")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(pages.post("/uploads", &cookie, &asked(&token, "officer")).await.status, StatusCode::UNAUTHORIZED);
    let refused =
        pages.post("/uploads", &cookie, &asked(&token, "applicant").replace("image%2Fpng", "text%2Fhtml")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let announced = pages.post("/uploads", &cookie, &asked(&token, "applicant")).await;
    assert_eq!(announced.status, StatusCode::OK, "{}", announced.body);
    let answer: serde_json::Value = serde_json::from_str(&announced.body).unwrap();
    let (id, target) = (answer["id"].as_str().unwrap(), &answer["upload"]);
    let mut put =
        Request::builder().method(target["method"].as_str().unwrap_or("PUT")).uri(target["url"].as_str().unwrap());
    for (name, value) in target["headers"].as_object().unwrap() {
        put = put.header(name.as_str(), value.as_str().unwrap());
    }
    let sent = motcua_functions::routes::app(pages.home.state()).oneshot(put.body(Body::from(photo.clone())).unwrap());
    assert!(sent.await.unwrap().status().is_success());

    let form = pages.get("/procedures/1.001193/file", &cookie).await;
    assert!(form.body.contains("data-uploads=\"applicant\""));
    let (token, attempt) = (hidden(&form.body, "form_token"), hidden(&form.body, "attempt"));
    let ahead = format!("{id} {sha256}");
    let fields = [
        ("form_token", token.as_str()),
        ("attempt", attempt.as_str()),
        ("kind", "citizen"),
        ("name", "Đỗ Văn Ảnh"),
        ("citizen_id", "079203005555"),
        ("phone", "0987000444"),
        ("doc-0-upload", ahead.as_str()),
    ];
    let files = [("doc-1", "giay.pdf", &samples::pdf()[..])];
    let with_photo = [files[0], ("doc-0", "anh.png", photo.as_slice())];
    let fields_without: Vec<_> = fields.iter().copied().filter(|(k, _)| *k != "doc-0-upload").collect();
    let too_big = pages.post_files("/procedures/1.001193/file", &cookie, multipart(&fields_without, &with_photo)).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE, "the photo is over what the pages take in a form");
    let filed = pages.post_files("/procedures/1.001193/file", &cookie, multipart(&fields, &files)).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = shown(&filed.body, "filed-code");
    let stored = pages.home.store.dossiers.get(&motcua_domain::codes::DossierCode::parse(&code).unwrap()).await;
    let dossier = stored.unwrap().unwrap().dossier;
    let sent: Vec<(u64, String)> = dossier
        .documents
        .iter()
        .filter_map(|d| d.file.as_ref().map(|f| (f.size, f.sha256.as_str().to_owned())))
        .collect();
    assert!(sent.contains(&(3 << 20, sha256)), "{sent:?}");
}

/// A form shown again with errors keeps the files it carried: sent once, named on the page, and
/// filed with the corrected form without being chosen again (a newly chosen one replaces one).
#[tokio::test]
async fn a_form_shown_again_keeps_the_files_already_sent() {
    use motcua_domain::documents::{kind::samples, Sha256};
    let pages = pages().await;
    let (cookie, _) = pages.browser().await;
    let form = pages.get("/procedures/1.001193/file", &cookie).await;
    let (token, attempt) = (hidden(&form.body, "form_token"), hidden(&form.body, "attempt"));
    let (pdf, png) = (samples::pdf(), samples::png());
    let fields = [("form_token", token.as_str()), ("attempt", attempt.as_str()), ("kind", "citizen")];
    let files = [("doc-0", "<đơn & tờ khai> đề nghị.pdf", &pdf[..]), ("doc-1", "giay.png", &png[..])];
    // No name, no phone: the form comes back, its files sent and kept.
    let again = pages.post_files("/procedures/1.001193/file", &cookie, multipart(&fields, &files)).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    assert!(again.body.contains("Nhập họ và tên"));
    assert!(!again.body.contains("<đơn &"), "a file's name is shown as text");
    assert!(again.body.contains("&lt;đơn &amp; tờ khai&gt; đề nghị.pdf"), "{}", again.body);
    assert!(!again.body.contains("hãy chọn lại"), "nobody is asked to choose the files again");
    let kept = |name: &str| unescape(&hidden(&again.body, name));
    let (first, second) = (kept("doc-0-upload"), kept("doc-1-upload"));
    assert!(first.ends_with(" <đơn & tờ khai> đề nghị.pdf") && first.contains(Sha256::of(&pdf).as_str()), "{first}");
    let uploads = pages.home.store.dossiers.clone();
    // Corrected, with a photo chosen again for the second paper: it replaces the kept one.
    let mut other = samples::png();
    other.extend_from_slice(b"another photo");
    let token = hidden(&again.body, "form_token");
    let fields = [
        ("form_token", token.as_str()),
        ("attempt", attempt.as_str()),
        ("kind", "citizen"),
        ("name", "Lê Thị Giữ"),
        ("citizen_id", "079203006666"),
        ("phone", "0987000555"),
        ("doc-0-upload", first.as_str()),
        ("doc-1-upload", second.as_str()),
    ];
    let filed = pages
        .post_files("/procedures/1.001193/file", &cookie, multipart(&fields, &[("doc-1", "moi.png", &other)]))
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let code = motcua_domain::codes::DossierCode::parse(&shown(&filed.body, "filed-code")).unwrap();
    let dossier = uploads.get(&code).await.unwrap().unwrap().dossier;
    let sent: Vec<String> =
        dossier.documents.iter().filter_map(|d| d.file.as_ref().map(|f| f.sha256.as_str().to_owned())).collect();
    let expected: Vec<String> = [Sha256::of(&pdf), Sha256::of(&other)].iter().map(|h| h.as_str().to_owned()).collect();
    assert_eq!(sent, expected, "the kept PDF and the photo chosen again, not the first photo");
}

/// `text` with HTML's five escapes undone.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}
