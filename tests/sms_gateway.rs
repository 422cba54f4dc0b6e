//! SMS through a brand-name gateway on one machine, against the fake gateway on loopback: VNPT's
//! JSON request and a form gateway under HTTP Basic carry the number, the brand name and the
//! text as the gateway wants them; each answer means what it should for the outbox (a number
//! that cannot receive: permanent; a refused login, a gateway down: temporary; no answer in
//! time: unknown, though the gateway took it); a notice leaves the outbox through the gateway
//! once; its delivery reports, posted back twice over HTTP with the callback's token, settle
//! each message once (a wrong token, none); `motcua notify test` sends through it.

mod api;
mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use api::Api;
use motcua_domain::notify::delivery::SmsCaps;
use motcua_domain::notify::{MessageChannel, NoticeKind, OutgoingMessage};
use motcua_domain::ports::{NoEnclosures, Notifier, NotifyError};
use motcua_functions::fakes::sms::{FakeSms, Faults, UNREACHABLE};
use motcua_infra::channels::ByChannel;
use motcua_infra::outbox_worker::Courier;
use motcua_infra::sms_gateway::{GatewayConfig, SmsGateway};
use motcua_infra::LocalSink;

async fn fake() -> (FakeSms, SocketAddr) {
    let fake = FakeSms::new("tinh", "mat-khau");
    let addr = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    (fake, addr)
}

fn env(addr: SocketAddr, preset: &str, password: &str) -> Vec<(String, String)> {
    let path = if preset == "vnpt" { "vnpt" } else { "form" };
    [
        ("MOTCUA_SMS_GATEWAY_URL", format!("http://{addr}/{path}")),
        ("MOTCUA_SMS_GATEWAY_PRESET", preset.to_owned()),
        ("MOTCUA_SMS_GATEWAY_BRAND", "UBND TINH".to_owned()),
        ("MOTCUA_SMS_GATEWAY_USERNAME", "tinh".to_owned()),
        ("MOTCUA_SMS_GATEWAY_PASSWORD", password.to_owned()),
        ("MOTCUA_SMS_GATEWAY_PERMANENT", "13".to_owned()),
        ("MOTCUA_SMS_GATEWAY_TIMEOUT_SECONDS", "1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn gateway(vars: &[(String, String)]) -> SmsGateway {
    let config = GatewayConfig::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
    SmsGateway::new(config.unwrap())
}

fn sms(to: &str) -> OutgoingMessage {
    let mut m = motcua_domain::notify::test_message(MessageChannel::Sms, to, chrono::Utc::now()).unwrap();
    m.kind = NoticeKind::Received;
    m.text = "Ho so 000.00.03.H56-261201-0001 da duoc tiep nhan.".into();
    m
}

fn outcome(r: Result<String, NotifyError>) -> &'static str {
    r.map_or_else(|e| e.outcome(), |_| "delivered")
}

#[tokio::test]
async fn each_gateway_takes_the_message_as_it_wants_it_and_each_answer_means_what_it_should() {
    let (fake, addr) = fake().await;
    let vnpt = gateway(&env(addr, "vnpt", "mat-khau"));
    assert_eq!(outcome(vnpt.deliver(&sms("0912345678"), &[]).await), "delivered");
    let taken = fake.taken();
    assert_eq!((taken[0].to.as_str(), taken[0].brand.as_str()), ("84912345678", "UBND TINH"));
    assert_eq!(taken[0].text, "Ho so 000.00.03.H56-261201-0001 da duoc tiep nhan.");
    let unreachable = format!("+{UNREACHABLE}");
    assert_eq!(outcome(vnpt.deliver(&sms(&unreachable), &[]).await), "permanent", "answer 13: cannot receive");
    let wrong = gateway(&env(addr, "vnpt", "sai"));
    assert_eq!(
        outcome(wrong.deliver(&sms("0912345678"), &[]).await),
        "temporary",
        "a refused login is fixed, then retried"
    );
    fake.set_faults(Faults { fail_next: 1, ..Faults::default() });
    assert_eq!(outcome(vnpt.deliver(&sms("0912345678"), &[]).await), "temporary", "the gateway down");
    fake.set_faults(Faults { slow_next: 1, slow_ms: 2_500, ..Faults::default() });
    assert_eq!(outcome(vnpt.deliver(&sms("0912345678"), &[]).await), "unknown", "no answer in time");
    assert_eq!(fake.taken().len(), 2, "the gateway took it all the same: sending again would send twice");

    let form = gateway(&env(addr, "form", "mat-khau"));
    assert_eq!(outcome(form.deliver(&sms("0987654321"), &[]).await), "delivered");
    assert_eq!(fake.taken().last().unwrap().to, "0987654321", "the form gateways want 0…");
    let wrong = gateway(&env(addr, "form", "sai"));
    assert_eq!(outcome(wrong.deliver(&sms("0987654321"), &[]).await), "temporary");
    assert_eq!(fake.refused_logins(), 2);
    let mut email = sms("0912345678");
    email.channel = MessageChannel::Email;
    assert_eq!(outcome(form.deliver(&email, &[]).await), "permanent", "SMS only");
    gone_gateway_is_temporary().await;
}

async fn gone_gateway_is_temporary() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let gone = gateway(&env(addr, "vnpt", "mat-khau"));
    assert_eq!(outcome(gone.deliver(&sms("0912345678"), &[]).await), "temporary", "no connection: nothing sent");
}

