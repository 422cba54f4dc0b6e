//! A small blocking HTTP/1.1 client for the few calls the sign-in and the pages make themselves:
//! an identity provider's discovery, keys, token and revocation endpoints, and a file's `PUT` to
//! its presigned address. One request a connection (`Connection: close`), TLS by the rustls and
//! aws-lc-rs the AWS SDK already links, the machine's root certificates, no redirects followed,
//! answers read up to a bound. The `web` function links this instead of a general client (see
//! docs/performance.md, *Package size*); the outside systems' adapters keep theirs.
//!
//! Blocking: call it from `spawn_blocking`, or where blocking is allowed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The most of an answer's body read (keys, tokens and discovery documents are small).
const MOST: usize = 1 << 20;

/// The most header lines an answer may have.
const MOST_HEADERS: usize = 100;

/// An answer: its status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, when the status is a success.
    pub fn json(self) -> Result<serde_json::Value, String> {
        if !self.ok() {
            return Err(format!("status {}", self.status));
        }
        serde_json::from_slice(&self.body).map_err(|e| format!("not JSON: {e}"))
    }
}

/// One request: method, address, headers, body.
pub struct Request<'a> {
    method: &'static str,
    url: &'a str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    timeout: Duration,
    /// Whom TLS trusts: the machine's roots ([`tls_config`]) unless set (tests).
    tls: Option<Arc<rustls::ClientConfig>>,
}

impl<'a> Request<'a> {
    pub fn get(url: &'a str) -> Self {
        Self { method: "GET", url, headers: vec![], body: vec![], timeout: Duration::from_secs(10), tls: None }
    }

    /// A form, `application/x-www-form-urlencoded`.
    pub fn post_form(url: &'a str, form: &[(&str, &str)]) -> Self {
        let encoded: Vec<String> = form.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        Self::get(url)
            .method("POST")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded.join("&").into_bytes())
    }

    pub fn put(url: &'a str, body: Vec<u8>) -> Self {
        Self::get(url).method("PUT").body(body)
    }

    fn method(mut self, method: &'static str) -> Self {
        self.method = method;
        self
    }

    fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The longest the connection may wait on each read or write (10 s unless set).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Trusts what `config` trusts instead of the machine's roots.
    #[cfg(test)]
    fn trusting(mut self, config: Arc<rustls::ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Sends the request and reads the answer. The error says what failed, never the address's
    /// query (a presigned address's is a signature).
    pub fn send(self) -> Result<Answer, String> {
        let target = Target::parse(self.url)?;
        if self.headers.iter().any(|(n, v)| bad_header(n) || bad_header(v)) {
            return Err("a header holds a line break".into());
        }
        let mut head = format!(
            "{} {} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\naccept: application/json\r\ncontent-length: {}\r\n",
            self.method,
            target.path,
            target.host_header(),
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let tcp = connect(&target, self.timeout)?;
        let failed = |e: std::io::Error| format!("{}: {}", target.host, e.kind());
        if target.tls {
            let name = rustls::pki_types::ServerName::try_from(target.host.clone())
                .map_err(|_| format!("{} is not a host name", target.host))?;
            let config = match &self.tls {
                Some(config) => config.clone(),
                None => tls_config()?,
            };
            let connection = rustls::ClientConnection::new(config, name).map_err(|e| e.to_string())?;
            exchange(rustls::StreamOwned::new(connection, tcp), head.as_bytes(), &self.body).map_err(failed)
        } else {
            exchange(tcp, head.as_bytes(), &self.body).map_err(failed)
        }
    }
}

/// Writes the request's head and body to `stream`, then reads the answer.
fn exchange(mut stream: impl Read + Write, head: &[u8], body: &[u8]) -> std::io::Result<Answer> {
    stream.write_all(head)?;
    stream.write_all(body)?;
    stream.flush()?;
    read_answer(stream)
}

fn bad_header(text: &str) -> bool {
    text.contains(['\r', '\n'])
}

/// Where a request goes: scheme, host, port and the path with its query.
struct Target {
    tls: bool,
    host: String,
    port: u16,
    path: String,
}

impl Target {
    fn parse(url: &str) -> Result<Self, String> {
        let (tls, rest) = match url.split_once("://") {
            Some(("https", rest)) => (true, rest),
            Some(("http", rest)) => (false, rest),
            _ => return Err("not an http(s) address".into()),
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let path = if path.starts_with('?') { format!("/{path}") } else { path.to_owned() };
        if authority.contains('@') || authority.is_empty() {
            return Err("an address with no host, or with credentials".into());
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                (host, port.parse().map_err(|_| "a bad port".to_owned())?)
            }
            _ => (authority, if tls { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        if path.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err("a path with spaces".into());
        }
        Ok(Self { tls, host, port, path })
    }

    fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match (self.tls, self.port) {
            (true, 443) | (false, 80) => host,
            (_, port) => format!("{host}:{port}"),
        }
    }
}

fn connect(target: &Target, timeout: Duration) -> Result<TcpStream, String> {
    let addresses = (target.host.as_str(), target.port)
        .to_socket_addrs()
        .map_err(|_| format!("{}: the name does not resolve", target.host))?;
    let mut last = format!("{}: no address", target.host);
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout.min(Duration::from_secs(5))) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout)).and_then(|()| stream.set_write_timeout(Some(timeout))).ok();
                return Ok(stream);
            }
            Err(e) => last = format!("{}: {}", target.host, e.kind()),
        }
    }
    Err(last)
}

