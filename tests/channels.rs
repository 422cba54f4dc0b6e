//! The applicant's choice of notice channels, on both homes: chosen at filing (a channel
//! without its contact refused, nothing filed), both channels sending both messages, changed
//! with the lookup secret as a history event (a wrong secret, a channel without contact or a
//! dossier past its result changing nothing), the next notice going as chosen.

mod api;
mod support;

use api::{code_of, Api};
use axum::http::StatusCode;
use serde_json::json;
use support::*;

async fn exists(api: &Api, id: String) -> Option<(String, Option<String>)> {
    let m = api.home.store.outbox.message(&id).await.unwrap()?;
    Some((m.message.channel.as_str().to_owned(), m.message.fallback.map(|f| f.channel.as_str().to_owned())))
}

async fn notices_go_as_the_applicant_chose(api: Api) {
    let mut no_email = criminal_record_filing("0912345678");
    no_email["applicant"]["email"] = json!(null);
    no_email["notify_by"] = json!(["email"]);
    let (s, v) = api.file(no_email).await;
    assert_eq!((s, code_of(&v)), (StatusCode::UNPROCESSABLE_ENTITY, "notice_channel_without_contact"), "{v}");

    let mut both = criminal_record_filing("0912345678");
    both["notify_by"] = json!(["sms", "email", "sms"]);
    let (s, v) = api.file(both).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (code, secret) = (v["code"].as_str().unwrap().to_owned(), v["lookup_secret"].as_str().unwrap().to_owned());
    assert_eq!(exists(&api, format!("{code}:0:sms")).await, Some(("sms".into(), None)), "both were asked for");
    assert_eq!(exists(&api, format!("{code}:0:email")).await, Some(("email".into(), None)));

    let notices = format!("/v1/dossiers/{code}/notices");
    let (s, _) = api.post_secret(&notices, Some("not-the-secret"), json!({"channels": ["email"]})).await;
    assert!(s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN, "{s}");
    let (s, v) = api.post_secret(&notices, Some(&secret), json!({"channels": ["fax"]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an unknown channel: {v}");
    let (s, v) = api.post_secret(&notices, Some(&secret), json!({"channels": ["email"]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "submitted", "the status stays");
    let actions: Vec<&str> = v["timeline"].as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["submit", "choose_notices"], "a history event: {v}");

    let desk = api.token("tuphap.motcua").await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/receive"), Some(&desk), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(exists(&api, format!("{code}:2:email")).await, Some(("email".into(), Some("sms".into()))));
    assert_eq!(exists(&api, format!("{code}:2:sms")).await, None, "the SMS only if the email fails");

    let (s, v) = api.post_secret(&notices, Some(&secret), json!({"channels": []})).await;
    assert_eq!(s, StatusCode::OK, "back to the default: {v}");
    let (s, v) = api.post_secret(&format!("/v1/dossiers/{code}/withdraw"), Some(&secret), json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(exists(&api, format!("{code}:4:sms")).await, Some(("sms".into(), Some("email".into()))));
    let (s, v) = api.post_secret(&notices, Some(&secret), json!({"channels": ["sms"]})).await;
    assert_eq!((s, code_of(&v)), (StatusCode::CONFLICT, "invalid_transition"), "closed: {v}");
}

#[tokio::test]
async fn notices_go_as_the_applicant_chose_on_sqlite() {
    notices_go_as_the_applicant_chose(Api::many_filings().await).await;
}

#[tokio::test]
async fn notices_go_as_the_applicant_chose_on_dynamodb() {
    notices_go_as_the_applicant_chose(Api::on_dynamodb("channels").await).await;
}
