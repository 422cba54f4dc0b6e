//! Results by post, on both homes, against the fake postal operator on loopback
//! (`motcua_functions::fakes::postal`) with the API served over real HTTP so its signed status
//! callbacks reach it as they would in production. The operator is down, answers too late (the
//! order taken, the answer lost), sends its callbacks twice at once, tampered with and out of
//! order. Every time: one order per shipment and one waybill, the dossier unchanged by what
//! failed or was forged, each update in the history once, the applicant told of what matters,
//! and the return finished only by the delivery the operator confirms.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use motcua_domain::postal::ShipmentState;
use motcua_functions::fakes::postal::{FakePost, Faults};
use motcua_infra::postal_http::PostalConfig;
use serde_json::{json, Value};

const CUSTOMER: &str = "KHANHHOA-01";
const TOKEN: &str = "ma-truy-cap-buu-dien";
const SECRET: &str = "khoa-ky-cap-nhat-buu-gui";

/// The fake operator, and `api` turned to it and served on loopback for its callbacks.
async fn wired(api: &mut Api) -> FakePost {
    let fake = FakePost::new(CUSTOMER, TOKEN, SECRET, "http://127.0.0.1:9/unset");
    let at = fake.start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config = PostalConfig {
        url: format!("http://{at}"),
        customer: CUSTOMER.into(),
        token: TOKEN.into(),
        secret: SECRET.into(),
        codes: Default::default(),
        timeout: std::time::Duration::from_millis(500),
    };
    api.home.postal = Some(motcua_functions::postal::adapter(config));
    api.app = motcua_functions::routes::app(api.home.state());
    let served = motcua_functions::fakes::start(api.app.clone(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    fake.set_callback_url(&format!("http://{served}/v1/postal/callback"));
    fake
}

fn address() -> Value {
    json!({"recipient": "Nguyễn Thị Minh Khai", "phone": "0912345678", "street": "12 Trần Phú",
           "commune": "Phường Nha Trang", "province": "Khánh Hòa"})
}

/// A criminal-record dossier taken through its workflow to its result: (code, secret).
async fn resolved(api: &Api, by_post: bool) -> (String, String) {
    let (code, secret) = api.submit().await;
    if by_post {
        let (s, v) = api
            .post_secret(
                &format!("/v1/dossiers/{code}/postal-return"),
                Some(&secret),
                json!({"delivery_address": address()}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["postal"]["delivery_address"]["commune"], "Phường Nha Trang");
    }
    let act = |officer: &'static str, action: &'static str, body: Value| {
        let code = code.clone();
        async move {
            let token = api.token(officer).await;
            let (s, v) = api.post(&format!("/v1/dossiers/{code}/{action}"), Some(&token), body).await;
            assert_eq!(s, StatusCode::OK, "{action}: {v}");
            v
        }
    };
    act("tuphap.motcua", "receive", json!({})).await;
    act("tuphap.lanhdao", "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    act("tuphap.chuyenvien", "forward", json!({"assignee": "congan.chuyenvien"})).await;
    act("congan.chuyenvien", "forward", json!({"assignee": "tuphap.lanhdao"})).await;
    let v = act("tuphap.lanhdao", "approve", json!({})).await;
    assert_eq!(v["status"], "resolved");
    (code, secret)
}

async fn post_result(api: &Api, code: &str) -> (StatusCode, Value) {
    let desk = api.token("tuphap.motcua").await;
    api.post(&format!("/v1/dossiers/{code}/post-result"), Some(&desk), json!({})).await
}

async fn officer_view(api: &Api, code: &str) -> Value {
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.get(&format!("/v1/officer/dossiers/{code}"), Some(&desk), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// The postal updates in the history, as their notes say them.
fn updates(view: &Value) -> Vec<(u64, String)> {
    let history = view["history"].as_array().unwrap();
    let of = |e: &Value| (e["seq"].as_u64().unwrap(), e["note"].as_str().unwrap_or_default().to_owned());
    history.iter().filter(|e| e["action"] == "postal_update").map(of).collect()
}

/// Whether the notice of the event `seq` was queued.
async fn notified(api: &Api, code: &str, seq: u64) -> bool {
    api.home.store.outbox.message(&format!("{code}:{seq}:sms")).await.unwrap().is_some()
}

async fn statuses(fake: &FakePost, reference: &str, state: ShipmentState) -> Vec<u16> {
    let at = chrono::Utc::now();
    fake.advance(reference, state, at)
        .await
        .expect("an order the operator holds")
        .iter()
        .map(|d| d.http_status)
        .collect()
}

async fn results_go_by_post_once_whatever_the_operator_does(mut api: Api) {
    let (code, secret) = resolved(&api, true).await;
    let (s, v) = post_result(&api, &code).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "postal_not_configured"));
    let fake = wired(&mut api).await;

    // Asked of the table first: a dossier with no address orders nothing.
    let (bare, _) = resolved(&api, false).await;
    let (s, v) = post_result(&api, &bare).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "delivery_address_required"), "{v}");
    assert_eq!(fake.books().order_calls, 0);

    // Down: nothing ordered, nothing recorded.
    fake.set_faults(Faults { fail_next: 1, ..Faults::default() });
    let (s, v) = post_result(&api, &code).await;
    assert_eq!((s, code_of(&v)), (StatusCode::SERVICE_UNAVAILABLE, "postal_operator_unavailable"), "{v}");
    assert!(officer_view(&api, &code).await["postal"]["shipments"].as_array().unwrap().is_empty());
    // Too slow: the operator took the order but its answer came too late; asked again, it
    // answers the same waybill, and only one order exists.
    fake.set_faults(Faults { slow_next: 1, slow_ms: 1500, ..Faults::default() });
    let (s, _) = post_result(&api, &code).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    let (s, v) = post_result(&api, &code).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let books = fake.books();
    assert_eq!((books.orders.len(), books.order_calls, books.refused), (1, 2, 0), "one order, asked twice");
    let reference = format!("{code}-BC01");
    let order = &books.orders[&reference];
    assert_eq!(order.body["ReceiverAddress"], "12 Trần Phú, Phường Nha Trang, Khánh Hòa");
    assert_eq!(order.body["ReceiverTel"], "0912345678");
    assert_eq!(v["status"], "resolved", "with the post, not yet returned");
    let shipment = &v["postal"]["shipments"][0];
    assert_eq!(
        (shipment["waybill"].as_str(), shipment["state"].as_str()),
        (Some(order.waybill.as_str()), Some("ordered"))
    );
    assert_eq!(v["postal"]["postage_vnd"].as_u64(), Some(order.fee_vnd), "postage apart from the fees");
    assert_eq!(v["fees"]["owed_vnd"], 200_000, "the procedure's fees alone: {}", v["fees"]);
    // Nobody hands it out twice.
    let (s, v) = post_result(&api, &code).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "shipment_in_progress"));
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/return"), Some(&desk), json!({"method": "counter"})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "shipment_in_progress"));
    assert_eq!(fake.books().order_calls, 2);

    // Collected, the callback sent twice at once: taken once, the applicant told once.
    fake.set_faults(Faults { duplicate_callback_next: 1, ..Faults::default() });
    assert_eq!(statuses(&fake, &reference, ShipmentState::PickedUp).await, [200, 200]);
    let view = officer_view(&api, &code).await;
    let seen = updates(&view);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].1.contains("bưu điện đã nhận"), "{seen:?}");
    assert!(notified(&api, &code, seen[0].0).await, "the applicant hears it was collected");
    let picked = view["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(picked["actor"]["kind"], "postal_operator");

    // In transit, forged after signing: refused, nothing changed (the real callback lost).
    fake.set_faults(Faults { tamper_callback_next: 1, ..Faults::default() });
    assert_eq!(statuses(&fake, &reference, ShipmentState::InTransit).await, [400]);
    assert_eq!(updates(&officer_view(&api, &code).await).len(), 1);
    // The operator says it again, then its older news once more: history only, once.
    fake.set_faults(Faults { stale_callback_next: 1, ..Faults::default() });
    assert_eq!(statuses(&fake, &reference, ShipmentState::InTransit).await, [200, 200]);
    let view = officer_view(&api, &code).await;
    let seen = updates(&view);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(view["status"], "resolved");
    assert!(!notified(&api, &code, seen[1].0).await, "being carried is not worth an SMS");

    // Delivered: the return is finished, once.
    fake.set_faults(Faults { duplicate_callback_next: 1, ..Faults::default() });
    assert_eq!(statuses(&fake, &reference, ShipmentState::Delivered).await, [200, 200]);
    let view = officer_view(&api, &code).await;
    assert_eq!(view["status"], "returned");
    assert_eq!(view["result"]["method"], "postal");
    assert_eq!(view["result"]["waybill"].as_str(), Some(order.waybill.as_str()));
    let seen = updates(&view);
    assert_eq!(seen.len(), 3, "{seen:?}");
    let returned = api.home.store.outbox.message(&format!("{code}:{}:sms", seen[2].0)).await.unwrap().unwrap();
    let text = &returned.message.text;
    assert!(text.contains(&format!("qua buu chinh, ma van don {}. ", order.waybill)), "{text}");
    assert_eq!(text.matches(&order.waybill).count(), 1, "{text}");
    let (s, mine) = api.get(&format!("/v1/dossiers/{code}"), None, Some(&secret)).await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["postal"]["shipments"][0]["state"], "delivered");
    // The applicant may rate it now.
    let (s, v) = api.post_secret(&format!("/v1/dossiers/{code}/rating"), Some(&secret), support::rating()).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Sent back: the result is at the desk again, which hands it out at the counter.
    let (other, other_secret) = resolved(&api, true).await;
    let (s, _) = post_result(&api, &other).await;
    assert_eq!(s, StatusCode::OK);
    let other_ref = format!("{other}-BC01");
    assert_eq!(statuses(&fake, &other_ref, ShipmentState::DeliveryFailed).await, [200]);
    assert_eq!(statuses(&fake, &other_ref, ShipmentState::ReturnedToSender).await, [200]);
    let view = officer_view(&api, &other).await;
    assert_eq!(
        (view["status"].as_str(), view["postal"]["shipments"][0]["state"].as_str()),
        (Some("resolved"), Some("returned_to_sender"))
    );
    let seen = updates(&view);
    assert!(notified(&api, &other, seen[0].0).await && notified(&api, &other, seen[1].0).await);
    let (s, v) = api.post(&format!("/v1/dossiers/{other}/return"), Some(&desk), json!({"method": "counter"})).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("returned")), "{v}");
    let _ = other_secret;

    // Not the operator's, or about nothing of ours: refused, whatever it says.
    let body = br#"{"OrderNumber":"x","ItemCode":"y","StatusCode":"4","StatusTime":"20260304103000"}"#;
    let signature = motcua_domain::postal::messages::sign(body, SECRET);
    for (signature, why) in [("00", "unsigned"), (signature.as_str(), "signed, but no order of ours")] {
        let headers = [("x-signature", signature), ("content-type", "application/json")];
        let (s, bytes, _) = api.raw("POST", "/v1/postal/callback", &headers, body.to_vec().into()).await;
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!((s, code_of(&v)), (StatusCode::BAD_REQUEST, "postal_callback_refused"), "{why}: {v}");
    }
    // The procedure's address and the operator's waybill never reached the log or a third party:
    // the fake saw only its own orders.
    assert_eq!(fake.books().orders.len(), 2);
}

