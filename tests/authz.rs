//! The authorisation matrix, generated from the route list (the OpenAPI document) and the
//! transition table (OWASP API1, API2, API5):
//!
//! - every route taking a bearer token × (no token, bad signature, `alg: none`, expired, wrong
//!   issuer, wrong audience) must answer 401;
//! - every officer action on a dossier × every kind of officer (each role of the dossier's
//!   agency, an unassigned colleague, an officer of a step agency, of another agency, the
//!   administrator) must answer 200 exactly when the transition table allows that officer, and
//!   403 otherwise;
//! - the officer reads of one dossier refuse other agencies; the administrator's routes refuse
//!   every other role;
//! - every route taking the applicant's lookup secret × (no secret, wrong secret, the secret of
//!   another dossier, the right one) never shows the dossier to the wrong holder.
//!
//! A route that is in the API but in none of these lists fails the build.

mod api;
mod support;

use std::collections::BTreeSet;

use api::{code_of, Api};
use axum::http::StatusCode;
use base64::Engine;
use jsonwebtoken::{encode, EncodingKey, Header};
use motcua_domain::catalogue::{Officer, OfficerId, Role};
use motcua_domain::lifecycle::table::{rules_for, By, Rule};
use motcua_domain::lifecycle::{Action, Dossier, Status};
use motcua_functions::auth::{Claims, AUDIENCE, ISSUER};
use serde_json::{json, Value};
use support::*;

/// How far a fixture dossier has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Submitted,
    Received,
    /// At the first step, assigned to `tuphap.chuyenvien`.
    Processing,
    /// At the last step, held by `tuphap.lanhdao`.
    LastStep,
    AwaitingSupplement,
    /// Received, asked for a supplement by the desk, and the applicant brought it.
    Supplied,
    /// Received, asked for a supplement by the desk, and its deadline passed (the handlers'
    /// clock is moved on 40 days).
    SupplementOverdue,
    Resolved,
    /// The result handed over at the desk.
    Returned,
    /// Received, of a procedure whose fees come first: waiting for them.
    AwaitingPayment,
    /// At the first step, held by `tuphap.chuyenvien`, who asked `congan.chuyenvien` for an
    /// opinion.
    Consulted,
    /// Resolved, the applicant having asked for the result by post.
    ResolvedByPost,
}

/// Officers of every kind the matrix tries, as seeded.
const OFFICERS: &[&str] = &[
    "tuphap.motcua",
    "tuphap.chuyenvien",
    "tuphap.chuyenvien2",
    "tuphap.lanhdao",
    "congan.chuyenvien",
    "congan.lanhdao",
    "taichinh.lanhdao",
    "taichinh.motcua",
    "admin",
];

/// Each officer action on a dossier: the stage it is tried at and a valid body.
fn transitions(later: &str) -> Vec<(Action, Stage, Value)> {
    vec![
        (Action::Receive, Stage::Submitted, json!({})),
        (Action::Refuse, Stage::Submitted, json!({"reason": "Sai thẩm quyền"})),
        (
            Action::RequestSupplement,
            Stage::Submitted,
            json!({"reason": "Thiếu giấy tờ", "missing": ["Bản chụp giấy tờ tùy thân"]}),
        ),
        (Action::Assign, Stage::Received, json!({"assignee": "tuphap.chuyenvien"})),
        (Action::Forward, Stage::Processing, json!({"assignee": "congan.chuyenvien"})),
        (Action::SendBack, Stage::LastStep, json!({"reason": "Cần xác minh lại"})),
        (Action::Reassign, Stage::Processing, json!({"assignee": "tuphap.chuyenvien2", "reason": "Nghỉ phép"})),
        (Action::Consult, Stage::Processing, json!({"officer": "congan.lanhdao", "question": "Có tiền án không?"})),
        (Action::Opinion, Stage::Consulted, json!({"opinion": "Không có tiền án"})),
        (Action::Approve, Stage::LastStep, json!({})),
        (Action::Stop, Stage::Received, json!({"reason": "Dừng theo quyết định"})),
        (Action::Extend, Stage::Received, json!({"reason": "Chờ xác minh", "new_due_at": later})),
        (Action::Return, Stage::Resolved, json!({"method": "counter"})),
        (Action::PostResult, Stage::ResolvedByPost, json!({})),
        (
            Action::CounterSupplement,
            Stage::AwaitingSupplement,
            json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd.pdf"}]}),
        ),
        (Action::AcceptSupplement, Stage::Supplied, json!({})),
        (Action::RecordPayment, Stage::AwaitingPayment, json!({"amount_vnd": 200000, "receipt": "BL-1"})),
        // Last: its stage moves the clock on.
        (Action::ReturnUnsupplemented, Stage::SupplementOverdue, json!({})),
    ]
}

