//! Email through the province's own mail server on one machine, against a real SMTP server on
//! loopback (aiosmtpd): a notice leaves the outbox through SMTP once, however often the worker
//! passes; a server that answers "try later" leaves it to be retried, and the retry delivers it;
//! `motcua notify test` sends through the configured server, and names a missing setting.

mod api;
mod support;

use std::sync::Arc;

use api::Api;
use axum::http::StatusCode;
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::notify::DeliveryState;
use motcua_domain::ports::NoEnclosures;
use motcua_infra::channels::ByChannel;
use motcua_infra::outbox_worker::Courier;
use motcua_infra::smtp::test_server::SmtpServer;
use motcua_infra::smtp::SmtpMailer;
use motcua_infra::LocalSink;

const LOGIN: Option<(&str, &str)> = Some(("motcua", "mat-khau"));

fn courier(api: &Api, server: &SmtpServer, sink: &std::path::Path) -> Courier {
    let email = SmtpMailer::new(&server.config("starttls", LOGIN)).unwrap();
    Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(ByChannel {
            sms: Arc::new(LocalSink::open(sink).unwrap()),
            email: Arc::new(email),
            zalo: None,
            axis: None,
        }),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    }
}

/// Files a dossier whose applicant gave only an email address; its code.
async fn email_only(api: &Api) -> String {
    let mut filing = support::criminal_record_filing("0912345678");
    filing["applicant"].as_object_mut().unwrap().remove("phone");
    let (s, v) = api.file(filing).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_notice_leaves_the_outbox_through_smtp_once() {
    let server = SmtpServer::start(&["--tls", "starttls", "--auth", "motcua:mat-khau"]);
    let api = Api::new().await;
    let code = email_only(&api).await;
    let dir = tempfile::tempdir().unwrap();
    let c = courier(&api, &server, &dir.path().join("sms.jsonl"));
    assert_eq!(c.drain_once().await, 1);
    assert_eq!(c.drain_once().await, 0, "handed over once");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let (raw, meta) = &received[0];
    assert_eq!((meta["encrypted"].as_bool(), meta["authenticated"].as_bool()), (Some(true), Some(true)));
    assert_eq!(meta["to"], serde_json::json!(["minhkhai@example.vn"]));
    assert!(raw.contains(&format!("Message-ID: <{code}.")), "{raw}");
    let id = format!("{code}:0:email");
    let m = api.home.store.outbox.message(&id).await.unwrap().expect("the notice");
    assert_eq!(
        (m.state, m.provider_id.as_deref()),
        (DeliveryState::Delivered, Some(&*format!("<{code}.0.email@motcua>")))
    );
}

#[tokio::test]
async fn try_later_is_retried_and_the_retry_delivers() {
    let busy = SmtpServer::start(&["--tls", "starttls", "--auth", "motcua:mat-khau", "--mode", "tempfail"]);
    let api = Api::new().await;
    let code = email_only(&api).await;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(courier(&api, &busy, &dir.path().join("sms.jsonl")).drain_once().await, 0);
    let id = format!("{code}:0:email");
    let m = api.home.store.outbox.message(&id).await.unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (DeliveryState::Created, 1), "back in the outbox for a later attempt");
    assert!(m.last_error.as_deref().unwrap_or("").contains("451"), "{:?}", m.last_error);
    let fine = SmtpServer::start(&["--tls", "starttls", "--auth", "motcua:mat-khau"]);
    api.pass(chrono::Duration::hours(1));
    assert_eq!(courier(&api, &fine, &dir.path().join("sms.jsonl")).drain_once().await, 1);
    assert_eq!((busy.received().len(), fine.received().len()), (0, 1));
}

#[test]
fn motcua_notify_test_sends_through_smtp_and_names_a_missing_setting() {
    let server = SmtpServer::start(&["--tls", "implicit", "--auth", "motcua:mat-khau"]);
    let dir = tempfile::tempdir().unwrap();
    let run = |env: &[(String, String)]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
            .args(["notify", "test", "--channel", "email", "--to", "canbo@tuphap.example.vn", "--email", "smtp"])
            .arg("--data-dir")
            .arg(dir.path())
            .env_remove("MOTCUA_SMTP_HOST")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    };
    let out = run(&server.env("tls", LOGIN));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("delivered TEST-"), "{stdout}");
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].1["to"], serde_json::json!(["canbo@tuphap.example.vn"]));
    assert!(!stdout.contains("mat-khau") && !String::from_utf8_lossy(&out.stderr).contains("mat-khau"));
    let missing: Vec<(String, String)> =
        server.env("tls", LOGIN).into_iter().filter(|(k, _)| k != "MOTCUA_SMTP_HOST").collect();
    let out = run(&missing);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MOTCUA_SMTP_HOST"), "the missing setting is named: {stderr}");
}
