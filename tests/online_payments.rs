//! Fees paid online, on both homes, against the fake payment platform on loopback
//! (`motcua_functions::fakes::payment`), with the API served over real HTTP so the platform's
//! callbacks reach it as they would in production. Callbacks come twice at once, tampered with,
//! lost, and stale after the real one; the platform goes down; the desk takes the money in
//! person while the payer is at the platform. Every time: a dossier moves on once for a paid
//! transaction, nothing moves for a forged one, a lost callback is found by the status query,
//! and money taken is never forgotten.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use chrono::Duration;
use motcua_domain::ports::Clock;
use motcua_functions::fakes::payment::{FakePayments, Faults};
use motcua_infra::payment_http::PaymentConfig;
use serde_json::{json, Value};
use support::{business_filing, BUSINESS};

const PARTNER: &str = "KHANHHOA";
const KEY: &str = "khoa-bi-mat-cua-tinh";

/// The fake platform, and `api` turned to it and served on loopback for its callbacks.
async fn wired(api: &mut Api) -> FakePayments {
    let fake = FakePayments::new(PARTNER, KEY, "http://127.0.0.1:9/unset");
    let at = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config = PaymentConfig {
        url: format!("http://{at}/gateway"),
        partner: PARTNER.into(),
        secret: KEY.into(),
        token: None,
        timeout: std::time::Duration::from_millis(500),
    };
    api.home.payment_platform = Some(motcua_functions::payments::adapter(config));
    api.app = motcua_functions::routes::app(api.home.state());
    let served = motcua_functions::fakes::start(api.app.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    fake.set_callback_url(&format!("http://{served}/v1/payments/callback"));
    fake
}

/// A business registration received at the desk, awaiting its fees: (code, secret).
async fn awaiting(api: &Api) -> (String, String) {
    let desk = api.token("taichinh.motcua").await;
    let (s, v) = api.post("/v1/counter/dossiers", Some(&desk), business_filing()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "awaiting_payment");
    (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned())
}

async fn start(api: &Api, code: &str, secret: &str) -> (StatusCode, Value) {
    api.post_secret(&format!("/v1/dossiers/{code}/payments"), Some(secret), json!({})).await
}

async fn officer_view(api: &Api, code: &str) -> Value {
    let desk = api.token("taichinh.motcua").await;
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn confirmations(view: &Value) -> usize {
    view["history"].as_array().unwrap().iter().filter(|e| e["action"] == "confirm_payment").count()
}

async fn pay(fake: &FakePayments, reference: &str, paid: bool) -> Vec<(u16, String)> {
    let delivered = fake.settle(reference, paid).await.expect("a transaction the platform holds");
    delivered.into_iter().map(|d| (d.http_status, d.answered)).collect()
}

async fn sweep(api: &Api) -> motcua_functions::service::payments::Swept {
    motcua_functions::service::payments::sweep(&api.home.state(), 50).await.unwrap()
}

async fn fees_are_paid_online_once_whatever_the_platform_does(mut api: Api) {
    let (code, secret) = awaiting(&api).await;
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "payment_not_configured"));
    let fake = wired(&mut api).await;

    // The applicant opens a payment and is sent to the platform; a second one waits for it.
    let (s, v) = start(&api, &code, "wrong-secret").await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let (s, opened) = start(&api, &code, &secret).await;
    assert_eq!(s, StatusCode::CREATED, "{opened}");
    assert_eq!(opened["amount_vnd"], 50000);
    let reference = opened["reference"].as_str().unwrap().to_owned();
    assert!(opened["pay_url"].as_str().unwrap().ends_with(&format!("/pay/{reference}")), "{opened}");
    let receipt = &fake.books().transactions[&reference].receipt;
    assert_eq!((receipt["MaHoSo"].as_str(), receipt["MaTTHC"].as_str()), (Some(code.as_str()), Some(BUSINESS)));
    assert_eq!(receipt["PhiLePhi"][0]["SoTien"], 50000, "{receipt}");
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "payment_in_progress"), "never two at once");

    // Paid, and the callback comes twice at once: both taken, the dossier moves once.
    fake.set_faults(Faults { duplicate_callback_next: 1, ..Faults::default() });
    let answers = pay(&fake, &reference, true).await;
    assert_eq!(answers, [(200, "00".to_owned()), (200, "00".to_owned())], "both answered as taken");
    let view = officer_view(&api, &code).await;
    assert_eq!(view["status"], "received");
    assert!(view["due_at"].is_string(), "the clock started: {view}");
    assert_eq!(confirmations(&view), 1, "moved once");
    assert_eq!(view["fees"]["payments"][0]["channel"], "online");
    assert_eq!(view["payment_transactions"][0]["state"], "paid");
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "nothing_to_pay"));
    // The receipt, now with its appointment, says what was paid and how.
    let uri = format!("/v1/dossiers/{code}/forms/receipt");
    let (s, pdf, _) = api.raw("GET", &uri, &[("x-lookup-secret", &secret)], axum::body::Body::empty()).await;
    assert_eq!(s, StatusCode::OK);
    if let Ok(dump) = std::env::var("MOTCUA_FORMS_DUMP") {
        std::fs::write(std::path::Path::new(&dump).join("receipt-paid-online.pdf"), &pdf).unwrap();
    }
    let text = motcua_forms::readback::read(&pdf).0.split_whitespace().collect::<Vec<_>>().join(" ");
    let platform_id = view["fees"]["payments"][0]["reference"].as_str().unwrap();
    assert!(text.contains("Đã nộp 50.000 đồng"), "{text}");
    assert!(text.contains(&format!("thanh toán trực tuyến, mã giao dịch {platform_id}")), "{text}");

    // A forged callback (its amount changed after signing) changes nothing; the real one is
    // lost, and the status query after the payer's window finds the payment.
    let (code, secret) = awaiting(&api).await;
    let (_, opened) = start(&api, &code, &secret).await;
    let reference = opened["reference"].as_str().unwrap().to_owned();
    fake.set_faults(Faults { tamper_callback_next: 1, ..Faults::default() });
    assert_eq!(pay(&fake, &reference, true).await, [(400, "99".to_owned())], "the forgery is refused");
    assert_eq!(officer_view(&api, &code).await["status"], "awaiting_payment");
    assert_eq!(sweep(&api).await.asked, 0, "still within the payer's window");
    api.pass(Duration::minutes(16));
    let swept = sweep(&api).await;
    assert_eq!((swept.asked, swept.paid), (1, 1), "{swept:?}");
    let view = officer_view(&api, &code).await;
    assert_eq!((view["status"].as_str(), confirmations(&view)), (Some("received"), 1));
    assert_eq!(sweep(&api).await.asked, 0, "settled: never asked again");

    // The payer cancels and the callback is lost: the query finds it failed; a second payment
    // goes through, and a stale "failed" callback after it changes nothing.
    let (code, secret) = awaiting(&api).await;
    let (_, opened) = start(&api, &code, &secret).await;
    let first = opened["reference"].as_str().unwrap().to_owned();
    fake.set_faults(Faults { lose_callback_next: 1, ..Faults::default() });
    assert!(pay(&fake, &first, false).await.is_empty(), "lost");
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!(s, StatusCode::CREATED, "the platform says the first failed: a new one opens: {v}");
    let second = v["reference"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    fake.set_faults(Faults { stale_callback_next: 1, ..Faults::default() });
    assert_eq!(pay(&fake, &second, true).await, [(200, "00".to_owned()), (200, "00".to_owned())]);
    let view = officer_view(&api, &code).await;
    assert_eq!((view["status"].as_str(), confirmations(&view)), (Some("received"), 1));
    let states: Vec<&str> =
        view["payment_transactions"].as_array().unwrap().iter().map(|t| t["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["failed", "paid"]);

    // The desk takes the money in person while the payer is at the platform: the online payment
    // that follows is kept, paid and unapplied, for a refund; the dossier was paid once.
    let (code, secret) = awaiting(&api).await;
    let (_, opened) = start(&api, &code, &secret).await;
    let reference = opened["reference"].as_str().unwrap().to_owned();
    let desk = api.token("taichinh.motcua").await;
    let body = json!({"amount_vnd": 50000, "receipt": "BL-0042"});
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/record-payment"), Some(&desk), body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(pay(&fake, &reference, true).await, [(200, "00".to_owned())], "taken: the money is recorded");
    let view = officer_view(&api, &code).await;
    assert_eq!(view["fees"]["payments"].as_array().unwrap().len(), 1, "paid once: {view}");
    let kept = &view["payment_transactions"][0];
    assert_eq!(kept["state"], "paid");
    assert!(kept["unapplied"].as_str().unwrap().contains("received"), "{kept}");

    // The platform down when a payment opens: a clear answer, and nothing left open.
    let (code, secret) = awaiting(&api).await;
    fake.set_faults(Faults { fail_next: 1, ..Faults::default() });
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!((s, code_of(&v)), (StatusCode::SERVICE_UNAVAILABLE, "payment_platform_unavailable"));
    let (s, v) = start(&api, &code, &secret).await;
    assert_eq!(s, StatusCode::CREATED, "the failed attempt blocks nothing: {v}");

    // Callbacks that are not the platform's.
    let forged = json!({"LoaiBanTin": "PAYMENT", "MaLoi": "00", "MaDoiTac": PARTNER, "MaThamChieu": v["reference"],
        "SoTien": 50000, "MaTienTe": "VND", "MaGiaoDich": "GD1", "MaNganHang": "VCB", "ThoiGianGD": "20261201101500",
        "ThongTinGiaoDich": "x", "MaXacThuc": "0".repeat(64)});
    let (s, answer) = api.post("/v1/payments/callback", None, forged).await;
    assert_eq!(
        (s, answer["MaLoi"].as_str(), code_of(&answer)),
        (StatusCode::BAD_REQUEST, Some("99"), "payment_callback_refused")
    );
    let (s, answer) = api.post("/v1/payments/callback", None, json!({"MaLoi": "00"})).await;
    assert!(s.is_client_error(), "{s} {answer}");
    assert_eq!(officer_view(&api, &code).await["status"], "awaiting_payment");
    // The score card: 3 of the 4 dossiers whose fees were paid paid online.
    let lead = api.token("taichinh.lanhdao").await;
    let today = motcua_domain::calendar::vietnam::to_local(api.clock.now()).date();
    let since = today - chrono::Days::new(1);
    let (s, card) = api.get(&format!("/v1/reports/score-card?from={since}&to={today}"), Some(&lead), None).await;
    assert_eq!(s, StatusCode::OK, "{card}");
    let paid = card["total"]["components"].as_array().unwrap().iter().find(|c| c["key"] == "online_payment").unwrap();
    assert_eq!(
        (paid["inputs"][0]["numerator"].as_i64(), paid["inputs"][0]["denominator"].as_i64()),
        (Some(3), Some(4))
    );
    assert_eq!(paid["points"], 7.5, "{paid}");

    let books = fake.books();
    println!(
        "platform: {} INIT, {} QUERY, {} callbacks, {} bad signatures",
        books.inits,
        books.queries,
        books.callbacks.len(),
        books.bad_signatures
    );
    assert_eq!(books.bad_signatures, 0, "every message we sent was signed right");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fees_are_paid_online_once_on_sqlite() {
    fees_are_paid_online_once_whatever_the_platform_does(Api::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fees_are_paid_online_once_on_dynamodb() {
    fees_are_paid_online_once_whatever_the_platform_does(Api::on_dynamodb("payments").await).await;
}