/// TLS with the aws-lc-rs provider and the machine's roots, made once.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            for cert in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(cert);
            }
            if roots.is_empty() {
                return Err("this machine has no root certificates".into());
            }
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(Arc::new(config))
        })
        .clone()
}

/// Reads the status line, the headers and the body (by its length, chunked, or to the end).
fn read_answer(stream: impl Read) -> std::io::Result<Answer> {
    let mut reader = BufReader::new(stream.take((MOST + 64 * 1024) as u64));
    let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let status_line = line(&mut reader)?;
    let status: u16 = status_line
        .strip_prefix("HTTP/1.")
        .and_then(|s| s.get(2..5))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("not an HTTP answer"))?;
    let (mut length, mut chunked) = (None, false);
    for _ in 0..MOST_HEADERS {
        let header = line(&mut reader)?;
        if header.is_empty() {
            let body = match (chunked, length) {
                (true, _) => read_chunked(&mut reader)?,
                (false, Some(n)) if n > MOST => return Err(invalid("the answer is too long")),
                (false, Some(n)) => {
                    let mut body = vec![0; n];
                    reader.read_exact(&mut body)?;
                    body
                }
                (false, None) => to_end(&mut reader)?,
            };
            return Ok(Answer { status, body });
        }
        let Some((name, value)) = header.split_once(':') else { return Err(invalid("a bad header")) };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse().map_err(|_| invalid("a bad length"))?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    Err(invalid("too many headers"))
}

/// One line without its line break.
fn line(reader: &mut impl BufRead) -> std::io::Result<String> {
    let mut line = Vec::new();
    reader.by_ref().take(16 * 1024).read_until(b'\n', &mut line)?;
    if line.last() != Some(&b'\n') {
        return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the answer ended early"));
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not text"))
}

fn read_chunked(reader: &mut impl BufRead) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let size = line(reader)?;
        let size = size.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size, 16)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "a bad chunk"))?;
        if size == 0 {
            // Trailers, if any, up to the empty line.
            while !line(reader)?.is_empty() {}
            return Ok(body);
        }
        if body.len() + size > MOST {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the answer is too long"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        line(reader)?;
    }
}

/// A body that ends with the connection; a peer that closes without TLS's goodbye still ends it.
fn to_end(reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    match reader.take(MOST as u64 + 1).read_to_end(&mut body) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {}
        Err(e) => return Err(e),
    }
    if body.len() > MOST {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "the answer is too long"));
    }
    Ok(body)
}

/// Percent-encoding for a query or a form (the pages' links use it too): unreserved characters
/// as they are, every other byte `%XX`.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests;
