//! Slow clients against the real `motcua serve`: GIVEN a server with a 2-second header timeout,
//! a 3-second request timeout and room for 16 connections, WHEN clients send part of their
//! headers, or a body shorter than its `Content-Length`, and stall THEN the server keeps serving
//! everyone else and closes the stalled connections. The bounds checked here are generous
//! (ten seconds for a two-second timeout): they tell a closed connection from one held for
//! minutes, not how fast the server is.

mod server;
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use server::Server;

/// How long a stalled connection may stay open before the test calls it held.
const HELD: Duration = Duration::from_secs(10);

fn connect(server: &Server, first_bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(HELD)).unwrap();
    stream.write_all(first_bytes).unwrap();
    stream
}

/// Waits for the server to end `stream`: what it sent before closing (empty for a plain close),
/// or `None` if it still held the connection after [`HELD`].
fn ended(mut stream: TcpStream) -> Option<String> {
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Some(String::new()),
        Err(_) => None,
    }
}

#[test]
fn stalled_clients_are_cut_off_and_everyone_else_is_served() {
    let env = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    let server = Server::start_with(vec![
        env("MOTCUA_HEADER_TIMEOUT", "2"),
        env("MOTCUA_REQUEST_TIMEOUT", "3"),
        env("MOTCUA_MAX_CONNECTIONS", "16"),
    ]);
    let started = Instant::now();
    let half_headers: Vec<TcpStream> =
        (0..10).map(|_| connect(&server, b"GET /v1/health HTTP/1.1\r\nHost: motcua\r\nX-Slow: ")).collect();
    let short_bodies: Vec<TcpStream> = (0..3)
        .map(|_| {
            connect(
                &server,
                b"POST /v1/dossiers HTTP/1.1\r\nHost: motcua\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"procedure_code\"",
            )
        })
        .collect();
    let idle: Vec<TcpStream> = (0..2).map(|_| connect(&server, b"")).collect();

    // 15 of 16 connections are stalled; the one left serves everyone else, one at a time.
    for _ in 0..5 {
        let (s, v) = server.request("GET", "/v1/procedures?limit=1", None, None, None);
        assert_eq!(s, 200, "{v}");
    }

    for stream in half_headers.into_iter().chain(idle) {
        let answer = ended(stream).expect("a stalled connection is closed");
        assert!(!answer.contains("200 OK"), "{answer}");
    }
    for stream in short_bodies {
        let answer = ended(stream).expect("a stalled body is cut off");
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    println!("15 stalled connections closed within {:.1} s", started.elapsed().as_secs_f64());

    // More stalled clients than the server has room for: they are cut off in turn, and a
    // request that waited behind them is served.
    let crowd: Vec<TcpStream> = (0..20).map(|_| connect(&server, b"GET /v1/health HTTP/1.1\r\n")).collect();
    let (s, v) = server.request("GET", "/v1/health", None, None, None);
    assert_eq!(s, 200, "{v}");
    for stream in crowd {
        assert!(ended(stream).is_some(), "a connection of the crowd is closed");
    }
    let log = std::fs::read_to_string(&server.log).unwrap_or_default();
    assert!(!log.contains("panicked"), "{log}");
}