const REPORT_TOKEN: &str = "a-random-token-of-32-characters!";

/// The courier of `api`'s outbox: SMS through `sms`, email to a file.
fn courier(api: &Api, sms: SmsGateway, dir: &std::path::Path) -> Courier {
    Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(ByChannel {
            sms: Arc::new(sms),
            email: Arc::new(LocalSink::open(dir.join("email.jsonl")).unwrap()),
            zalo: None,
            axis: None,
        }),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    }
}

#[tokio::test]
async fn delivery_reports_posted_back_settle_each_message_once() {
    use axum::http::StatusCode;
    use motcua_domain::notify::DeliveryState;
    let (fake, addr) = fake().await;
    let mut vars = env(addr, "vnpt", "mat-khau");
    vars.push(("MOTCUA_SMS_GATEWAY_REPORT_TOKEN".into(), REPORT_TOKEN.into()));
    let config = GatewayConfig::from_vars(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
    let reports = config.reports.clone().map(Arc::new);
    let api = Api::with(|home| home.sms_reports = reports).await;
    api.submit().await;
    let dir = tempfile::tempdir().unwrap();
    let c = courier(&api, SmsGateway::new(config), dir.path());
    assert_eq!(c.drain_once().await, 1);
    let id = fake.taken()[0].id.clone();
    let state = |id: String| {
        let outbox = api.home.store.outbox.clone();
        async move { outbox.message(&id).await.unwrap().unwrap().state }
    };
    assert_eq!(state(id.clone()).await, DeliveryState::Sending, "handed over, awaiting its report");

    // The gateway posts its reports over HTTP to the address registered with it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ours = listener.local_addr().unwrap();
    tokio::spawn(std::future::IntoFuture::into_future(axum::serve(listener, api.app.clone())));
    let order = |token: &str, status: &str, times: u32| {
        let url = format!("http://{ours}/v1/callbacks/sms?token={token}");
        let body = serde_json::json!({"url": url, "status": status, "times": times});
        async move {
            let answer = tokio::task::spawn_blocking(move || {
                ureq::post(&format!("http://{addr}/fake/report")).send_json(body).unwrap().into_json::<Vec<u16>>()
            });
            answer.await.unwrap().unwrap()
        }
    };
    assert_eq!(order("a-wrong-token-of-32-characters!!", "DELIVRD", 1).await, [401]);
    assert_eq!(state(id.clone()).await, DeliveryState::Sending, "a wrong token changes nothing");
    assert_eq!(order(REPORT_TOKEN, "ENROUTE", 1).await, [200]);
    assert_eq!(state(id.clone()).await, DeliveryState::Sending, "on the way is no outcome");
    assert_eq!(order(REPORT_TOKEN, "DELIVRD", 2).await, [200, 200], "answered twice");
    assert_eq!(state(id.clone()).await, DeliveryState::Delivered);
    let late = format!("/v1/callbacks/sms?token={REPORT_TOKEN}");
    let (s, v) = api.post(&late, None, fake.reports("REJECTD")).await;
    assert_eq!((s, &v), (StatusCode::OK, &serde_json::json!({"settled": 0, "unchanged": 1, "unknown": 0})));
    assert_eq!(state(id.clone()).await, DeliveryState::Delivered, "a final state never moves");
    let (s, v) = api.post(&late, None, serde_json::json!([{"id": "not-ours", "status": "DELIVRD"}])).await;
    assert_eq!((s, v["unknown"].as_u64()), (StatusCode::OK, Some(1)));
    let (s, v) = api.post(&late, None, serde_json::json!([{"status": "DELIVRD"}])).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("sms_report_unreadable")));

    // A number the carrier rejects: a permanent failure.
    api.submit().await;
    assert_eq!(c.drain_once().await, 1);
    let second = fake.taken()[1].id.clone();
    let (s, v) = api.post(&late, None, serde_json::json!([{"id": second, "status": "REJECTD"}])).await;
    assert_eq!((s, v["settled"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(state(second).await, DeliveryState::PermanentFailure);

    let off = Api::new().await;
    let (s, v) = off.post(&late, None, fake.reports("DELIVRD")).await;
    assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("sms_reports_off")));
}

