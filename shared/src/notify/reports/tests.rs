use proptest::prelude::*;
use serde_json::json;

use super::*;

fn ses(event_type: &str, extra: serde_json::Value) -> String {
    let mut event = json!({
        "eventType": event_type,
        "mail": {"timestamp": "2026-11-28T01:00:00.000Z", "source": "khong-tra-loi@motcua.example.gov.vn",
                 "messageId": "0100019abc-1", "destination": ["cong-dan@example.vn"],
                 "tags": {"notification": ["000.00.01.H01-261128-0001_2_email"]}}
    });
    event.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    event.to_string()
}

fn report(outcome: DeliveryReport) -> Option<ProviderReport> {
    Some(ProviderReport { provider_id: "0100019abc-1".into(), outcome })
}

#[test]
fn ses_outcomes_become_delivery_reports() {
    assert_eq!(
        ses_event(&ses("Delivery", json!({"delivery": {"recipients": ["x"]}}))),
        Ok(report(DeliveryReport::Delivered))
    );
    assert_eq!(ses_event(&ses("Complaint", json!({"complaint": {}}))), Ok(report(DeliveryReport::Delivered)));
    let hard = ses("Bounce", json!({"bounce": {"bounceType": "Permanent", "bounceSubType": "NoEmail"}}));
    assert_eq!(ses_event(&hard), Ok(report(DeliveryReport::PermanentFailure("SES bounce: Permanent NoEmail".into()))));
    let soft = ses("Bounce", json!({"bounce": {"bounceType": "Transient", "bounceSubType": "MailboxFull"}}));
    assert_eq!(
        ses_event(&soft),
        Ok(report(DeliveryReport::TemporaryFailure("SES bounce: Transient MailboxFull".into())))
    );
    let rejected = ses("Reject", json!({"reject": {"reason": "Bad content"}}));
    assert!(matches!(
        ses_event(&rejected),
        Ok(Some(ProviderReport { outcome: DeliveryReport::PermanentFailure(_), .. }))
    ));
}

#[test]
fn identity_notifications_read_like_events() {
    let mut n: serde_json::Value = serde_json::from_str(&ses("Delivery", json!({}))).unwrap();
    let kind = n.as_object_mut().unwrap().remove("eventType").unwrap();
    n["notificationType"] = kind;
    assert_eq!(ses_event(&n.to_string()), Ok(report(DeliveryReport::Delivered)));
}

#[test]
fn events_that_are_not_outcomes_change_nothing() {
    for kind in ["Send", "DeliveryDelay", "Open", "Click", "Subscription"] {
        assert_eq!(ses_event(&ses(kind, json!({}))), Ok(None), "{kind}");
    }
}

#[test]
fn sms_logs_become_delivery_reports() {
    let log = |status: &str, answer: &str| {
        json!({"notification": {"messageId": "34d9b400-c6ee", "timestamp": "2026-11-28 00:40:34.558"},
               "delivery": {"destination": "+84912345678", "smsType": "Transactional", "providerResponse": answer,
                            "priceInUSD": 0.02},
               "status": status})
        .to_string()
    };
    let of = |outcome| Ok(Some(ProviderReport { provider_id: "34d9b400-c6ee".into(), outcome }));
    assert_eq!(sms_delivery_log(&log("SUCCESS", "Message has been accepted by phone")), of(DeliveryReport::Delivered));
    assert_eq!(
        sms_delivery_log(&log("FAILURE", "Phone number is opted out")),
        of(DeliveryReport::PermanentFailure("SMS carrier: Phone number is opted out".into()))
    );
    assert_eq!(
        sms_delivery_log(&log("FAILURE", "Phone is currently unreachable/unavailable")),
        of(DeliveryReport::TemporaryFailure("SMS carrier: Phone is currently unreachable/unavailable".into()))
    );
}

#[test]
fn unreadable_reports_say_where_but_never_what() {
    let e = ses_event(r#"{"eventType": "Delivery", "mail": {"destination": ["cong-dan@example.vn"]}}"#).unwrap_err();
    assert!(e.to_string().contains("messageId"), "{e}");
    assert!(!e.to_string().contains("cong-dan"), "{e}");
    let e = sms_delivery_log(r#"{"status": "SUCCESS", "delivery": {"destination": "+84912345678"}}"#).unwrap_err();
    assert!(!e.to_string().contains("84912345678"), "{e}");
}

proptest! {
    #[test]
    fn any_text_is_read_or_refused_never_a_panic(text in ".{0,200}") {
        let _ = ses_event(&text);
        let _ = sms_delivery_log(&text);
    }

    #[test]
    fn any_event_type_is_an_outcome_or_nothing(kind in "[A-Za-z ]{0,20}", id in "[a-z0-9-]{1,40}") {
        let event = json!({"eventType": kind, "mail": {"messageId": id},
                           "bounce": {"bounceType": "Permanent"}}).to_string();
        if let Some(r) = ses_event(&event).unwrap() {
            prop_assert_eq!(r.provider_id, id);
        }
    }
}