async fn post_ok(api: &Api, path: &str, token: &str, body: Value) {
    let (s, v) = api.post(path, Some(token), body).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
}

/// The criminal-record procedure again, as `FEES_FIRST`, taking its fees before processing.
const FEES_FIRST: &str = "2.999488";

/// A fresh criminal-record dossier brought to `stage`: (code, secret).
async fn dossier_at(api: &Api, stage: Stage) -> (String, String) {
    if stage == Stage::AwaitingPayment {
        let mut procedure = api.home.store.catalogue.procedure(CRIMINAL_RECORD).await.unwrap().unwrap();
        (procedure.code, procedure.fees_first) = (FEES_FIRST.into(), true);
        api.home.store.catalogue.put_procedure(&procedure).await.unwrap();
        let mut filing = criminal_record_filing("0912345678");
        filing["procedure_code"] = json!(FEES_FIRST);
        let (s, v) = api.file(filing).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (code, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
        let desk = api.token("tuphap.motcua").await;
        post_ok(api, &format!("/v1/dossiers/{code}/receive"), &desk, json!({})).await;
        assert_eq!(stored(api, &code).await.status, motcua_domain::lifecycle::Status::AwaitingPayment);
        return (code, secret);
    }
    let (code, secret) = api.submit().await;
    let at = |a: &str| format!("/v1/dossiers/{code}/{a}");
    if stage == Stage::ResolvedByPost {
        let address = json!({"delivery_address": {"recipient": "A", "phone": "0912345678", "street": "1 Lê Lợi",
                             "commune": "Phường Nha Trang", "province": "Khánh Hòa"}});
        let (s, v) = api.post_secret(&at("postal-return"), Some(&secret), address).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    let desk = api.token("tuphap.motcua").await;
    let lead = api.token("tuphap.lanhdao").await;
    let spec = api.token("tuphap.chuyenvien").await;
    let police = api.token("congan.chuyenvien").await;
    if stage == Stage::AwaitingSupplement {
        let body = json!({"reason": "Thiếu", "missing": ["Bản chụp giấy tờ tùy thân"]});
        post_ok(api, &at("request-supplement"), &desk, body).await;
        return (code, secret);
    }
    if stage == Stage::Submitted {
        return (code, secret);
    }
    post_ok(api, &at("receive"), &desk, json!({})).await;
    if stage == Stage::Received {
        return (code, secret);
    }
    if matches!(stage, Stage::Supplied | Stage::SupplementOverdue) {
        let body = json!({"reason": "Thiếu", "missing": ["Bản chụp giấy tờ tùy thân"]});
        post_ok(api, &at("request-supplement"), &desk, body).await;
        if stage == Stage::SupplementOverdue {
            api.pass(chrono::Duration::days(40));
        } else {
            let doc = json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd.pdf"}]});
            let (s, v) = api.post_secret(&at("supplement"), Some(&secret), doc).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
        return (code, secret);
    }
    post_ok(api, &at("assign"), &lead, json!({"assignee": "tuphap.chuyenvien"})).await;
    if stage == Stage::Processing {
        return (code, secret);
    }
    if stage == Stage::Consulted {
        post_ok(api, &at("consult"), &spec, json!({"officer": "congan.chuyenvien", "question": "Có tiền án?"})).await;
        return (code, secret);
    }
    post_ok(api, &at("forward"), &spec, json!({"assignee": "congan.chuyenvien"})).await;
    post_ok(api, &at("forward"), &police, json!({"assignee": "tuphap.lanhdao"})).await;
    if stage == Stage::LastStep {
        return (code, secret);
    }
    post_ok(api, &at("approve"), &lead, json!({})).await;
    if stage == Stage::Returned {
        post_ok(api, &at("return"), &desk, json!({"method": "counter"})).await;
    }
    (code, secret)
}

async fn stored(api: &Api, code: &str) -> Dossier {
    let code = motcua_domain::codes::DossierCode::parse(code).unwrap();
    api.home.store.dossiers.get(&code).await.unwrap().unwrap().dossier
}

async fn officer(api: &Api, id: &str) -> Officer {
    api.home.store.catalogue.officer(&OfficerId::parse(id).unwrap()).await.unwrap().unwrap()
}

/// Whether the table lets `o` take `rule` on `d`, read from the rule's "by" column.
fn table_allows(rule: &Rule, d: &Dossier, o: &Officer) -> bool {
    rule.by.iter().any(|by| match by {
        By::Applicant | By::Platform | By::PostalOperator | By::Axis => false,
        By::Consulted => d.consultations.iter().any(|c| c.is_open() && c.asked_of.id == o.id),
        By::AgencyRole(role) => o.agency == d.agency_code && o.has_role(*role),
        By::StepAgencyRole(role) => {
            d.step.as_ref().is_some_and(|s| &o.agency == d.step_agency(s.index) && o.has_role(*role))
        }
        By::StepHolder => d.current_step().is_some_and(|(progress, def)| {
            &o.agency == d.step_agency(progress.index)
                && o.has_role(def.role)
                && progress.assignee.as_ref().is_none_or(|a| a.id == o.id)
        }),
    })
}

#[tokio::test]
async fn every_officer_action_answers_as_the_transition_table_says() {
    let mut api = Api::many_filings().await;
    // Posting a result asks the postal operator: a fake one, whose callbacks go nowhere.
    let post =
        motcua_functions::fakes::postal::FakePost::new("C", "T", "khoa-ky-cap-nhat-buu-gui", "http://127.0.0.1:9/");
    let at = post.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config = motcua_infra::postal_http::PostalConfig {
        url: format!("http://{at}"),
        customer: "C".into(),
        token: "T".into(),
        secret: "khoa-ky-cap-nhat-buu-gui".into(),
        codes: Default::default(),
        timeout: std::time::Duration::from_secs(5),
    };
    api.home.postal = Some(motcua_functions::postal::adapter(config));
    api.app = motcua_functions::routes::app(api.home.state());
    let mut tried = 0;
    let mut allowed = 0;
    let officer_actions: Vec<Action> =
        Action::ALL.into_iter().filter(|a| !a.by_applicant() && !a.opens_dossier() && !a.by_platform()).collect();
    let later = api.extension_date().await;
    let covered: Vec<Action> = transitions(&later).iter().map(|(a, _, _)| *a).collect();
    assert!(
        covered.len() == officer_actions.len() && officer_actions.iter().all(|a| covered.contains(a)),
        "every officer action of the table has a case here: {covered:?}"
    );
    for (action, stage, body) in transitions(&later) {
        let segment = action.as_str();
        for id in OFFICERS {
            let (code, _) = dossier_at(&api, stage).await;
            let d = stored(&api, &code).await;
            let rule = rules_for(action, Some(d.status)).next().unwrap_or_else(|| panic!("{segment} at {stage:?}"));
            let o = officer(&api, id).await;
            let expected = table_allows(rule, &d, &o);
            let token = api.token(id).await;
            let path = action.surface().path.replace("{code}", &code);
            let (s, v) = api.post(&path, Some(&token), body.clone()).await;
            if expected {
                assert_eq!(s, StatusCode::OK, "{id} may {segment} at {stage:?}: {v}");
                allowed += 1;
            } else {
                assert_eq!(s, StatusCode::FORBIDDEN, "{id} may not {segment} at {stage:?}: {v}");
                let after = stored(&api, &code).await;
                assert_eq!(after.version, d.version, "a refused action changes nothing");
            }
            tried += 1;
        }
    }
    // Each action is allowed to someone and refused to someone.
    assert!(allowed >= covered.len() && allowed < tried, "{allowed} of {tried}");
    println!("transition matrix: {tried} cases, {allowed} allowed");
}

/// Tokens with one defect each, all for an officer the server knows, with every role.
fn defective_tokens(key: &[u8]) -> Vec<(&'static str, String)> {
    let now = chrono::Utc::now().timestamp();
    let claims = |iss: &str, aud: &str, exp: i64| Claims {
        sub: "tuphap.lanhdao".into(),
        name: "Lãnh đạo".into(),
        agency: JUSTICE.into(),
        roles: vec![Role::Reception, Role::Specialist, Role::Leader, Role::Admin],
        iss: iss.into(),
        aud: aud.into(),
        iat: now,
        nbf: None,
        exp,
    };
    let sign = |c: &Claims, key: &[u8]| encode(&Header::default(), c, &EncodingKey::from_secret(key)).unwrap();
    let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let good = claims(ISSUER, AUDIENCE, now + 3600);
    let unsigned =
        format!("{}.{}.", b64(json!({"alg": "none", "typ": "JWT"})), b64(serde_json::to_value(&good).unwrap()));
    // Change the signature's first character: all six of its bits are signature bits (the
    // last character's low bits are padding a lenient decoder may ignore).
    let signed = sign(&good, key);
    let at = signed.rfind('.').unwrap() + 1;
    let first = if signed[at..].starts_with('A') { "B" } else { "A" };
    let tampered = format!("{}{first}{}", &signed[..at], &signed[at + 1..]);
    vec![
        ("bad signature", sign(&good, b"not the server's key, but long enough to be a key")),
        ("tampered signature", tampered),
        ("alg none", unsigned),
        ("expired", sign(&claims(ISSUER, AUDIENCE, now - 3600), key)),
        ("wrong issuer", sign(&claims("https://evil.example", AUDIENCE, now + 3600), key)),
        ("wrong audience", sign(&claims(ISSUER, "someone-else", now + 3600), key)),
        ("not a JWT", "eyJhbGciOi.garbage".into()),
    ]
}

/// Every route of the API: (method, path template, takes a bearer token, takes a secret).
fn routes() -> Vec<(String, String, bool, bool)> {
    let doc = serde_json::to_value(motcua_functions::routes::openapi()).unwrap();
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let bearer = op["security"].as_array().is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            let secret = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"].as_str() == Some("X-Lookup-Secret")));
            out.push((method.to_uppercase(), path.clone(), bearer, secret));
        }
    }
    out
}

fn concrete(path: &str, code: &str) -> String {
    if path.starts_with("/v1/admin/procedures/") {
        return path.replace("{code}", CRIMINAL_RECORD);
    }
    if path.starts_with("/v1/admin/agencies/") {
        return path.replace("{code}", JUSTICE);
    }
    path.replace("{code}", code).replace("{year}", "2031").replace("{id}", "tuphap.motcua").replace("{form}", "receipt")
}

#[tokio::test]
async fn every_bearer_route_refuses_every_defective_token() {
    let api = Api::new().await;
    let (code, _) = dossier_at(&api, Stage::Received).await;
    let key = std::fs::read_to_string(api._dir.path().join("jwt-signing.key")).unwrap();
    let tokens = defective_tokens(key.trim().as_bytes());
    let mut cases = 0;
    for (method, path, bearer, _) in routes().into_iter().filter(|r| r.2) {
        assert!(bearer);
        let uri = concrete(&path, &code);
        let mut variants: Vec<(&str, Option<String>)> = tokens.iter().map(|(n, t)| (*n, Some(t.clone()))).collect();
        if path != "/v1/dossiers/{code}/receipt" {
            variants.push(("no token", None));
        }
        for (name, token) in variants {
            let mut c = api.call(&method, uri.clone());
            c.token = token;
            c.body = (method != "GET").then(|| "{}".to_owned());
            let (s, v) = api.send(c).await;
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{method} {path} with {name}: {v}");
            cases += 1;
        }
    }
    assert!(cases > 100, "{cases}");
    let d = stored(&api, &code).await;
    assert_eq!(d.status, Status::Received, "nothing changed");
    println!("credential matrix: {cases} cases, all 401");
}

#[tokio::test]
async fn officer_reads_and_admin_routes_refuse_the_wrong_officer() {
    let api = Api::new().await;
    let (code, _) = dossier_at(&api, Stage::Received).await;
    let outsider = api.token("taichinh.lanhdao").await;
    let desk = api.token("tuphap.motcua").await;
    let police = api.token("congan.chuyenvien").await;
    for path in [
        format!("/v1/officer/dossiers/{code}"),
        format!("/v1/dossiers/{code}/verify"),
        format!("/v1/dossiers/{code}/receipt"),
        format!("/v1/officer/dossiers/{code}/forms/receipt"),
        format!("/v1/officer/dossiers/{code}/stored-documents"),
        format!("/v1/officer/dossiers/{code}/archive"),
    ] {
        let (s, v) = api.get(&path, Some(&outsider), None).await;
        assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "other_agency"), "{path}");
        let (s, v) = api.get(&path, Some(&desk), None).await;
        assert_eq!(s, StatusCode::OK, "{path}: {v}");
        let (s, v) = api.get(&path, Some(&police), None).await;
        assert_eq!(
            (s, code_of(&v)),
            (StatusCode::FORBIDDEN, "other_agency"),
            "{path}: an agency holding a later step may not read it before it is handed over"
        );
    }
    // Handed to the police's step and back: the police read it from then on.
    let (handed, _) = dossier_at(&api, Stage::LastStep).await;
    for path in [format!("/v1/officer/dossiers/{handed}"), format!("/v1/dossiers/{handed}/verify")] {
        let (s, v) = api.get(&path, Some(&police), None).await;
        assert_eq!(s, StatusCode::OK, "{path}: the agency it was handed to keeps its record: {v}");
    }
    let (s, v) = api.get("/v1/officer/dossiers", Some(&outsider), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!v.to_string().contains(&code), "another agency's queue never lists it");
    let (_, v) = api.get("/v1/officer/dossiers", Some(&desk), None).await;
    assert!(v.to_string().contains(&code));

    // A dossier's files: the officers who may see it; for the others the file does not exist.
    let (filed, _, file) = api.submit_with_file().await;
    for (id, expected) in [
        ("tuphap.motcua", StatusCode::OK),
        ("tuphap.chuyenvien", StatusCode::OK),
        ("congan.chuyenvien", StatusCode::NOT_FOUND),
        ("taichinh.motcua", StatusCode::NOT_FOUND),
        ("admin", StatusCode::NOT_FOUND),
    ] {
        let path = format!("/v1/officer/dossiers/{filed}/files/{file}");
        let (s, v) = api.get(&path, Some(&api.token(id).await), None).await;
        assert_eq!(s, expected, "{id}: {v}");
    }
    // Any officer may upload a scan, attachable by that officer only (tests/documents.rs).
    let (s, v) = api
        .post(
            "/v1/counter/uploads",
            Some(&api.token("taichinh.chuyenvien").await),
            json!({"file_name": "scan.pdf", "size": 10, "media_type": "application/pdf", "sha256": "0".repeat(64)}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // The counter: reception of the procedure's agency only.
    for (id, expected) in [
        ("tuphap.chuyenvien", StatusCode::FORBIDDEN),
        ("taichinh.motcua", StatusCode::FORBIDDEN),
        ("admin", StatusCode::FORBIDDEN),
        ("tuphap.motcua", StatusCode::CREATED),
    ] {
        for path in ["/v1/counter/dossiers", "/v1/counter/incomplete-dossiers"] {
            let mut filing = criminal_record_filing("0912345678");
            filing["channel"] = json!("direct");
            let (s, v) = api.post(path, Some(&api.token(id).await), filing).await;
            assert_eq!(s, expected, "{id} {path}: {v}");
        }
    }

    // The administrator's routes: the admin role only.
    let admin_routes: Vec<_> = routes().into_iter().filter(|r| r.1.starts_with("/v1/admin/")).collect();
    assert!(admin_routes.len() >= 5);
    for id in ["tuphap.lanhdao", "tuphap.motcua", "taichinh.lanhdao"] {
        let token = api.token(id).await;
        for (method, path, _, _) in &admin_routes {
            let mut c = api.call(method, concrete(path, &code));
            c.token = Some(token.clone());
            c.body = (method != "GET").then(|| "{}".to_owned());
            let (s, v) = api.send(c).await;
            assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "missing_role"), "{id}: {method} {path}");
        }
    }
    let (s, _) = api.get("/v1/admin/officers", Some(&api.token("admin").await), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn applicant_routes_show_nothing_to_the_wrong_secret() {
    // Two wrong secrets per route from one address: more than a client may try in a window.
    let api = Api::with(|home| {
        let unreached = motcua_domain::limits::RateLimit::new(1_000_000, chrono::Duration::minutes(1));
        home.public_limits.submissions = unreached;
        home.public_limits.uploads = unreached;
        home.public_limits.lookup_failures_per_client = unreached;
    })
    .await;
    let (_, other_secret) = api.submit().await;
    let cases: Vec<(&str, &str, Stage, Option<Value>)> = vec![
        ("GET", "", Stage::Received, None),
        ("GET", "/receipt", Stage::Received, None),
        (
            "POST",
            "/supplement",
            Stage::AwaitingSupplement,
            Some(json!({"documents": [{"component": "Bản chụp giấy tờ tùy thân", "file_name": "cccd.pdf"}]})),
        ),
        ("POST", "/withdraw", Stage::Received, Some(json!({}))),
        ("POST", "/rating", Stage::Returned, Some(rating())),
        ("GET", "/files/{id}", Stage::Submitted, None),
        ("GET", "/forms/{form}", Stage::Received, None),
        ("GET", "/stored-documents", Stage::Received, None),
        ("POST", "/payments", Stage::AwaitingPayment, Some(json!({}))),
        ("POST", "/notices", Stage::Received, Some(json!({"channels": ["email"]}))),
        (
            "POST",
            "/postal-collection",
            Stage::Submitted,
            Some(json!({"pickup_address": {"recipient": "A", "phone": "0912345678", "street": "1 Lê Lợi",
                        "commune": "Phường Nha Trang", "province": "Khánh Hòa"}})),
        ),
        (
            "POST",
            "/postal-return",
            Stage::Received,
            Some(json!({"delivery_address": {"recipient": "A", "phone": "0912345678", "street": "1 Lê Lợi",
                        "commune": "Phường Nha Trang", "province": "Khánh Hòa"}})),
        ),
    ];
    // Every route that takes the secret is in this list.
    let listed: BTreeSet<String> = cases.iter().map(|(m, p, _, _)| format!("{m} /v1/dossiers/{{code}}{p}")).collect();
    let secret_routes: BTreeSet<String> =
        routes().into_iter().filter(|r| r.3).map(|(m, p, _, _)| format!("{m} {p}")).collect();
    assert_eq!(listed, secret_routes);

    let mut tried = 0;
    for (method, suffix, stage, body) in cases {
        for (name, pick) in [("no secret", 0), ("wrong secret", 1), ("another dossier's secret", 2), ("right", 3)] {
            let (code, secret, suffix) = if suffix.contains("{id}") {
                let (code, secret, file) = api.submit_with_file().await;
                (code, secret, suffix.replace("{id}", &file))
            } else {
                let (code, secret) = dossier_at(&api, stage).await;
                (code, secret, suffix.replace("{form}", "receipt"))
            };
            let before = stored(&api, &code).await.version;
            let mut c = api.call(method, format!("/v1/dossiers/{code}{suffix}"));
            c.secret = match pick {
                0 => None,
                1 => Some("ABCDEFGHJKMNPQRS".into()),
                2 => Some(other_secret.clone()),
                _ => Some(secret.clone()),
            };
            c.body = body.as_ref().map(|b| b.to_string());
            let (s, v) = api.send(c).await;
            let what = format!("{method} {suffix} with {name}: {s} {v}");
            match pick {
                // Past the secret, a server without a payment platform says so.
                3 if suffix == "/payments" => {
                    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "payment_not_configured"), "{what}")
                }
                3 if suffix == "/postal-collection" => {
                    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "postal_not_configured"), "{what}")
                }
                3 => assert!(s.is_success(), "{what}"),
                0 if method == "GET" && suffix.is_empty() => {
                    assert_eq!(s, StatusCode::OK, "{what}");
                    assert!(v.get("applicant").is_none() && !v.to_string().contains("Minh Khai"), "{what}");
                }
                0 => assert_eq!(s, StatusCode::UNAUTHORIZED, "{what}"),
                _ => assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "lookup_secret_invalid"), "{what}"),
            }
            if pick != 3 {
                assert_eq!(stored(&api, &code).await.version, before, "{what}: nothing changed");
                assert!(!v.to_string().contains("079203009876"), "{what}: no personal data");
            }
            tried += 1;
        }
    }
    println!("applicant matrix: {tried} cases");
}

