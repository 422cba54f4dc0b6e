//! The client against a loopback server answering as real servers do: by length, chunked, to
//! the end of the connection, over TLS; and what it refuses.
//!
//! The TLS fixtures are a test CA and a certificate it signed for `localhost` and 127.0.0.1
//! (P-256, valid to 2126), made with openssl once: `req -x509 … -addext
//! basicConstraints=critical,CA:TRUE` for the CA, then `x509 -req -CA …` with
//! `subjectAltName=DNS:localhost,IP:127.0.0.1` and `extendedKeyUsage=serverAuth`, all as DER
//! (the key as PKCS#8). They secure nothing but these tests.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use super::*;

/// The request a server reads: the head, then the body its length announces.
fn read_request(stream: &mut impl Read) -> String {
    let mut request = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        let n = stream.read(&mut buffer).unwrap_or(0);
        request.extend_from_slice(&buffer[..n]);
        let text = String::from_utf8_lossy(&request).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize =
                text.lines().find_map(|l| l.strip_prefix("content-length: ")).and_then(|l| l.parse().ok()).unwrap_or(0);
            if request.len() >= end + 4 + length {
                return text;
            }
        }
        if n == 0 {
            return text;
        }
    }
}

/// A server answering one connection with `answer`; gives the request it read.
fn serve(answer: &'static [u8]) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let request = read_request(&mut stream);
        let _ = stream.write_all(answer);
        let _ = tx.send(request);
    });
    (address, rx)
}

#[test]
fn a_form_is_posted_encoded_with_its_headers() {
    let (address, request) = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n{\"a\": true}");
    let url = format!("{address}/oauth2/token");
    let answer = Request::post_form(&url, &[("code", "a b&c=đ"), ("client_id", "x")])
        .header("authorization", "Basic eDp5")
        .send()
        .unwrap();
    assert_eq!(answer.json().unwrap(), serde_json::json!({"a": true}));
    let request = request.recv().unwrap();
    assert!(request.starts_with("POST /oauth2/token HTTP/1.1\r\n"), "{request}");
    assert!(request.contains(&format!("host: {}\r\n", address.trim_start_matches("http://"))), "{request}");
    assert!(request.contains("authorization: Basic eDp5\r\n"), "{request}");
    assert!(request.ends_with("\r\n\r\ncode=a%20b%26c%3D%C4%91&client_id=x"), "{request}");
}

#[test]
fn a_chunked_answer_and_one_to_the_end_are_read_whole() {
    let (address, _) =
        serve(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"k\"\r\n6\r\n: [1]}\r\n0\r\n\r\n");
    let answer = Request::get(&format!("{address}/jwks")).send().unwrap();
    assert_eq!(answer.json().unwrap(), serde_json::json!({"k": [1]}));
    let (address, _) = serve(b"HTTP/1.0 404 Not Found\r\n\r\nno such key");
    let answer = Request::get(&format!("{address}/jwks?x=1")).send().unwrap();
    assert_eq!((answer.status, answer.body.as_slice()), (404, &b"no such key"[..]));
    assert_eq!(answer.json().unwrap_err(), "status 404");
}

