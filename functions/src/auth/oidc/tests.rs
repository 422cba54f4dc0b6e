//! The verifier against a local issuer: discovery, JWKS, rotation, and every bad token.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

use super::*;

const KEY_A: &[u8] = include_bytes!("test-key-a.pem");
const KEY_B: &[u8] = include_bytes!("test-key-b.pem");
const JWK_A: &str = include_str!("test-jwk-a.json");
const JWK_B: &str = include_str!("test-jwk-b.json");

/// A tiny issuer: its discovery document and a JWKS that the test can change; counts fetches.
struct Issuer {
    url: String,
    keys: Arc<Mutex<Vec<Value>>>,
    fetches: Arc<AtomicUsize>,
}

impl Issuer {
    fn start(keys: Vec<&str>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let keys = Arc::new(Mutex::new(keys.iter().map(|k| serde_json::from_str(k).unwrap()).collect()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (k, f, u) = (keys.clone(), fetches.clone(), url.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut line = String::new();
                BufReader::new(&stream).read_line(&mut line).unwrap_or_default();
                let body = if line.contains("/.well-known/openid-configuration") {
                    json!({"issuer": u, "jwks_uri": format!("{u}/jwks")})
                } else {
                    f.fetch_add(1, Ordering::SeqCst);
                    json!({"keys": *k.lock().unwrap()})
                }
                .to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Self { url, keys, fetches }
    }

    fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer: self.url.clone(),
            audience: "motcua-portal".into(),
            jwks_url: None,
            token_use: None,
            algorithms: vec![Algorithm::RS256],
        }
    }

    fn claims(&self) -> Value {
        let now = chrono::Utc::now().timestamp();
        json!({
            "sub": "5f1c-uuid", "cognito:username": "lan.tn", "custom:agency": "000.00.03.H56",
            "cognito:groups": ["specialist", "leader"], "iss": self.url, "aud": "motcua-portal",
            "token_use": "id", "iat": now, "exp": now + 600
        })
    }
}

fn sign(claims: &Value, kid: &str, pem: &[u8]) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    encode(&header, claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap()
}

#[test]
fn a_token_from_the_issuer_names_its_officer() {
    let issuer = Issuer::start(vec![JWK_A]);
    let v = OidcVerifier::discover(issuer.config()).unwrap();
    let o = v.verify(&sign(&issuer.claims(), "key-a", KEY_A)).unwrap();
    assert_eq!((o.id.as_str(), o.agency.as_str()), ("lan.tn", "000.00.03.H56"));
    assert_eq!(o.roles, [motcua_domain::catalogue::Role::Specialist, motcua_domain::catalogue::Role::Leader]);
}

#[test]
fn every_defective_token_is_refused() {
    let issuer = Issuer::start(vec![JWK_A]);
    let v = OidcVerifier::discover(issuer.config()).unwrap();
    let good = issuer.claims();
    let with = |key: &str, value: Value| {
        let mut c = good.clone();
        c[key] = value;
        c
    };
    let b64 = |v: &Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let n = serde_json::from_str::<Value>(JWK_A).unwrap()["n"].as_str().unwrap().to_owned();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some("key-a".into());
    let cases = vec![
        ("expired", sign(&with("exp", json!(chrono::Utc::now().timestamp() - 600)), "key-a", KEY_A)),
        ("wrong issuer", sign(&with("iss", json!("https://evil.example")), "key-a", KEY_A)),
        ("wrong audience", sign(&with("aud", json!("another-app")), "key-a", KEY_A)),
        ("signed by a key the issuer does not publish", sign(&good, "key-a", KEY_B)),
        ("unknown kid", sign(&good, "key-zzz", KEY_A)),
        ("alg none", format!("{}.{}.", b64(&json!({"alg": "none", "kid": "key-a"})), b64(&good))),
        (
            "HS256 keyed with the public key (algorithm confusion)",
            encode(&hs_header, &good, &EncodingKey::from_secret(n.as_bytes())).unwrap(),
        ),
        ("not a token", "abc.def".into()),
        ("without an agency", sign(&with("custom:agency", json!("")), "key-a", KEY_A)),
    ];
    for (name, token) in cases {
        let e = v.verify(&token).expect_err(name);
        assert_eq!(e.status, axum::http::StatusCode::UNAUTHORIZED, "{name}");
    }
}

#[test]
fn a_rotated_key_is_fetched_once_and_random_kids_do_not_hammer_the_issuer() {
    let issuer = Issuer::start(vec![JWK_A]);
    let v = OidcVerifier::discover(issuer.config()).unwrap().with_min_refresh(Duration::ZERO);
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 1);
    issuer.keys.lock().unwrap().push(serde_json::from_str(JWK_B).unwrap());
    let o = v.verify(&sign(&issuer.claims(), "key-b", KEY_B)).unwrap();
    assert_eq!(o.id.as_str(), "lan.tn");
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2, "refreshed once for the new kid");
    v.verify(&sign(&issuer.claims(), "key-b", KEY_B)).unwrap();
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2, "then cached");

    let v = v.with_min_refresh(Duration::from_secs(3600));
    for i in 0..20 {
        assert!(v.verify(&sign(&issuer.claims(), &format!("random-{i}"), KEY_A)).is_err());
    }
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 2, "unknown kids wait for the refresh interval");
}

#[test]
fn cognito_access_tokens_are_checked_by_client_id_and_token_use() {
    let issuer = Issuer::start(vec![JWK_A]);
    let mut config = issuer.config();
    config.token_use = Some("access".into());
    let v = OidcVerifier::discover(config).unwrap();
    let mut access = issuer.claims();
    access.as_object_mut().unwrap().remove("aud");
    access["client_id"] = json!("motcua-portal");
    access["token_use"] = json!("access");
    assert!(v.verify(&sign(&access, "key-a", KEY_A)).is_ok());
    access["client_id"] = json!("another-client");
    assert!(v.verify(&sign(&access, "key-a", KEY_A)).is_err(), "another app's token");
    assert!(v.verify(&sign(&issuer.claims(), "key-a", KEY_A)).is_err(), "an id token where access is required");
}

#[test]
fn algorithms_are_asymmetric_only() {
    assert_eq!(OidcConfig::parse_algorithms("RS256, ES256"), Ok(vec![Algorithm::RS256, Algorithm::ES256]));
    assert!(OidcConfig::parse_algorithms("HS256").is_err());
    assert!(OidcConfig::parse_algorithms("none").is_err());
}
