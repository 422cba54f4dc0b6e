//! Notices by Zalo (ZNS) on one machine, against the fake Zalo on loopback: a template message
//! carries the number, the registered template and the notice's fields; the access token is
//! refreshed once and reused, refreshed again when Zalo rejects it or before it expires, and
//! the rotated refresh token survives a restart; each answer means what it should for the
//! outbox (no Zalo account or no template: permanent, so the notice goes by SMS, once; the
//! server down: temporary; no answer in time: unknown); `motcua notify test --channel zalo`
//! sends through it and names a missing setting.

mod api;
mod support;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use api::Api;
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::notify::{DeliveryState, MessageChannel, NoticeKind, OutgoingMessage};
use motcua_domain::ports::{NoEnclosures, Notifier, NotifyError};
use motcua_functions::fakes::zalo::{FakeZalo, Faults, NO_ACCOUNT};
use motcua_infra::channels::ByChannel;
use motcua_infra::outbox_worker::Courier;
use motcua_infra::zalo::{ZaloConfig, ZaloSender};
use motcua_infra::LocalSink;
use serde_json::json;

async fn fake(token_seconds: u64) -> (FakeZalo, SocketAddr) {
    let mut fake = FakeZalo::new("app-1", "secret-1", "first-refresh", &["231001", "231002"]);
    fake.token_seconds = token_seconds;
    let addr = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (fake, addr)
}

fn env(addr: SocketAddr) -> Vec<(String, String)> {
    [
        ("MOTCUA_ZALO_API_URL", format!("http://{addr}/message/template")),
        ("MOTCUA_ZALO_OAUTH_URL", format!("http://{addr}/v4/oa/access_token")),
        ("MOTCUA_ZALO_APP_ID", "app-1".to_owned()),
        ("MOTCUA_ZALO_SECRET_KEY", "secret-1".to_owned()),
        ("MOTCUA_ZALO_REFRESH_TOKEN", "first-refresh".to_owned()),
        ("MOTCUA_ZALO_TEMPLATES", "received=231001, submitted=231001, test=231002".to_owned()),
        ("MOTCUA_ZALO_TIMEOUT_SECONDS", "1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn sender(addr: SocketAddr, dir: &Path) -> ZaloSender {
    let vars = env(addr);
    let config = ZaloConfig::from_vars(
        |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        dir.join("zalo-tokens.json"),
    );
    ZaloSender::new(config.unwrap()).unwrap()
}

fn notice(to: &str, kind: NoticeKind) -> OutgoingMessage {
    let mut m = motcua_domain::notify::test_message(MessageChannel::Zalo, to, chrono::Utc::now()).unwrap();
    m.kind = kind;
    m.text = "Hồ sơ 000.00.03.H56-261201-0001 đã được tiếp nhận. Ngày hẹn trả kết quả: 15/12/2026.".into();
    m
}

fn outcome(r: Result<String, NotifyError>) -> &'static str {
    r.map_or_else(|e| e.outcome(), |_| "delivered")
}

#[tokio::test]
async fn template_messages_go_with_a_token_refreshed_once_and_kept() {
    let (fake, addr) = fake(90_000).await;
    let dir = tempfile::tempdir().unwrap();
    let zalo = sender(addr, dir.path());
    let m = notice("0912345678", NoticeKind::Received);
    assert_eq!(zalo.deliver(&m, &[]).await.unwrap(), "zns-1", "Zalo's msg_id");
    let taken = fake.taken();
    assert_eq!((taken[0].phone.as_str(), taken[0].template_id.as_str()), ("84912345678", "231001"));
    assert_eq!(taken[0].data["noi_dung"], json!(m.text), "with its diacritics");
    assert_eq!(taken[0].data["ma_ho_so"], json!(m.dossier_code));
    assert_eq!(taken[0].tracking_id, m.id);
    assert_eq!(outcome(zalo.deliver(&m, &[]).await), "delivered");
    assert_eq!(fake.issued(), 1, "the token is reused while fresh");
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("zalo-tokens.json")).unwrap()).unwrap();
    assert_eq!(kept["refresh_token"], json!(fake.refresh_token()), "the rotated refresh token is kept");

    fake.revoke();
    assert_eq!(outcome(zalo.deliver(&m, &[]).await), "delivered", "a rejected token is refreshed once");
    fake.set_faults(Faults { expire_next: 1, ..Faults::default() });
    assert_eq!(outcome(zalo.deliver(&m, &[]).await), "delivered", "so is an expired one");
    assert_eq!((fake.issued(), fake.stale_tokens()), (3, 1));

    // A restart reads the kept tokens (the first refresh token of the settings is spent).
    let restarted = sender(addr, dir.path());
    assert_eq!(outcome(restarted.deliver(&m, &[]).await), "delivered");
    assert_eq!(fake.issued(), 3, "no refresh: the kept access token is fresh");

    let no_account = format!("+{NO_ACCOUNT}");
    assert_eq!(outcome(zalo.deliver(&notice(&no_account, NoticeKind::Received), &[]).await), "permanent");
    assert_eq!(outcome(zalo.deliver(&notice("0912345678", NoticeKind::Withdrawn), &[]).await), "permanent");
    fake.set_faults(Faults { fail_next: 1, ..Faults::default() });
    assert_eq!(outcome(zalo.deliver(&m, &[]).await), "temporary", "Zalo down");
    let before = fake.taken().len();
    fake.set_faults(Faults { slow_next: 1, slow_ms: 2_500, ..Faults::default() });
    assert_eq!(outcome(zalo.deliver(&m, &[]).await), "unknown", "no answer in time");
    assert_eq!(fake.taken().len(), before + 1, "Zalo took it all the same: sending again would send twice");
    let mut sms = m.clone();
    sms.channel = MessageChannel::Sms;
    assert_eq!(outcome(zalo.deliver(&sms, &[]).await), "permanent", "Zalo only");
}