#[test]
fn a_put_sends_its_bytes_and_takes_no_redirect() {
    let (address, request) =
        serve(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://elsewhere/\r\nContent-Length: 0\r\n\r\n");
    let url = format!("{address}/bucket/key?X-Amz-Signature=abc");
    let answer = Request::put(&url, vec![1, 2, 3]).header("content-type", "image/jpeg").send().unwrap();
    assert_eq!(answer.status, 307);
    let request = request.recv().unwrap();
    assert!(request.starts_with("PUT /bucket/key?X-Amz-Signature=abc HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("content-length: 3\r\n") && request.ends_with("\r\n\r\n\u{1}\u{2}\u{3}"), "{request}");
}

#[test]
fn what_is_not_an_answer_or_too_long_is_an_error() {
    let (address, _) = serve(b"SSH-2.0-OpenSSH\r\n");
    assert!(Request::get(&address).send().is_err());
    let (address, _) = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n");
    assert!(Request::get(&address).send().unwrap_err().contains("invalid data"));
    let (address, _) = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    assert!(Request::get(&address).send().is_err(), "a body shorter than announced");
    assert!(Request::get("http://127.0.0.1:1/").send().is_err(), "nobody listening");
}

#[test]
fn addresses_are_parsed_or_refused() {
    let t = Target::parse("https://auth.example.vn/oauth2/token").unwrap();
    assert_eq!((t.tls, t.host.as_str(), t.port, t.path.as_str()), (true, "auth.example.vn", 443, "/oauth2/token"));
    assert_eq!(t.host_header(), "auth.example.vn");
    let t = Target::parse("http://127.0.0.1:8080?x=1").unwrap();
    assert_eq!((t.tls, t.port, t.path.as_str(), t.host_header()), (false, 8080, "/?x=1", "127.0.0.1:8080".to_owned()));
    let t = Target::parse("http://[::1]:9000/a").unwrap();
    assert_eq!((t.host.as_str(), t.port, t.host_header()), ("::1", 9000, "[::1]:9000".to_owned()));
    for bad in ["ftp://x/", "https://", "https://user:pw@host/", "https://host:99999/", "http://h/a b"] {
        assert!(Target::parse(bad).is_err(), "{bad}");
    }
    assert!(Request::get("http://h/").header("x", "a\r\nb: c").send().unwrap_err().contains("line break"));
}

/// The test CA's trust, with the provider the client uses.
fn trusting_the_test_ca() -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(include_bytes!("test-ca.der").to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}

/// A TLS server for `localhost` answering one connection with `answer`; gives the request.
fn serve_tls(answer: &'static [u8]) -> (u16, mpsc::Receiver<String>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = CertificateDer::from(include_bytes!("test-localhost.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(include_bytes!("test-localhost-key.der").to_vec()));
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let mut stream = rustls::StreamOwned::new(rustls::ServerConnection::new(Arc::new(config)).unwrap(), tcp);
        let request = read_request(&mut stream);
        let _ = stream.write_all(answer);
        stream.conn.send_close_notify();
        let _ = stream.flush();
        let _ = tx.send(request);
    });
    (port, rx)
}

#[test]
fn over_tls_the_server_is_checked_and_the_answer_read() {
    let (port, request) =
        serve_tls(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{\"keys\": []\r\n1\r\n}\r\n0\r\n\r\n");
    let url = format!("https://localhost:{port}/.well-known/jwks.json");
    let answer = Request::get(&url).trusting(trusting_the_test_ca()).send().unwrap();
    assert_eq!(answer.json().unwrap(), serde_json::json!({"keys": []}));
    let request = request.recv().unwrap();
    assert!(request.starts_with("GET /.well-known/jwks.json HTTP/1.1\r\n"), "{request}");
    assert!(request.contains(&format!("host: localhost:{port}\r\n")), "{request}");

    // An answer that ends with the connection, closed with TLS's goodbye.
    let (port, _) = serve_tls(b"HTTP/1.1 200 OK\r\n\r\n{\"ok\": 1}");
    let url = format!("https://localhost:{port}/");
    let answer = Request::get(&url).trusting(trusting_the_test_ca()).send().unwrap();
    assert_eq!(answer.json().unwrap(), serde_json::json!({"ok": 1}));
}

#[test]
fn over_tls_a_server_not_trusted_is_refused() {
    // The machine's roots do not hold the test CA (or the machine has none).
    let (port, _) = serve_tls(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    assert!(Request::get(&format!("https://localhost:{port}/")).send().is_err());
    // Plain HTTP to a TLS port is not an answer.
    let (port, _) = serve_tls(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
    assert!(Request::get(&format!("http://localhost:{port}/")).timeout(Duration::from_secs(2)).send().is_err());
}
