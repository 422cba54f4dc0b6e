//! A small WebDriver client (W3C protocol over HTTP) for the browser tests: Debian's
//! `chromedriver` started on a free loopback port, driving Debian's headless `chromium`. Only
//! what the tests use: sessions with or without JavaScript, navigation, elements, scripts,
//! screenshots and the browser's console.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A running chromedriver.
pub struct Driver {
    child: Child,
    base: String,
}

impl Driver {
    pub fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver; scripts/test installs it)");
        let driver = Self { child, base: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{}/status", driver.base)).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    /// A new headless browser window of `width`×`height`, JavaScript on or off.
    pub fn session(&self, width: u32, height: u32, javascript: bool) -> Session {
        let mut prefs = json!({});
        if !javascript {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--hide-scrollbars", "--lang=vi", format!("--window-size={width},{height}")],
                "prefs": prefs,
                // Headless windows are at least 500 pixels wide: a phone's viewport is emulated.
                "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": width < 500}}
            }
        }}});
        let reply = post(&format!("{}/session", self.base), &capabilities);
        let id = reply["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {reply}")).to_owned();
        let session = Session { base: format!("{}/session/{id}", self.base), javascript };
        // The window's inner size is the viewport a phone has.
        session.execute("return 1", json!([]));
        session
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answer(result: Result<ureq::Response, ureq::Error>, what: &str) -> Value {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{what}: {e}"),
    };
    let mut text = String::new();
    response.into_reader().take(64 << 20).read_to_string(&mut text).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what}: not JSON: {text}"))
}

fn post(url: &str, body: &Value) -> Value {
    answer(ureq::post(url).timeout(Duration::from_secs(120)).send_json(body.clone()), url)
}

fn get(url: &str) -> Value {
    answer(ureq::get(url).timeout(Duration::from_secs(60)).call(), url)
}

/// One browser window.
pub struct Session {
    base: String,
    pub javascript: bool,
}

/// An element of the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    fn ok(&self, what: &str, reply: Value) -> Value {
        if reply["value"].get("error").is_some() {
            panic!("{what}: {}", reply["value"]);
        }
        reply["value"].clone()
    }

    pub fn goto(&self, url: &str) {
        self.ok("navigate", post(&format!("{}/url", self.base), &json!({"url": url})));
    }

    /// Waits up to five seconds for `condition` (a page loading after a click), then says
    /// whether it held.
    pub fn wait(&self, condition: impl Fn(&Session) -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !condition(self) {
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        true
    }

    /// Waits for the page to hold `text`, then says whether it does.
    pub fn shows(&self, text: &str) -> bool {
        self.wait(|s| s.source().contains(text))
    }

    pub fn url(&self) -> String {
        self.ok("url", get(&format!("{}/url", self.base))).as_str().unwrap_or_default().to_owned()
    }

    pub fn source(&self) -> String {
        self.ok("source", get(&format!("{}/source", self.base))).as_str().unwrap_or_default().to_owned()
    }

    pub fn title(&self) -> String {
        self.ok("title", get(&format!("{}/title", self.base))).as_str().unwrap_or_default().to_owned()
    }

    /// The first element matching `css`, or none.
    pub fn try_find(&self, css: &str) -> Option<Element> {
        let reply = post(&format!("{}/element", self.base), &json!({"using": "css selector", "value": css}));
        reply["value"][ELEMENT].as_str().map(|id| Element(id.to_owned()))
    }

    /// The first element matching `css`, waiting up to five seconds for it (a page still
    /// loading after a form was sent).
    pub fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(e) = self.try_find(css) {
                return e;
            }
            if Instant::now() > deadline {
                panic!("no element {css} on {}:\n{}", self.url(), self.source());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.ok("clear", post(&format!("{}/element/{}/clear", self.base, e.0), &json!({})));
        self.ok("type", post(&format!("{}/element/{}/value", self.base, e.0), &json!({"text": text})));
    }

    /// Chooses the file at `path` in the file input `css`.
    pub fn choose_file(&self, css: &str, path: &str) {
        let e = self.find(css);
        self.ok("choose", post(&format!("{}/element/{}/value", self.base, e.0), &json!({"text": path})));
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.ok("click", post(&format!("{}/element/{}/click", self.base, e.0), &json!({})));
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.ok("text", get(&format!("{}/element/{}/text", self.base, e.0))).as_str().unwrap_or_default().to_owned()
    }

    /// Runs `script` in the page (not subject to the page's CSP) and returns its value.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.ok("execute", post(&format!("{}/execute/sync", self.base), &json!({"script": script, "args": args})))
    }

    /// Runs `script`, which calls its last argument with the value.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.ok("execute", post(&format!("{}/execute/async", self.base), &json!({"script": script, "args": args})))
    }

    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine;
        let png = self.ok("screenshot", get(&format!("{}/screenshot", self.base)));
        let bytes = base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// The value of the browser's cookie `name` (HttpOnly ones too).
    pub fn cookie(&self, name: &str) -> Option<String> {
        let reply = get(&format!("{}/cookie/{name}", self.base));
        reply["value"]["value"].as_str().map(str::to_owned)
    }

    /// The console's messages since the last call: (level, text).
    pub fn console(&self) -> Vec<(String, String)> {
        let reply = post(&format!("{}/se/log", self.base), &json!({"type": "browser"}));
        reply["value"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| (e["level"].as_str().unwrap_or("").to_owned(), e["message"].as_str().unwrap_or("").to_owned()))
            .collect()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.base).call();
    }
}
