//! Trust, round 2: what an independent attack on the running server found, each case refused
//! as `docs/security.md` says. GIVEN the seeded province in process WHEN a client tries the
//! attack THEN the answer is a clear error and nothing changes.

mod api;
mod support;

use std::time::Duration;

use api::{code_of, Api};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use jsonwebtoken::{encode, EncodingKey, Header};
use motcua_domain::catalogue::{OfficerId, Role};
use motcua_functions::auth::{Claims, AUDIENCE, ISSUER};
use serde_json::{json, Value};
use support::*;
use tower::ServiceExt;

/// A token signed with the server's own key, with `claims` adjusted.
fn forged(api: &Api, adjust: impl FnOnce(&mut Claims)) -> String {
    let now = chrono::Utc::now().timestamp();
    let mut claims = Claims {
        sub: "tuphap.lanhdao".into(),
        name: "Lãnh đạo".into(),
        agency: JUSTICE.into(),
        roles: vec![Role::Leader],
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now,
        nbf: None,
        exp: now + 3600,
    };
    adjust(&mut claims);
    let key = std::fs::read_to_string(api.home.data_dir.join("jwt-signing.key")).unwrap();
    encode(&Header::default(), &claims, &EncodingKey::from_secret(key.trim().as_bytes())).unwrap()
}

async fn received(api: &Api) -> String {
    let (code, _) = api.submit().await;
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    code
}