#[test]
fn every_route_is_in_the_matrix() {
    let public: BTreeSet<&str> = [
        "GET /v1/procedures",
        "GET /v1/procedures/{code}",
        "GET /v1/procedures/{code}/due-date",
        "GET /v1/agencies",
        "GET /v1/agencies/{code}",
        "POST /v1/dossiers",
        "GET /v1/health",
        "GET /v1/openapi.json",
        "POST /v1/uploads",
        "GET /v1/uploads/{id}",
        // Counts and rates only, no personal data: tests/reports.rs.
        "GET /v1/stats/public",
        // The payment platform's callback, believed only when signed: tests/online_payments.rs.
        "POST /v1/payments/callback",
        // The SMS gateway's delivery reports, believed only with the token: tests/sms_gateway.rs.
        "POST /v1/callbacks/sms",
        // The postal operator's status updates, believed only when signed: tests/postal.rs.
        "POST /v1/postal/callback",
    ]
    .into();
    let transition_paths: BTreeSet<String> =
        transitions("").iter().map(|(a, _, _)| format!("POST {}", a.surface().path)).collect();
    let other_bearer: BTreeSet<&str> = [
        "GET /v1/officer/dossiers",
        "GET /v1/officer/dossiers/{code}",
        "GET /v1/dossiers/{code}/verify",
        "GET /v1/dossiers/{code}/receipt",
        "POST /v1/counter/dossiers",
        "POST /v1/counter/incomplete-dossiers",
        "POST /v1/counter/uploads",
        "GET /v1/officer/dossiers/{code}/files/{id}",
        "GET /v1/officer/dossiers/{code}/forms/{form}",
        "GET /v1/officer/dossiers/{code}/stored-documents",
        "GET /v1/officer/dossiers/{code}/archive",
        // Within the officer's own agency: tests/search.rs.
        "GET /v1/officer/search",
        // Each officer's reach: tests/reports.rs.
        "GET /v1/reports/dossiers",
        "GET /v1/reports/rates",
        "GET /v1/reports/score-card",
        "GET /v1/reports/satisfaction",
        "GET /v1/reports/workload",
        // The officer's own agency's officers: tests/routes.rs.
        "GET /v1/officer/colleagues",
        // One's own record only: tests/arrivals.rs.
        "PUT /v1/officer/me/arrivals",
    ]
    .into();
    let mut missing = vec![];
    for (method, path, bearer, secret) in routes() {
        let key = format!("{method} {path}");
        let covered = if bearer {
            transition_paths.contains(&key) || other_bearer.contains(key.as_str()) || path.starts_with("/v1/admin/")
        } else {
            secret || public.contains(key.as_str())
        };
        if !covered {
            missing.push(key);
        }
    }
    assert!(missing.is_empty(), "routes outside the authorisation matrix: {missing:?}");
}