#[tokio::test]
async fn a_token_near_its_expiry_is_refreshed_before_it_is_used() {
    let (fake, addr) = fake(200).await;
    let dir = tempfile::tempdir().unwrap();
    let zalo = sender(addr, dir.path());
    for _ in 0..3 {
        assert_eq!(outcome(zalo.deliver(&notice("0912345678", NoticeKind::Received), &[]).await), "delivered");
    }
    assert_eq!((fake.issued(), fake.stale_tokens()), (3, 0), "never sent with a token about to expire");

    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let other = tempfile::tempdir().unwrap();
    assert_eq!(
        outcome(sender(gone, other.path()).deliver(&notice("0912345678", NoticeKind::Received), &[]).await),
        "temporary",
        "no connection to refresh: nothing was sent"
    );
}

#[tokio::test]
async fn a_zalo_notice_to_a_number_without_an_account_goes_by_sms_once() {
    let (fake, addr) = fake(90_000).await;
    let api = Api::new().await;
    let mut filing = support::criminal_record_filing("0900000118");
    filing["notify_by"] = json!(["zalo"]);
    let (s, v) = api.file(filing).await;
    assert_eq!(s, axum::http::StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let sink = dir.path().join("sms.jsonl");
    let c = Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(ByChannel {
            sms: Arc::new(LocalSink::open(&sink).unwrap()),
            email: Arc::new(LocalSink::open(dir.path().join("email.jsonl")).unwrap()),
            zalo: Some(Arc::new(sender(addr, dir.path()))),
            axis: None,
        }),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    };
    assert_eq!(c.drain_once().await, 0, "the Zalo message: no account (-118)");
    assert_eq!(c.drain_once().await, 1, "its SMS, once");
    assert_eq!(c.drain_once().await, 0);
    let state = |id: String| {
        let outbox = api.home.store.outbox.clone();
        async move { outbox.message(&id).await.unwrap().unwrap().state }
    };
    assert_eq!(state(format!("{code}:0:zalo")).await, DeliveryState::PermanentFailure);
    assert_eq!(state(format!("{code}:0:sms")).await, DeliveryState::Delivered);
    assert!(fake.taken().is_empty());
    let sent = std::fs::read_to_string(&sink).unwrap();
    assert_eq!(sent.lines().count(), 1, "{sent}");
}

#[tokio::test]
async fn motcua_notify_test_sends_through_zalo_and_names_a_missing_setting() {
    let (fake, addr) = fake(90_000).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |vars: Vec<(String, String)>| {
        let dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
                .args(["notify", "test", "--channel", "zalo", "--to", "0912345678", "--zalo", "on"])
                .arg("--data-dir")
                .arg(dir)
                .envs(vars)
                .output()
                .unwrap()
        })
    };
    let out = run(env(addr)).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("zns-1"), "{stdout}");
    assert_eq!(fake.taken()[0].template_id, "231002", "the test notice's template");
    assert!(dir.path().join("zalo-tokens.json").exists());
    let missing: Vec<(String, String)> = env(addr).into_iter().filter(|(k, _)| k != "MOTCUA_ZALO_TEMPLATES").collect();
    let out = run(missing).await.unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MOTCUA_ZALO_TEMPLATES") && !stderr.contains("secret-1"), "{stderr}");
}
