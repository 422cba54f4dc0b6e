//! The SNS/SES notifier on `moto_server`: messages are really published (read back from
//! `/moto-api/data.json`), failures are classified, and a retry after a failure sends once.

use std::sync::Arc;

use chrono::{Duration, Utc};
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{DossierStore, Enclosure, Notifier, NotifyError, Outbox};

use super::{AwsNotifier, Senders};
use crate::aws;
use crate::contract::courier;
use crate::contract::fixtures::{agency, create_commit, day};
use crate::outbox_worker::Sent;
use motcua_domain::notify::DeliveryState;

const FROM: &str = "khong-tra-loi@motcua.example.gov.vn";

fn senders() -> Senders {
    Senders {
        sms_sender_id: Some("MOTCUA".into()),
        email_from: FROM.into(),
        configuration_set: None,
        sms_receipts: false,
        email_receipts: false,
    }
}

async fn notifier() -> AwsNotifier {
    let config = aws::local_config(&aws::moto_endpoint());
    aws_sdk_ses::Client::new(&config).verify_email_identity().email_address(FROM).send().await.unwrap();
    AwsNotifier::new(&config, senders())
}

/// What moto recorded of `service`'s `model` (`sns.SMS`, `ses.Message`, `ses.RawMessage`).
fn recorded(service: &str, model: &str) -> Vec<serde_json::Value> {
    let url = format!("{}/moto-api/data.json", aws::moto_endpoint());
    let data: serde_json::Value = ureq::get(&url).call().unwrap().into_json().unwrap();
    data[service][model].as_array().cloned().unwrap_or_default()
}

/// What moto recorded as sent: `(sns.SMS, ses.Message)`.
fn sent() -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    (recorded("sns", "SMS"), recorded("ses", "Message"))
}

fn unique_phone() -> String {
    format!("+849{:08}", rand::random::<u32>() % 100_000_000)
}

fn message(channel: MessageChannel, recipient: &str) -> OutgoingMessage {
    let code = "000.00.03.H56-260302-0001";
    OutgoingMessage {
        id: format!("{code}:{}:{}", rand::random::<u16>(), channel.as_str()),
        dossier_code: code.into(),
        kind: motcua_domain::lifecycle::NoticeKind::Received,
        channel,
        recipient: recipient.into(),
        subject: (channel == MessageChannel::Email).then(|| "Hồ sơ đã được tiếp nhận".into()),
        text: "Ho so 000.00.03.H56-260302-0001 da duoc tiep nhan".into(),
        status: Some(motcua_domain::lifecycle::Status::Received),
        created_at: Utc::now(),
        fallback: None,
    }
}

#[tokio::test]
async fn an_sms_is_published_to_the_number() {
    let phone = unique_phone();
    let m = message(MessageChannel::Sms, &phone);
    let id = notifier().await.deliver(&m, &[]).await.unwrap();
    let (sms, _) = sent();
    let mine: Vec<_> = sms.iter().filter(|s| s["phone_number"] == phone.as_str()).collect();
    assert_eq!(mine.len(), 1, "{sms:?}");
    assert_eq!(mine[0]["message"], m.text.as_str());
    assert_eq!(mine[0]["message_id"], id.as_str(), "the provider's id is returned");
}

#[tokio::test]
async fn an_email_is_sent_from_the_verified_sender() {
    let to = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    let m = message(MessageChannel::Email, &to);
    notifier().await.deliver(&m, &[]).await.unwrap();
    let (_, emails) = sent();
    let mine: Vec<_> = emails.iter().filter(|e| e["destinations"]["ToAddresses"][0] == to.as_str()).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["source"], FROM);
    assert_eq!(mine[0]["subject"], "Hồ sơ đã được tiếp nhận");
}

