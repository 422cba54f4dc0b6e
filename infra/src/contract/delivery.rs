//! Contract clauses for the outbox's delivery state machine and the limits: claims are
//! exclusive, retries back off and end, the sweeper closes what is stuck, receipts settle once,
//! a permanent failure falls back to the other channel once, SMS caps hold.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use motcua_domain::notify::delivery::{self, DeliveryReport, SmsCaps};
use motcua_domain::notify::{DeliveryState, Fallback, MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Enclosure, LimitUse, NoEnclosures, Notifier, NotifyError};

use super::fixtures::*;
use super::Store;
use crate::outbox_worker::{Courier, Sent};
use crate::LocalSink;

/// A courier over `store` with `notifier`, at the fixed time `now`.
pub fn courier<S: Store>(store: &S, notifier: Arc<dyn Notifier>, now: DateTime<Utc>) -> Courier {
    Courier {
        outbox: Arc::new(store.clone()),
        notifier,
        enclosures: Arc::new(NoEnclosures),
        limits: Arc::new(store.clone()),
        clock: Arc::new(FixedClock(now)),
        caps: SmsCaps::default(),
    }
}

/// Accepts everything, counts the hand-overs, and (optionally) waits for receipts.
#[derive(Default)]
pub struct Counting {
    pub handed: AtomicUsize,
    pub receipts: bool,
    /// Refuses SMS for good (an opted-out number).
    pub refuse_sms: bool,
}

#[async_trait::async_trait]
impl Notifier for Counting {
    async fn deliver(&self, m: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
        if self.refuse_sms && m.channel == MessageChannel::Sms {
            return Err(NotifyError::Permanent("opted out".into()));
        }
        // Yield, so racing senders really interleave.
        tokio::task::yield_now().await;
        let n = self.handed.fetch_add(1, Ordering::SeqCst);
        Ok(format!("provider-{}-{n}", m.id))
    }

    fn awaits_delivery_reports(&self, _: MessageChannel) -> bool {
        self.receipts
    }
}

async fn file<S: Store>(store: &S, with_fallback: bool) -> OutgoingMessage {
    let d = store
        .create(
            &agency(),
            day(),
            Box::new(move |c| {
                let mut commit = create_commit(c, None);
                if with_fallback {
                    commit.outbox[0].fallback = Some(Box::new(Fallback {
                        channel: MessageChannel::Email,
                        recipient: "ngoc@example.vn".into(),
                        subject: Some("Hồ sơ".into()),
                        text: "Kính gửi".into(),
                    }));
                }
                commit
            }),
        )
        .await
        .unwrap();
    store
        .pending(Utc::now() + Duration::minutes(1), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.message)
        .find(|m| m.dossier_code == d.code.to_string())
        .unwrap()
}

async fn state_of<S: Store>(store: &S, id: &str) -> DeliveryState {
    store.message(id).await.unwrap().expect("message").state
}

pub async fn racing_senders_hand_each_message_over_once<S: Store>(store: S) {
    let mut ids = vec![];
    for _ in 0..5 {
        ids.push(file(&store, false).await.id);
    }
    let notifier = Arc::new(Counting::default());
    let mut tasks = vec![];
    for _ in 0..6 {
        let c = courier(&store, notifier.clone(), Utc::now() + Duration::seconds(1));
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut won = 0;
            for id in &ids {
                if c.send(id).await == Sent::HandedOver {
                    won += 1;
                }
            }
            won
        }));
    }
    let mut won = 0;
    for t in tasks {
        won += t.await.unwrap();
    }
    assert_eq!(won, 5, "each message won by exactly one sender");
    assert_eq!(notifier.handed.load(Ordering::SeqCst), 5, "and handed over exactly once");
    for id in &ids {
        let m = store.message(id).await.unwrap().unwrap();
        assert_eq!((m.state, m.attempts), (DeliveryState::Delivered, 1));
        assert!(m.provider_id.is_some());
    }
    assert!(store.pending(Utc::now() + Duration::days(1), 10).await.unwrap().is_empty());
}

