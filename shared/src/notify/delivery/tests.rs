//! The notification state machine: who may move a message, and where it can end.

use chrono::{TimeZone, Utc};

use super::*;
use crate::lifecycle::{NoticeKind, Status};
use crate::notify::Fallback;

fn message(with_fallback: bool) -> OutgoingMessage {
    OutgoingMessage {
        id: "000.00.03.H56-260302-0007:3:sms".into(),
        dossier_code: "000.00.03.H56-260302-0007".into(),
        kind: NoticeKind::Received,
        channel: MessageChannel::Sms,
        recipient: "+84987654321".into(),
        subject: None,
        text: "Ho so da duoc tiep nhan".into(),
        status: Some(Status::Received),
        created_at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
        fallback: with_fallback.then(|| {
            Box::new(Fallback {
                channel: MessageChannel::Email,
                recipient: "ngoc@example.vn".into(),
                subject: Some("Hồ sơ đã được tiếp nhận".into()),
                text: "Kính gửi".into(),
            })
        }),
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap()
}

#[test]
fn states_round_trip_and_only_two_are_open() {
    for s in DeliveryState::ALL {
        assert_eq!(DeliveryState::parse(s.as_str()), Some(s));
    }
    let open: Vec<_> = DeliveryState::ALL.into_iter().filter(|s| !s.is_final()).collect();
    assert_eq!(open, [DeliveryState::Created, DeliveryState::Sending]);
    assert_eq!(DeliveryState::parse("sent"), None);
}

#[test]
fn acceptance_is_delivered_when_confirmed_else_awaits_a_receipt() {
    let m = message(false);
    let confirmed = after_hand_off(&m, 1, HandOff::Accepted { provider_id: "p-1".into(), confirmed: true }, now(), 1.0);
    assert_eq!(confirmed.state, DeliveryState::Delivered);
    assert_eq!(confirmed.provider_id.as_deref(), Some("p-1"));
    let waiting = after_hand_off(&m, 1, HandOff::Accepted { provider_id: "p-1".into(), confirmed: false }, now(), 1.0);
    assert_eq!(waiting.state, DeliveryState::Sending);
    assert_eq!(waiting.deadline, Some(now() + RECEIPT_TIMEOUT));
}

#[test]
fn temporary_failures_retry_with_growing_capped_backoff_then_end() {
    let m = message(false);
    let mut last = Duration::zero();
    for attempts in 1..MAX_ATTEMPTS {
        let s = after_hand_off(&m, attempts, HandOff::Temporary("throttled".into()), now(), 1.0);
        assert_eq!(s.state, DeliveryState::Created, "attempt {attempts} is retried");
        let wait = s.retry_at.unwrap() - now();
        assert!(wait > last && wait <= MAX_BACKOFF, "attempt {attempts}: {wait}");
        last = wait;
    }
    let s = after_hand_off(&m, MAX_ATTEMPTS, HandOff::Temporary("throttled".into()), now(), 1.0);
    assert_eq!(s.state, DeliveryState::TechnicalFailure);
    assert!(s.retry_at.is_none() && s.follow_up.is_none());
    assert_eq!(backoff(30, 1.0), MAX_BACKOFF);
    assert!(backoff(3, 0.8) < backoff(3, 1.2), "jitter spreads retries");
}

#[test]
fn a_lost_answer_is_never_resent() {
    let s = after_hand_off(&message(true), 1, HandOff::Unknown("connection reset".into()), now(), 1.0);
    assert_eq!(s.state, DeliveryState::TechnicalFailure);
    assert!(s.retry_at.is_none() && s.follow_up.is_none(), "neither resent nor duplicated on the other channel");
}

#[test]
fn a_permanent_failure_falls_back_to_the_other_channel_once() {
    let m = message(true);
    let s = after_hand_off(&m, 1, HandOff::Permanent("opted out".into()), now(), 1.0);
    assert_eq!(s.state, DeliveryState::PermanentFailure);
    let f = s.follow_up.expect("fallback");
    assert_eq!(f.id, "000.00.03.H56-260302-0007:3:email");
    assert_eq!((f.channel, f.recipient.as_str()), (MessageChannel::Email, "ngoc@example.vn"));
    assert!(f.fallback.is_none());
    let again = after_hand_off(&f, 1, HandOff::Permanent("bounced".into()), now(), 1.0);
    assert!(again.follow_up.is_none(), "the fallback has no fallback: used once");
    assert!(after_hand_off(&message(false), 1, HandOff::Permanent("x".into()), now(), 1.0).follow_up.is_none());
    assert!(refused(&m, "sms cap reached").follow_up.is_some(), "a capped SMS falls back too");
}

#[test]
fn receipts_settle_only_messages_in_sending() {
    let m = message(true);
    for state in DeliveryState::ALL.into_iter().filter(|s| *s != DeliveryState::Sending) {
        assert_eq!(after_delivery_report(&m, state, DeliveryReport::Delivered), None, "{state:?}");
        assert_eq!(
            after_delivery_report(&m, state, DeliveryReport::PermanentFailure("bounce".into())),
            None,
            "{state:?}"
        );
    }
    assert_eq!(
        after_delivery_report(&m, DeliveryState::Sending, DeliveryReport::Delivered).unwrap().state,
        DeliveryState::Delivered
    );
    let bounce =
        after_delivery_report(&m, DeliveryState::Sending, DeliveryReport::PermanentFailure("bounce".into())).unwrap();
    assert_eq!(bounce.state, DeliveryState::PermanentFailure);
    assert!(bounce.follow_up.is_some());
    let soft =
        after_delivery_report(&m, DeliveryState::Sending, DeliveryReport::TemporaryFailure("unreachable".into()))
            .unwrap();
    assert_eq!(soft.state, DeliveryState::TemporaryFailure);
    assert!(soft.follow_up.is_none(), "the phone may work tomorrow: no fallback");
}

#[test]
fn the_sweeper_ends_in_a_final_state_and_never_resends_blindly() {
    assert_eq!(swept(true, false, now()).state, DeliveryState::TemporaryFailure);
    assert_eq!(swept(true, true, now()).state, DeliveryState::TemporaryFailure);
    let lost = swept(false, false, now());
    assert_eq!(lost.state, DeliveryState::TechnicalFailure);
    assert!(lost.retry_at.is_none() && lost.follow_up.is_none());
    let again = swept(false, true, now());
    assert_eq!((again.state, again.retry_at), (DeliveryState::Created, Some(now())), "an idempotent provider dedupes");
}