#[tokio::test]
async fn a_token_loses_the_powers_its_officer_lost() {
    let api = Api::with(|home| home.officer_ttl = Duration::ZERO).await;
    let admin = api.token("admin").await;
    let leader = api.token("tuphap.lanhdao").await;
    let code = received(&api).await;
    let stop = |token: String| {
        let uri = format!("/v1/dossiers/{code}/stop");
        let api = &api;
        async move { api.post(&uri, Some(&token), json!({"reason": "Dừng"})).await }
    };

    // The administrator moves the justice leader to the police as a specialist.
    let id = OfficerId::parse("tuphap.lanhdao").unwrap();
    let mut moved = api.home.store.catalogue.officer(&id).await.unwrap().unwrap();
    moved.agency = motcua_domain::codes::AgencyCode::parse("000.00.20.H56").unwrap();
    moved.roles = vec![Role::Specialist];
    let (s, v) = api.put("/v1/admin/officers/tuphap.lanhdao", &admin, serde_json::to_value(&moved).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = stop(leader).await;
    assert_eq!((s, code_of(&v)), (StatusCode::FORBIDDEN, "other_agency"), "the old token speaks for the record");

    // A correctly signed token for an officer nobody registered.
    let ghost = forged(&api, |c| c.sub = "ghost.officer".into());
    let (s, v) = stop(ghost).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{v}");
    let stored = api.home.store.dossiers.get(&motcua_domain::codes::DossierCode::parse(&code).unwrap()).await;
    assert_eq!(stored.unwrap().unwrap().dossier.status.as_str(), "received", "nothing changed");
}

#[tokio::test]
async fn tokens_not_yet_valid_or_living_too_long_are_refused_in_the_apis_words() {
    let api = Api::new().await;
    let code = received(&api).await;
    let now = chrono::Utc::now().timestamp();
    let cases = [
        ("not yet valid", forged(&api, |c| c.nbf = Some(now + 3600))),
        ("lives for years", forged(&api, |c| c.exp = now + 400 * 24 * 3600)),
        ("expires at 2^62", forged(&api, |c| c.exp = 1 << 62)),
        ("unsigned", {
            let header = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, r#"{"alg":"none"}"#);
            format!("{header}.e30.")
        }),
        ("not base64", "a.b.c".to_owned()),
    ];
    for (case, token) in cases {
        let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&token), None).await;
        assert_eq!((s, code_of(&v)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{case}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        for internal in ["variant", "Base64", "base64", "Json", "InvalidToken", "Error("] {
            assert!(!message.contains(internal), "{case}: the verifier's internals show: {message}");
        }
    }
    let fine = forged(&api, |c| c.nbf = Some(now - 60));
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&fine), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn every_answer_says_nosniff_and_unreadable_paths_answer_json() {
    let api = Api::new().await;
    let desk = api.token("tuphap.motcua").await;
    for (method, uri, token) in [
        ("GET", "/v1/procedures", None),
        ("GET", "/v1/nothing-here", None),
        ("GET", "/v1/officer/dossiers", None),
        ("GET", "/v1/officer/dossiers", Some(&desk)),
        ("GET", "/v1/dossiers/%FF%FE", None),
        ("GET", "/v1/procedures/%FF%FE", None),
        ("DELETE", "/v1/procedures", None),
    ] {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let res = api.app.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{method} {uri}");
        let json = res.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        assert!(json, "{method} {uri} answers {} as {:?}", res.status(), res.headers().get("content-type"));
    }
    let (s, v) = api.get("/v1/dossiers/%FF%FE", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_dossier_code"));
    let (s, v) = api.get("/v1/procedures/%FF%FE", None, None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "invalid_path"));
}

fn filing_with(adjust: impl FnOnce(&mut Value)) -> Value {
    let mut filing = criminal_record_filing("0912345678");
    adjust(&mut filing);
    filing
}

#[tokio::test]
async fn long_or_invisible_text_is_refused_on_its_own_field() {
    let api = Api::new().await;
    let cases = [
        (filing_with(|f| f["documents"][0]["file_name"] = json!("a".repeat(300))), "too_long", "file_name"),
        (filing_with(|f| f["documents"][0]["reference"] = json!("r".repeat(600))), "too_long", "reference"),
        (filing_with(|f| f["applicant"]["name"] = json!("Nguyễn \u{202E}nA")), "invalid_characters", "name"),
        (filing_with(|f| f["applicant"]["name"] = json!("Nguyễn\nAn")), "invalid_characters", "name"),
        (filing_with(|f| f["applicant"]["address"] = json!("Nha Trang\u{0007}")), "invalid_characters", "address"),
        (
            filing_with(|f| f["documents"][0]["file_name"] = json!("cv\u{202E}fdp.exe")),
            "invalid_characters",
            "file_name",
        ),
    ];
    for (body, code, field) in cases {
        let (s, v) = api.post("/v1/dossiers", None, body).await;
        assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, code), "{v}");
        assert_eq!(v["error"]["details"]["field"], field, "{v}");
    }
    let (s, v) = api.file(criminal_record_filing("0912345678")).await;
    assert_eq!(s, StatusCode::CREATED, "nothing was created before: {v}");
    assert!(v["code"].as_str().unwrap().ends_with("-0001"), "{v}");

    // A reason keeps its line breaks, never a control or direction character.
    let code = v["code"].as_str().unwrap().to_owned();
    let desk = api.token("tuphap.motcua").await;
    let at = format!("/v1/dossiers/{code}/request-supplement");
    let body = |reason: &str| json!({"reason": reason, "missing": ["Bản chụp giấy tờ tùy thân"]});
    let (s, v) = api.post(&at, Some(&desk), body("Thiếu\u{202E} giấy tờ")).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters"));
    let (s, v) = api.post(&at, Some(&desk), body("Thiếu giấy tờ:\n- bản chụp mờ")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn due_dates_stay_within_reach() {
    let api = Api::new().await;
    let lead = api.token("tuphap.lanhdao").await;
    let code = received(&api).await;
    let at = format!("/v1/dossiers/{code}/extend");
    let (s, v) = api.post(&at, Some(&lead), json!({"reason": "Chờ", "new_due_at": "9999-12-31T16:00:00+07:00"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "new_due_too_late"), "{v}");
    let latest = v["error"]["details"]["latest"].as_str().unwrap().to_owned();
    assert!(latest.starts_with("20") && latest.ends_with("+07:00"), "{latest}");
    let (s, v) = api.post(&at, Some(&lead), json!({"reason": "Chờ", "new_due_at": latest})).await;
    assert_eq!(s, StatusCode::OK, "the latest allowed date itself is allowed: {v}");

    for query in ["received_at=9999-12-31T08:00:00%2B07:00", "received_at=1900-01-01T08:00:00%2B07:00"] {
        let (s, v) = api.get(&format!("/v1/procedures/{CRIMINAL_RECORD}/due-date?{query}"), None, None).await;
        assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "instant_out_of_range"), "{query}");
    }
    let (s, v) = api.get("/v1/officer/dossiers?due_before=9999-12-31T08:00:00%2B07:00", Some(&lead), None).await;
    assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "instant_out_of_range"), "{v}");
}