/// Retention: a final message loses recipient and text once its period has passed, keeping its
/// record; one still open keeps everything; each is redacted once.
pub async fn final_messages_are_redacted_after_the_retention_period<S: Store>(store: S) {
    use motcua_domain::notify::retention;
    let (delivered, waiting) = (file(&store, false).await, file(&store, false).await);
    let now = Utc::now() + Duration::seconds(1);
    let c = courier(&store, Arc::new(Counting::default()), now);
    assert_eq!(c.send(&delivered.id).await, Sent::HandedOver);
    let period = retention::DEFAULT_DAYS;
    assert_eq!(store.redact_final(retention::cutoff(now, period), now, 100).await.unwrap(), 0, "within the period");
    let later = now + Duration::days(i64::from(period) + 1);
    assert_eq!(store.redact_final(retention::cutoff(later, period), later, 100).await.unwrap(), 1);
    let kept = store.message(&delivered.id).await.unwrap().unwrap();
    assert_eq!((kept.state, kept.attempts, kept.message.kind), (DeliveryState::Delivered, 1, delivered.kind));
    assert!(kept.provider_id.is_some(), "the record stays");
    assert!(kept.message.recipient.is_empty() && kept.message.text.is_empty(), "{:?}", kept.message);
    let open = store.message(&waiting.id).await.unwrap().unwrap();
    assert_eq!(open.message.recipient, waiting.recipient, "an open message keeps what it needs");
    assert_eq!(store.redact_final(retention::cutoff(later, period), later, 100).await.unwrap(), 0, "once");
}

pub async fn a_sender_lost_mid_send_is_swept_to_a_final_state<S: Store>(store: S) {
    let lost = file(&store, false).await.id;
    let now = Utc::now() + Duration::seconds(1);
    // A sender claimed it, then vanished.
    assert!(store.claim(&lost, now, delivery::claim_deadline(now)).await.unwrap().is_some());
    assert!(store.claim(&lost, now, delivery::claim_deadline(now)).await.unwrap().is_none(), "claims are exclusive");
    let sns = Arc::new(Counting::default());
    assert_eq!(courier(&store, sns.clone(), now).send(&lost).await, Sent::NotClaimed);
    assert_eq!(courier(&store, sns.clone(), now).sweep_once().await, 0, "not before its deadline");
    let later = now + delivery::CLAIM_TIMEOUT + Duration::seconds(1);
    assert_eq!(courier(&store, sns.clone(), later).sweep_once().await, 1);
    let m = store.message(&lost).await.unwrap().unwrap();
    assert_eq!(m.state, DeliveryState::TechnicalFailure, "never resent blindly");
    assert_eq!(sns.handed.load(Ordering::SeqCst), 0);
    assert_eq!(courier(&store, sns.clone(), later + Duration::days(1)).drain_once().await, 0);

    // With an idempotent provider (the local sink) the claim is retried, and sent once.
    let retried = file(&store, false).await.id;
    assert!(store.claim(&retried, now, delivery::claim_deadline(now)).await.unwrap().is_some());
    let dir = tempfile::tempdir().unwrap();
    let sink: Arc<dyn Notifier> = Arc::new(LocalSink::open(dir.path().join("sent.jsonl")).unwrap());
    let after_restart = courier(&store, sink.clone(), now);
    assert_eq!(after_restart.recover_after_restart().await, 1);
    assert_eq!(after_restart.drain_once().await, 1);
    assert_eq!(state_of(&store, &retried).await, DeliveryState::Delivered);
    let lines = std::fs::read_to_string(dir.path().join("sent.jsonl")).unwrap();
    assert_eq!(lines.lines().filter(|l| l.contains(&retried)).count(), 1);
}