/// The criminal record taken by post too (the sample takes it directly, online and by post):
/// an online filing whose paper is collected by the operator and received at the desk.
async fn paper_dossiers_are_collected_by_post_for_the_desk(mut api: Api) {
    let fake = wired(&mut api).await;
    let (code, secret) = api.submit().await;
    let at = format!("/v1/dossiers/{code}/postal-collection");
    let mut bad = address();
    bad["street"] = json!("  ");
    let (s, v) = api.post_secret(&at, Some(&secret), json!({"pickup_address": bad})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_address"), "{v}");
    assert_eq!(fake.books().order_calls, 0, "nothing ordered for a refused request");
    let (s, v) = api.post_secret(&at, Some(&secret), json!({"pickup_address": address()})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let shipment = &v["postal"]["shipments"][0];
    assert_eq!((shipment["purpose"].as_str(), shipment["state"].as_str()), (Some("dossier"), Some("ordered")));
    let order = fake.books().orders[&format!("{code}-BC01")].clone();
    assert_eq!(order.body["SenderName"], "Nguyễn Thị Minh Khai", "collected from the applicant");
    assert_eq!(order.body["SenderAddress"], "12 Trần Phú, Phường Nha Trang, Khánh Hòa");
    assert!(order.body["ReceiverName"].as_str().unwrap().starts_with("Bộ phận Một cửa"), "for the desk");
    let (s, v) = api.post_secret(&at, Some(&secret), json!({"pickup_address": address()})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "shipment_in_progress"));

    let reference = format!("{code}-BC01");
    assert_eq!(statuses(&fake, &reference, ShipmentState::PickedUp).await, [200]);
    // The desk receives the paper as the postman hands it over; the operator reports after.
    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(statuses(&fake, &reference, ShipmentState::Delivered).await, [200]);
    let view = officer_view(&api, &code).await;
    assert_eq!(view["status"], "received", "a dossier's delivery returns nothing");
    assert_eq!(view["postal"]["shipments"][0]["state"], "delivered");
    let seen = updates(&view);
    assert_eq!(seen.len(), 2, "{seen:?}");
    let arrived = api.home.store.outbox.message(&format!("{code}:{}:sms", seen[1].0)).await.unwrap().unwrap();
    assert!(arrived.message.text.contains("Bo phan Mot cua"), "{}", arrived.message.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paper_dossiers_are_collected_by_post_on_sqlite() {
    paper_dossiers_are_collected_by_post_for_the_desk(Api::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paper_dossiers_are_collected_by_post_on_dynamodb() {
    paper_dossiers_are_collected_by_post_for_the_desk(Api::on_dynamodb("collection").await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn results_go_by_post_once_on_sqlite() {
    results_go_by_post_once_whatever_the_operator_does(Api::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn results_go_by_post_once_on_dynamodb() {
    results_go_by_post_once_whatever_the_operator_does(Api::on_dynamodb("postal").await).await;
}
