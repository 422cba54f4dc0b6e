//! `motcua serve --oidc-issuer`: the real binary verifies officers' tokens from an OpenID
//! Connect issuer on loopback (discovery document and JWKS), instead of its local key. A token
//! the issuer signed works; the local key's tokens, a key the JWKS does not hold, another
//! audience and an expired token do not.

mod server;
mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use server::Server;

const AUDIENCE: &str = "motcua-portal";

/// Serves one document on every path: the discovery fields and the key set together.
fn issuer() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let jwk: Value = serde_json::from_str(include_str!("../functions/src/auth/oidc/test-jwk-a.json")).unwrap();
    let body = json!({"issuer": url, "jwks_uri": format!("{url}/jwks"), "keys": [jwk]}).to_string();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request_line = String::new();
            let _ = BufReader::new(&stream).read_line(&mut request_line);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

fn token(issuer: &str, audience: &str, expires_in: i64, pem: &[u8], kid: &str) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({
        "sub": "2b7e-uuid", "cognito:username": "tuphap.lanhdao", "custom:agency": "000.00.03.H56",
        "cognito:groups": ["leader"], "name": "Trần Thị Lan", "iss": issuer, "aud": audience,
        "token_use": "id", "iat": now, "exp": now + expires_in
    });
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.into());
    encode(&header, &claims, &EncodingKey::from_rsa_pem(pem).unwrap()).unwrap()
}

#[test]
fn serve_trusts_the_issuers_keys_and_nothing_else() {
    let issuer = issuer();
    let server = Server::start_with(vec![
        ("MOTCUA_OIDC_ISSUER".into(), issuer.clone()),
        ("MOTCUA_OIDC_AUDIENCE".into(), AUDIENCE.into()),
        ("MOTCUA_OIDC_TOKEN_USE".into(), "id".into()),
    ]);
    let key_a = include_bytes!("../functions/src/auth/oidc/test-key-a.pem");
    let key_b = include_bytes!("../functions/src/auth/oidc/test-key-b.pem");
    let queue = |t: &str| server.request("GET", "/v1/officer/dossiers", Some(t), None, None);

    let (status, page) = queue(&token(&issuer, AUDIENCE, 600, key_a, "key-a"));
    assert_eq!(status, 200, "a token the issuer signed: {page}");
    let (code, _) = server.submit("0912345678");
    let (status, _) = server.request(
        "POST",
        &format!("/v1/dossiers/{code}/receive"),
        Some(&token(&issuer, AUDIENCE, 600, key_a, "key-a")),
        None,
        Some(json!({})),
    );
    assert_eq!(status, 403, "a leader is not the reception desk: roles come from the issuer's groups");

    let refused = [
        ("the local key's token", server.token("tuphap.lanhdao")),
        ("a key the JWKS does not hold", token(&issuer, AUDIENCE, 600, key_b, "key-b")),
        ("a key under the issuer's kid", token(&issuer, AUDIENCE, 600, key_b, "key-a")),
        ("another audience", token(&issuer, "someone-else", 600, key_a, "key-a")),
        ("an expired token", token(&issuer, AUDIENCE, -600, key_a, "key-a")),
        ("another issuer", token("https://evil.example", AUDIENCE, 600, key_a, "key-a")),
    ];
    for (what, t) in refused {
        let (status, answer) = queue(&t);
        assert_eq!(status, 401, "{what}: {answer}");
    }
}
