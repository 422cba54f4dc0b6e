//! The real `motcua` binary as a test fixture: started on a free port with a temporary data
//! directory, driven over HTTP, with its log file and sink at hand.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{self, criminal_record_filing};

pub struct Server {
    pub child: Child,
    pub base: String,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    pub env: Vec<(String, String)>,
    /// The temporary directory holding the data directory, unless the caller owns it.
    pub _dir: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start() -> Self {
        Self::start_with(vec![])
    }

    /// Starts the server with extra environment (also given to `motcua token`).
    pub fn start_with(env: Vec<(String, String)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut server = Self::start_in(&dir.path().join("data"), env);
        server._dir = Some(dir);
        server
    }

    /// Starts the server on `data_dir` (kept by the caller, e.g. across restarts).
    pub fn start_in(data_dir: &Path, env: Vec<(String, String)>) -> Self {
        std::fs::create_dir_all(data_dir).unwrap();
        let log = data_dir.with_extension(format!("log.{}", rand::random::<u32>()));
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(data_dir)
            .env("MOTCUA_LOG", "debug")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let server =
            Self { child, base: format!("http://127.0.0.1:{port}"), data_dir: data_dir.into(), log, env, _dir: None };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{}/v1/health", server.base)).call().is_err() {
            assert!(
                Instant::now() < deadline,
                "server did not start: {}",
                std::fs::read_to_string(&server.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        server
    }

    /// Kills the server at once (SIGKILL: no shutdown, no flush).
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn token(&self, officer: &str) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["token", officer, "--data-dir"])
            .arg(&self.data_dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().split_whitespace().last().unwrap().to_owned()
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        secret: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = ureq::request(method, &format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.set("authorization", &format!("Bearer {t}"));
        }
        if let Some(s) = secret {
            req = req.set("x-lookup-secret", s);
        }
        let result = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = response.status();
        let mut text = String::new();
        response.into_reader().read_to_string(&mut text).unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn officer(&self, token: &str, code: &str, action: &str, body: Value) -> Value {
        let (s, v) = self.request("POST", &format!("/v1/dossiers/{code}/{action}"), Some(token), None, Some(body));
        assert_eq!(s, 200, "{action}: {v}");
        v
    }

    /// `filing` with the sample scan uploaded, as the applicant, for each document that names
    /// no upload.
    pub fn with_files(&self, filing: Value) -> Value {
        with_files_at(&ureq::agent(), &self.base, filing).unwrap()
    }

    /// Files `filing` online with its files: (status, answer).
    pub fn file(&self, filing: Value) -> (u16, Value) {
        self.request("POST", "/v1/dossiers", None, None, Some(self.with_files(filing)))
    }

    pub fn submit(&self, phone: &str) -> (String, String) {
        let (s, v) = self.file(criminal_record_filing(phone));
        assert_eq!(s, 201, "{v}");
        (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned())
    }

    /// The sink's lines for `code`, waiting until at least `count` have arrived.
    pub fn messages(&self, code: &str, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let lines = read_sink(&self.data_dir.join("sent-messages.jsonl"), code);
            if lines.len() >= count || Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// `filing` with the sample scan uploaded, as the applicant, to the server at `base` for each
/// document that names no upload; the error of the first request that failed.
pub fn with_files_at(agent: &ureq::Agent, base: &str, mut filing: Value) -> Result<Value, Box<ureq::Error>> {
    for i in support::without_files(&filing) {
        let (bytes, announcement) = support::scan(filing["documents"][i]["file_name"].as_str().unwrap_or("scan.png"));
        let upload: Value = agent
            .post(&format!("{base}/v1/uploads"))
            .send_json(announcement)?
            .into_json()
            .map_err(ureq::Error::from)?;
        let url = format!("{base}{}", upload["upload"]["url"].as_str().unwrap());
        agent.put(&url).set("content-type", "image/png").send_bytes(&bytes)?;
        support::attach(&mut filing, i, &upload);
    }
    Ok(filing)
}

/// The sink's lines for dossier `code`.
pub fn read_sink(path: &Path, code: &str) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["dossier_code"] == code)
        .collect()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
