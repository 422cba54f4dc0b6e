//! The web pages in a real browser: Debian's headless Chromium driven through chromedriver
//! (tests/webdriver.rs) against the real `motcua` binary. A citizen finds a procedure and
//! follows a dossier filed online; officers sign in on a phone-sized window (390×844) and take
//! it through reception, assignment, processing, approval and return; the same with
//! JavaScript off on a desktop window. Every page is checked for console errors, for the
//! page-weight budget (60 KB including the stylesheet and script, uncompressed) and with
//! axe-core (installed by scripts/test from the npm registry into .node) for serious or
//! critical accessibility violations.
//!
//! With `MOTCUA_SCREENS=<dir>` set, the main pages' screenshots are written there (how
//! docs/screens/ is made).

mod identity_provider;
mod server;
mod support;
mod webdriver;

use serde_json::{json, Value};
use server::Server;
use support::BIRTH;
use webdriver::{Driver, Session};

const PASSWORD: &str = "motcua-demo";
const BUDGET: f64 = 60.0 * 1024.0;

fn axe() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../.node/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e} (scripts/test installs axe-core)"))
}

/// Checks the page `s` shows as `name`: no console error, within the weight budget, and (with
/// JavaScript on) no serious or critical accessibility violation; its screenshot kept when asked.
fn check(s: &Session, name: &str, axe: &str) {
    // A form shown again with its problems keeps the API's status (4xx), which Chromium logs
    // for the page itself: that one is not an error of the page.
    let own_status = format!("{} - Failed to load resource: the server responded with a status of 4", s.url());
    let errors: Vec<_> =
        s.console().into_iter().filter(|(level, text)| level == "SEVERE" && !text.starts_with(&own_status)).collect();
    assert!(errors.is_empty(), "{name}: console errors {errors:?}");
    if let Ok(dir) = std::env::var("MOTCUA_SCREENS") {
        std::fs::create_dir_all(&dir).unwrap();
        s.screenshot(&std::path::Path::new(&dir).join(format!("{name}.png")));
    }
    if !s.javascript {
        return;
    }
    let weight = s.execute(
        "const n = performance.getEntriesByType('navigation')[0];
         const r = performance.getEntriesByType('resource');
         return [n.transferSize, n.encodedBodySize, r.map(x => [x.name, x.encodedBodySize, x.transferSize])];",
        json!([]),
    );
    let html = weight[1].as_f64().unwrap_or(0.0);
    let resources: f64 = weight[2].as_array().unwrap().iter().map(|r| r[1].as_f64().unwrap_or(0.0)).sum();
    let foreign: Vec<&Value> = weight[2]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r[0].as_str().unwrap_or_default().starts_with("http://127.0.0.1"))
        .collect();
    assert!(foreign.is_empty(), "{name}: requests to elsewhere {foreign:?}");
    assert!(html + resources <= BUDGET, "{name}: {html} + {resources} bytes over the budget");
    let loaded = s.execute(&format!("{axe}\n;return typeof axe;"), json!([]));
    assert_eq!(loaded, "object", "{name}: axe-core did not load");
    let violations = s.execute_async(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v =>
           ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))));",
        json!([]),
    );
    let bad: Vec<&Value> = violations
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(bad.is_empty(), "{name}: accessibility violations {bad:#?}");
}

/// Signs `officer` in on `s` (from wherever it is) and lands on the queue.
fn sign_in(s: &Session, base: &str, officer: &str) {
    s.goto(&format!("{base}/officer"));
    assert!(s.wait(|s| s.url().contains("/officer/sign-in")), "an officer without a session is sent to sign in");
    s.type_into("#officer", officer);
    s.type_into("#password", PASSWORD);
    s.click("form[action='/officer/sign-in'] button[type=submit]");
    assert!(s.wait(|s| s.url().ends_with("/officer")), "{officer} lands on the queue: {}", s.url());
}

fn sign_out(s: &Session) {
    s.click("form[action='/officer/sign-out'] button");
    assert!(s.wait(|s| s.url().contains("/officer/sign-in")));
}