#[tokio::test]
async fn an_email_with_an_enclosure_goes_raw_with_the_file_attached() {
    let to = format!("cong-dan-{}@example.vn", rand::random::<u32>());
    let m = message(MessageChannel::Email, &to);
    let pdf = Enclosure {
        file_name: "refusal-000-00-03-H56.pdf".into(),
        media_type: "application/pdf",
        bytes: b"%PDF-1.7\n%fake".to_vec(),
    };
    notifier().await.deliver(&m, std::slice::from_ref(&pdf)).await.unwrap();
    let raw = recorded("ses", "RawMessage");
    let mine: Vec<_> = raw.iter().filter(|e| e.to_string().contains(&to)).collect();
    assert_eq!(mine.len(), 1, "{raw:?}");
    let text = mine[0].to_string();
    assert!(text.contains("filename=\\\"refusal-000-00-03-H56.pdf\\\""), "{text}");
    use base64::Engine;
    assert!(text.contains(&base64::engine::general_purpose::STANDARD.encode(&pdf.bytes)), "{text}");
    let (_, plain) = sent();
    assert!(!plain.iter().any(|e| e["destinations"]["ToAddresses"][0] == to.as_str()), "sent once, raw");
}

#[tokio::test]
async fn a_rejected_message_is_a_permanent_failure() {
    let n = notifier().await;
    let bad = message(MessageChannel::Sms, "not-a-number");
    assert!(matches!(n.deliver(&bad, &[]).await, Err(NotifyError::Permanent(_))));
    let unverified = AwsNotifier::new(
        &aws::local_config(&aws::moto_endpoint()),
        Senders { email_from: "unverified@example.org".into(), ..senders() },
    );
    let email = message(MessageChannel::Email, "a@example.vn");
    assert!(matches!(unverified.deliver(&email, &[]).await, Err(NotifyError::Permanent(_))));
}

#[tokio::test]
async fn an_unreachable_provider_is_a_temporary_failure() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let mut config = aws::local_config(&format!("http://{closed}")).to_builder();
    config.set_retry_config(Some(aws_config::retry::RetryConfig::disabled()));
    let n = AwsNotifier::new(&config.build(), senders());
    let result = n.deliver(&message(MessageChannel::Sms, &unique_phone()), &[]).await;
    assert!(matches!(result, Err(NotifyError::Temporary(_))), "{result:?}");
}

#[tokio::test]
async fn a_retry_after_a_failure_sends_once() {
    let config = aws::local_config(&aws::moto_endpoint());
    let store = crate::dynamo::create_table(&aws_sdk_dynamodb::Client::new(&config), &aws::unique_table("notify"))
        .await
        .unwrap();
    let phone = unique_phone();
    let p = phone.clone();
    store
        .create(
            &agency(),
            day(),
            Box::new(move |c| {
                let mut commit = create_commit(c, None);
                for m in &mut commit.outbox {
                    m.recipient = p.clone();
                }
                commit
            }),
        )
        .await
        .unwrap();
    let pending = store.pending(Utc::now(), 10).await.unwrap();
    assert_eq!(pending.len(), 1);

    struct Down;
    #[async_trait::async_trait]
    impl Notifier for Down {
        async fn deliver(&self, _: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
            Err(NotifyError::Temporary("SNS Throttling (HTTP 400)".into()))
        }
    }
    let now = Utc::now() + Duration::seconds(1);
    let id = &pending[0].message.id;
    assert_eq!(courier(&store, Arc::new(Down), now).send(id).await, Sent::WillRetry);

    let n = Arc::new(notifier().await);
    let later = courier(&store, n, now + Duration::minutes(5));
    assert_eq!(later.drain_once().await, 1);
    assert_eq!(later.drain_once().await, 0);
    assert_eq!(store.message(id).await.unwrap().unwrap().state, DeliveryState::Delivered);
    let (sms, _) = sent();
    assert_eq!(sms.iter().filter(|s| s["phone_number"] == phone.as_str()).count(), 1, "sent exactly once");
}