#[tokio::test]
async fn a_notice_leaves_the_outbox_through_the_gateway_once() {
    let (fake, addr) = fake().await;
    let api = Api::new().await;
    let (code, _) = api.submit().await;
    let dir = tempfile::tempdir().unwrap();
    let c = Courier {
        outbox: api.home.store.outbox.clone(),
        notifier: Arc::new(ByChannel {
            sms: Arc::new(gateway(&env(addr, "vnpt", "mat-khau"))),
            email: Arc::new(LocalSink::open(dir.path().join("email.jsonl")).unwrap()),
            zalo: None,
            axis: None,
        }),
        enclosures: Arc::new(NoEnclosures),
        limits: api.home.store.limits.clone(),
        clock: api.clock.clone(),
        caps: SmsCaps::default(),
    };
    assert_eq!(c.drain_once().await, 1);
    assert_eq!(c.drain_once().await, 0);
    let taken = fake.taken();
    assert_eq!(taken.len(), 1);
    assert!(taken[0].text.contains(&code), "{:?}", taken[0]);
    assert_eq!(taken[0].to, "84912345678");
    assert!(!taken[0].text.contains("Nguyễn"), "GSM-7 without diacritics");
}

#[tokio::test]
async fn motcua_notify_test_sends_through_the_gateway_and_names_a_missing_setting() {
    let (fake, addr) = fake().await;
    let dir = tempfile::tempdir().unwrap();
    let run = |vars: Vec<(String, String)>| {
        let dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_motcua"))
                .args(["notify", "test", "--channel", "sms", "--to", "0912345678", "--sms", "gateway"])
                .arg("--data-dir")
                .arg(dir)
                .envs(vars)
                .output()
                .unwrap()
        })
    };
    let out = run(env(addr, "vnpt", "mat-khau")).await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fake.taken().len(), 1);
    let missing: Vec<(String, String)> =
        env(addr, "vnpt", "mat-khau").into_iter().filter(|(k, _)| k != "MOTCUA_SMS_GATEWAY_BRAND").collect();
    let out = run(missing).await.unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("MOTCUA_SMS_GATEWAY_BRAND") && !stderr.contains("mat-khau"), "{stderr}");
}