pub async fn failed_messages_back_off_and_end_in_a_final_state<S: Store>(store: S) {
    let id = file(&store, false).await.id;
    let mut now = Utc::now() + Duration::seconds(1);
    let temporary: Arc<dyn Notifier> = Arc::new(Failing(NotifyError::Temporary));
    assert_eq!(courier(&store, temporary.clone(), now).send(&id).await, Sent::WillRetry);
    let m = store.message(&id).await.unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (DeliveryState::Created, 1));
    assert!(store.pending(now + Duration::milliseconds(1500), 10).await.unwrap().is_empty(), "about 2 s first");
    assert_eq!(store.pending(now + Duration::milliseconds(2500), 10).await.unwrap().len(), 1);
    for _ in 1..delivery::MAX_ATTEMPTS {
        now += Duration::hours(2);
        courier(&store, temporary.clone(), now).drain_once().await;
    }
    let m = store.message(&id).await.unwrap().unwrap();
    assert_eq!((m.state, m.attempts), (DeliveryState::TechnicalFailure, delivery::MAX_ATTEMPTS));
    assert!(m.last_error.is_some());
    assert!(store.pending(now + Duration::days(365), 10).await.unwrap().is_empty(), "final");
    assert!(store.overdue(now + Duration::days(365), 10).await.unwrap().is_empty(), "not stuck in sending");

    let id = file(&store, false).await.id;
    let permanent: Arc<dyn Notifier> = Arc::new(Failing(NotifyError::Permanent));
    assert_eq!(courier(&store, permanent, Utc::now() + Duration::seconds(1)).send(&id).await, Sent::Failed);
    assert_eq!(state_of(&store, &id).await, DeliveryState::PermanentFailure);
}

pub async fn receipts_settle_once_and_final_states_never_move<S: Store>(store: S) {
    let id = file(&store, false).await.id;
    let now = Utc::now() + Duration::seconds(1);
    let c = courier(&store, Arc::new(Counting { receipts: true, ..Counting::default() }), now);
    assert_eq!(c.send(&id).await, Sent::HandedOver);
    let m = store.message(&id).await.unwrap().unwrap();
    assert_eq!(m.state, DeliveryState::Sending, "awaiting its receipt");
    let provider_id = m.provider_id.unwrap();
    assert_eq!(store.message_of_provider(&provider_id).await.unwrap(), Some(id.clone()));
    assert_eq!(store.message_of_provider("unknown").await.unwrap(), None);
    assert!(c.delivery_report(&id, DeliveryReport::Delivered).await.unwrap());
    assert_eq!(state_of(&store, &id).await, DeliveryState::Delivered);
    assert!(!c.delivery_report(&id, DeliveryReport::Delivered).await.unwrap(), "a duplicate changes nothing");
    assert!(
        !c.delivery_report(&id, DeliveryReport::PermanentFailure("late bounce".into())).await.unwrap(),
        "final stays final"
    );
    assert_eq!(state_of(&store, &id).await, DeliveryState::Delivered);
    assert!(!c.delivery_report("000.00.03.H56-260302-0999:0:sms", DeliveryReport::Delivered).await.unwrap());

    // No receipt at all: swept to a temporary failure after the receipt deadline.
    let quiet = file(&store, false).await.id;
    assert_eq!(c.send(&quiet).await, Sent::HandedOver);
    let much_later =
        courier(&store, Arc::new(Counting::default()), now + delivery::RECEIPT_TIMEOUT + Duration::minutes(1));
    assert_eq!(much_later.sweep_once().await, 1);
    assert_eq!(state_of(&store, &quiet).await, DeliveryState::TemporaryFailure);
}

pub async fn a_permanent_failure_falls_back_to_the_other_channel_once<S: Store>(store: S) {
    let sms = file(&store, true).await;
    let now = Utc::now() + Duration::seconds(1);
    let opted_out = Arc::new(Counting { refuse_sms: true, ..Counting::default() });
    let c = courier(&store, opted_out.clone(), now);
    assert_eq!(c.send(&sms.id).await, Sent::Failed);
    assert_eq!(state_of(&store, &sms.id).await, DeliveryState::PermanentFailure);
    let email_id = sms.id.replace(":sms", ":email");
    let email = store.message(&email_id).await.unwrap().expect("the fallback was created with the failure");
    assert_eq!((email.state, email.message.channel), (DeliveryState::Created, MessageChannel::Email));
    assert_eq!(c.drain_once().await, 1);
    assert_eq!(state_of(&store, &email_id).await, DeliveryState::Delivered);
    assert_eq!(opted_out.handed.load(Ordering::SeqCst), 1, "the email went out once");
    assert_eq!(c.drain_once().await, 0);
}