/// On the dossier page, takes `action` (its path segment) with `fields` (css → text; a
/// `select` css picks the option of that value).
fn act(s: &Session, action: &str, fields: &[(&str, &str)]) {
    // A closed form opens by its summary (details works without JavaScript too).
    if s.try_find(&format!("#action-{action}[open]")).is_none() {
        s.click(&format!("#action-{action} summary"));
    }
    for (css, value) in fields {
        if css.starts_with("select") {
            s.click(&format!("{css} option[value='{value}']"));
        } else {
            s.type_into(css, value);
        }
    }
    s.click(&format!("#action-{action} button[type=submit]"));
}

fn birth_filing(name: &str) -> Value {
    json!({
        "procedure_code": BIRTH,
        "applicant": {"kind": "citizen", "name": name, "citizen_id": "079203001111", "phone": "0987654321"},
        "documents": [
            {"component": "Tờ khai đăng ký khai sinh", "file_name": "to-khai.pdf"},
            {"component": "Giấy chứng sinh", "file_name": "chung-sinh.pdf"}
        ]
    })
}

#[test]
fn a_dossier_goes_from_the_citizen_through_the_officers_phones_and_back() {
    // The pages take at most 1 MB of files in one form, as API Gateway caps them at 6 MB on AWS:
    // the 2 MB photo gets through only because the script sends it ahead, straight to the API.
    let server = Server::start_with(vec![("MOTCUA_WEB_FORM_MB".into(), "1".into())]);
    let base = server.base.clone();
    let axe = axe();
    let driver = Driver::start();

    // The citizen, on a phone: finds the procedure without diacritics, reads its page.
    let citizen = driver.session(390, 844, true);
    citizen.goto(&format!("{base}/?q=dang%20ky%20khai%20sinh"));
    assert!(citizen.shows("Đăng ký khai sinh"));
    check(&citizen, "home-phone", &axe);
    citizen.click(&format!("a[href='/procedures/{BIRTH}']"));
    assert!(citizen.text("h1").contains("Đăng ký khai sinh"));
    assert!(citizen.shows("Giấy chứng sinh") && citizen.shows("Nếu nộp hôm nay"));
    check(&citizen, "procedure-phone", &axe);
    // Files online with a photo of each paper: first forgetting one, then adding it.
    citizen.click(&format!("a[href='/procedures/{BIRTH}/file']"));
    check(&citizen, "file-phone", &axe);
    let scans = tempfile::tempdir().unwrap();
    let photo = scans.path().join("to-khai.png");
    let mut png = motcua_domain::documents::kind::samples::png();
    png.resize(2 << 20, 7);
    std::fs::write(&photo, &png).unwrap();
    let certificate = scans.path().join("chung-sinh.pdf");
    std::fs::write(&certificate, motcua_domain::documents::kind::samples::pdf()).unwrap();
    citizen.type_into("#name", "Trần Văn Bình");
    citizen.type_into("#citizen_id", "079203001111");
    citizen.type_into("#phone", "0987654321");
    citizen.choose_file("#doc-0", photo.to_str().unwrap());
    citizen.click("form[enctype='multipart/form-data'] button[type=submit]");
    assert!(citizen.wait(|s| s.try_find(".summary a[href='#doc-1']").is_some()), "the missing paper is named");
    check(&citizen, "file-error-phone", &axe);
    // The photo sent is kept: only the forgotten paper is chosen.
    assert!(citizen.text("#doc-0-kept").contains("to-khai.png"), "{}", citizen.source());
    citizen.choose_file("#doc-1", certificate.to_str().unwrap());
    citizen.click("form[enctype='multipart/form-data'] button[type=submit]");
    assert!(citizen.shows("Đã nộp hồ sơ"), "{}", citizen.source());
    check(&citizen, "filed-phone", &axe);
    let (code, secret) = (citizen.text("#filed-code"), citizen.text("#filed-secret"));
    let (_, seen) = server.request("GET", &format!("/v1/dossiers/{code}"), None, Some(&secret), None);
    assert_eq!(seen["status"], "submitted", "{seen}");
    assert_eq!(seen["documents"].as_array().unwrap().len(), 2, "both papers are attached: {seen}");
    assert_eq!(seen["applicant"]["name"], "Trần Văn Bình");
    // Looks the dossier up: without the secret its status only, with it the timeline.
    citizen.goto(&format!("{base}/lookup"));
    citizen.type_into("#code", &code);
    citizen.click("form[action='/lookup'] button");
    assert!(citizen.shows("Mới đăng ký") && !citizen.source().contains("Trần Văn Bình"));
    citizen.type_into("#code", &code);
    citizen.type_into("#secret", "wrong-secret");
    citizen.click("form[action='/lookup'] button");
    assert!(
        citizen.wait(|s| s.try_find(".summary a[href='#secret']").is_some()),
        "a wrong secret is shown on its field"
    );
    check(&citizen, "lookup-error-phone", &axe);
    citizen.type_into("#code", &code);
    citizen.type_into("#secret", &secret);
    citizen.click("form[action='/lookup'] button");
    assert!(citizen.shows("Trần Văn Bình") && citizen.shows("Quá trình giải quyết"));
    check(&citizen, "lookup-phone", &axe);

    // The ward's desk officer, on a phone: a wrong password first, then the queue.
    let desk = driver.session(390, 844, true);
    desk.goto(&format!("{base}/officer"));
    check(&desk, "sign-in-phone", &axe);
    desk.type_into("#officer", "nhatrang.motcua");
    desk.type_into("#password", "not the password");
    desk.click("form[action='/officer/sign-in'] button[type=submit]");
    assert!(
        desk.wait(|s| s.try_find(".summary").is_some()) && desk.url().contains("sign-in"),
        "a wrong password is refused"
    );
    check(&desk, "sign-in-error-phone", &axe);
    sign_in(&desk, &base, "nhatrang.motcua");
    assert!(desk.shows(&code), "the filing is in the ward's queue");
    check(&desk, "queue-phone", &axe);
    desk.click(&format!("a[href='/officer/dossiers/{code}']"));
    check(&desk, "dossier-phone", &axe);
    act(&desk, "receive", &[]);
    assert!(desk.text("[role=status]").contains("Tiếp nhận"), "{}", desk.source());
    // The counter's reception form offers the phone's camera for each paper.
    desk.goto(&format!("{base}/officer/counter"));
    check(&desk, "counter-choose-phone", &axe);
    desk.click(&format!("a[href='/officer/counter/{BIRTH}']"));
    assert!(desk.try_find("#doc-0[capture=environment]").is_some(), "{}", desk.source());
    check(&desk, "counter-phone", &axe);
    sign_out(&desk);

    // The leader assigns it to a specialist; the specialist forwards it; the leader approves.
    sign_in(&desk, &base, "nhatrang.lanhdao");
    desk.goto(&format!("{base}/officer/dossiers/{code}"));
    act(&desk, "assign", &[("select#assign--assignee", "nhatrang.chuyenvien")]);
    assert!(desk.shows("Đã thực hiện"), "{}", desk.source());
    sign_out(&desk);
    sign_in(&desk, &base, "nhatrang.chuyenvien");
    desk.goto(&format!("{base}/officer/dossiers/{code}"));
    act(&desk, "forward", &[("#forward--note", "Hồ sơ hợp lệ, trình ký")]);
    assert!(desk.shows("Đã thực hiện"), "{}", desk.source());
    sign_out(&desk);
    sign_in(&desk, &base, "nhatrang.lanhdao");
    desk.goto(&format!("{base}/officer/reports"));
    assert!(desk.shows("Khối lượng công việc"), "{}", desk.source());
    check(&desk, "reports-phone", &axe);
    desk.goto(&format!("{base}/officer/dossiers/{code}"));
    // Approves with the signed result: its particulars and the file.
    desk.click("#action-approve summary");
    desk.execute("document.querySelector('#approve--result_issued_on').value = '2026-12-02';", json!([]));
    desk.choose_file("#approve--result_file", certificate.to_str().unwrap());
    check(&desk, "approve-phone", &axe);
    act(
        &desk,
        "approve",
        &[
            ("#approve--result_name", "Giấy khai sinh bản chính"),
            ("#approve--result_number", "125/2026"),
            ("#approve--result_signer", "Nguyễn Văn Lãnh"),
        ],
    );
    assert!(desk.shows("Đã thực hiện") && desk.shows("Giấy khai sinh bản chính"), "{}", desk.source());
    sign_out(&desk);
    // The desk hands the result over.
    sign_in(&desk, &base, "nhatrang.motcua");
    desk.goto(&format!("{base}/officer/dossiers/{code}"));
    act(&desk, "return", &[("select#return--method", "counter")]);
    assert!(desk.shows("Đã thực hiện"), "{}", desk.source());

    // The citizen sees it returned.
    citizen.goto(&format!("{base}/lookup"));
    citizen.type_into("#code", &code);
    citizen.type_into("#secret", &secret);
    citizen.click("form[action='/lookup'] button");
    assert!(citizen.shows("Đã trả kết quả") && citizen.shows("Tải kết quả"), "{}", citizen.source());
    check(&citizen, "returned-phone", &axe);
    // Downloads the receipt as their browser would (the form posts the code and the secret).
    let page = citizen.source();
    let token = page.split("name=\"form_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form_cookie = citizen.cookie("motcua_form").unwrap();
    let receipt = ureq::post(&format!("{base}/lookup/forms/receipt"))
        .set("cookie", &format!("motcua_form={form_cookie}"))
        .send_form(&[("form_token", token.as_str()), ("code", code.as_str()), ("secret", secret.as_str())])
        .unwrap();
    assert_eq!(receipt.content_type(), "application/pdf");
    let mut pdf = vec![];
    std::io::Read::read_to_end(&mut receipt.into_reader(), &mut pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "the receipt is a PDF");
    // And the signed result the leader attached, as the "Tải kết quả" button posts for it.
    let result = page.split("/lookup/files/").nth(1).expect("a result to download").split('"').next().unwrap();
    let download = ureq::post(&format!("{base}/lookup/files/{result}"))
        .set("cookie", &format!("motcua_form={form_cookie}"))
        .send_form(&[("form_token", token.as_str()), ("code", code.as_str()), ("secret", secret.as_str())])
        .unwrap();
    let mut bytes = vec![];
    std::io::Read::read_to_end(&mut download.into_reader(), &mut bytes).unwrap();
    assert_eq!(bytes, motcua_domain::documents::kind::samples::pdf(), "the result file, as the leader attached it");
    // And rates the service.
    citizen.click("form[action='/lookup/rate'] button[type=submit]");
    assert!(citizen.shows("Cảm ơn bạn đã đánh giá"), "{}", citizen.source());
    let (_, seen) = server.request("GET", &format!("/v1/dossiers/{code}"), None, Some(&secret), None);
    assert_eq!(seen["status"], "returned");
    assert_eq!(seen["rating"]["verdict"], "satisfied", "{seen}");
    // The desk prints the tracking card from the console.
    let session = desk.cookie("motcua_session").unwrap();
    let card = ureq::get(&format!("{base}/officer/dossiers/{code}/forms/tracking-card"))
        .set("cookie", &format!("motcua_session={session}"))
        .call()
        .unwrap();
    assert_eq!(card.content_type(), "application/pdf");
}

#[test]
fn without_javascript_on_a_desktop_every_task_still_works_and_names_are_text() {
    let server = Server::start();
    let base = server.base.clone();
    let axe = axe();
    let driver = Driver::start();
    let (status, filed) = server.file(birth_filing("<script>alert('x')</script> Bình"));
    assert_eq!(status, 201, "{filed}");
    let code = filed["code"].as_str().unwrap().to_owned();

    let s = driver.session(1280, 900, false);
    s.goto(&format!("{base}/"));
    check(&s, "home-desktop", &axe);
    s.type_into("#q", "khai sinh");
    s.click("form[role=search] button");
    assert!(s.wait(|s| s.url().contains("q=khai")), "the search works as a plain form");
    sign_in(&s, &base, "nhatrang.motcua");
    s.goto(&format!("{base}/officer/dossiers/{code}"));
    let page = s.source();
    assert!(page.contains("&lt;script&gt;alert('x')&lt;/script&gt; Bình"), "the name is shown as text");
    check(&s, "dossier-desktop", &axe);
    // A refusal's reason left empty is named on its field, nothing done.
    act(&s, "request-supplement", &[("#request-supplement--missing", "Giấy chứng sinh bản chính")]);
    assert!(s.wait(|s| s.try_find(".summary a[href='#request-supplement--reason']").is_some()), "{}", s.source());
    let (_, seen) = server.request("GET", &format!("/v1/dossiers/{code}"), None, None, None);
    assert_eq!(seen["status"], "submitted", "nothing was done");
    act(
        &s,
        "request-supplement",
        &[
            ("#request-supplement--reason", "Thiếu bản chính"),
            ("#request-supplement--missing", "Giấy chứng sinh bản chính"),
        ],
    );
    assert!(s.shows("Đã thực hiện"), "{}", s.source());
    // The refused form's own 422 was logged on the way: read it off.
    let _ = s.console();
    let (_, seen) = server.request("GET", &format!("/v1/dossiers/{code}"), None, None, None);
    assert_eq!(seen["status"], "awaiting_supplement");
    sign_out(&s);
    // The applicant sends the paper asked for, from the lookup page.
    let secret = filed["lookup_secret"].as_str().unwrap();
    s.goto(&format!("{base}/lookup"));
    s.type_into("#code", &code);
    s.type_into("#secret", secret);
    s.click("form[action='/lookup'] button");
    s.click("form[action='/lookup/supplement/new'] button");
    assert!(s.shows("Thiếu bản chính"), "the request is shown: {}", s.source());
    check(&s, "supplement-desktop", &axe);
    let scans = tempfile::tempdir().unwrap();
    let paper = scans.path().join("chung-sinh.pdf");
    std::fs::write(&paper, motcua_domain::documents::kind::samples::pdf()).unwrap();
    s.choose_file("#doc-1", paper.to_str().unwrap());
    s.click("form[action='/lookup/supplement'] button[type=submit]");
    assert!(s.shows("Đã gửi giấy tờ bổ sung"), "{}", s.source());
    // The administrator's pages.
    sign_in(&s, &base, "admin");
    for (path, name) in [
        ("/officer/admin", "admin-desktop"),
        ("/officer/admin/officers", "admin-officers-desktop"),
        ("/officer/admin/holidays", "admin-holidays-desktop"),
        ("/officer/admin/catalogue", "admin-catalogue-desktop"),
    ] {
        s.goto(&format!("{base}{path}"));
        assert!(s.try_find("main h1").is_some() && s.try_find("main .notice").is_none(), "{path}: {}", s.source());
        check(&s, name, &axe);
    }
    sign_out(&s);
    sign_in(&s, &base, "nhatrang.motcua");
    // A form posted with the officer's session but without this browser's form cookie and token
    // (what another site could make a browser send, were cookies not SameSite) is refused.
    let session = s.cookie("motcua_session").expect("the session cookie");
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let forged = agent
        .post(&format!("{base}/officer/dossiers/{code}/refuse"))
        .set("cookie", &format!("motcua_session={session}"))
        .send_form(&[("form_token", "forged"), ("reason", "forged")]);
    let status = match forged {
        Ok(r) => r.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(status, 403);
    let (_, seen) = server.request("GET", &format!("/v1/dossiers/{code}"), None, None, None);
    assert_eq!(seen["status"], "awaiting_supplement");
}

/// Officers sign in through the identity provider (another site, as Cognito's hosted sign-in
/// is) and land, signed in, where they were going: the session cookie is `SameSite=Strict`, so
/// the callback's page moves on from this site for the browser to send it.
#[test]
fn officers_sign_in_through_the_identity_provider_in_a_browser() {
    let idp = identity_provider::IdentityProvider::start("localhost");
    idp.signs_in("nhatrang.lanhdao", "000.01.31.H56", "leader", "Lãnh đạo phường");
    let server = Server::start_with(vec![
        ("MOTCUA_OIDC_ISSUER".into(), idp.issuer.clone()),
        ("MOTCUA_OIDC_AUDIENCE".into(), identity_provider::CLIENT.into()),
        ("MOTCUA_OIDC_TOKEN_USE".into(), "id".into()),
        ("MOTCUA_OIDC_CLIENT_ID".into(), identity_provider::CLIENT.into()),
    ]);
    let base = server.base.clone();
    let axe = axe();
    let driver = Driver::start();
    let s = driver.session(390, 844, true);
    s.goto(&format!("{base}/officer/reports"));
    assert!(s.wait(|s| s.url().contains("/officer/sign-in")));
    check(&s, "sign-in-provider-phone", &axe);
    s.click("#provider-sign-in");
    assert!(s.wait(|s| s.url().ends_with("/officer/reports")), "lands where it was going: {}", s.url());
    assert!(s.shows("Lãnh đạo phường") && s.shows("Khối lượng công việc"), "{}", s.source());
    assert!(idp.refused().is_empty(), "{:?}", idp.refused());
}