/// A message no transition raised (an officer's digest): posted once however often, sent by the
/// same courier, falling back like a notice.
pub async fn posted_messages_are_added_once_and_delivered<S: Store>(store: S) {
    let now = Utc::now();
    let digest = OutgoingMessage {
        id: "DIGEST-20261201-tuphap.chuyenvien:digest:sms".into(),
        dossier_code: "DIGEST-20261201-tuphap.chuyenvien".into(),
        kind: motcua_domain::notify::NoticeKind::DeadlineDigest,
        channel: MessageChannel::Sms,
        recipient: "+84912345678".into(),
        subject: None,
        text: "Nhac han 01/12/2026: 1 ho so qua han".into(),
        status: None,
        created_at: now,
        fallback: Some(Box::new(Fallback {
            channel: MessageChannel::Email,
            recipient: "cv@tuphap.gov.vn".into(),
            subject: Some("Nhắc hạn xử lý".into()),
            text: "Kính gửi".into(),
        })),
    };
    assert_eq!(store.post(std::slice::from_ref(&digest)).await.unwrap(), 1);
    let mut changed = digest.clone();
    changed.text = "a later run's count".into();
    assert_eq!(store.post(&[changed, digest.clone()]).await.unwrap(), 0, "the first one posted is kept");
    let kept = store.message(&digest.id).await.unwrap().expect("posted");
    assert_eq!((kept.state, kept.message.clone()), (DeliveryState::Created, digest.clone()));
    let opted_out = Arc::new(Counting { refuse_sms: true, ..Counting::default() });
    let c = courier(&store, opted_out.clone(), now + Duration::seconds(1));
    assert_eq!(c.drain_once().await, 0, "the SMS fails for good");
    assert_eq!(c.drain_once().await, 1, "its email fallback goes");
    let email = store.message(&digest.id.replace(":sms", ":email")).await.unwrap().expect("the fallback");
    assert_eq!((email.state, email.message.kind), (DeliveryState::Delivered, digest.kind));
    assert_eq!(store.post(&[digest]).await.unwrap(), 0, "a sent digest is not posted again");
    assert_eq!(c.drain_once().await, 0);
}

pub async fn sms_caps_hold_per_dossier_and_phone<S: Store>(store: S) {
    let now = Utc::now();
    let window = Duration::hours(1);
    let start = now - Duration::minutes(5);
    let three = |key: &str, window_start| LimitUse { key: key.into(), window_start, window, max: 3 };
    for _ in 0..3 {
        assert!(store.take(&three("test:key", start)).await.unwrap());
    }
    assert!(!store.take(&three("test:key", start)).await.unwrap(), "the fourth use is refused");
    assert_eq!(store.used("test:key", start).await.unwrap(), 3, "refused uses are not counted");
    assert!(store.take(&three("test:key", start + window)).await.unwrap(), "a new window starts afresh");
    assert!(store.take(&three("test:other", start)).await.unwrap());
    assert_eq!(store.used("test:none", start).await.unwrap(), 0);

    // Three dossiers to one phone with a cap of two: the third SMS falls back to email.
    let mut ids = vec![];
    for _ in 0..3 {
        ids.push(file(&store, true).await.id);
    }
    let notifier = Arc::new(Counting::default());
    let mut c = courier(&store, notifier.clone(), Utc::now() + Duration::seconds(1));
    c.caps = SmsCaps { per_dossier_per_day: 5, per_phone_per_day: 2 };
    let outcomes: Vec<Sent> = futures_lite(ids.iter().map(|id| c.send(id))).await;
    assert_eq!(outcomes.iter().filter(|o| **o == Sent::HandedOver).count(), 2, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == Sent::Failed).count(), 1);
    assert_eq!(c.drain_once().await, 1, "the capped notice went by email");
}

/// Awaits futures one after another.
async fn futures_lite<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut out = vec![];
    for f in futures {
        out.push(f.await);
    }
    out
}
