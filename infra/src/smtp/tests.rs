//! Against a real SMTP server on loopback (`scripts/smtp_server.py`: aiosmtpd, installed by
//! scripts/test into the project's virtual environment): STARTTLS and implicit TLS with a login,
//! the MIME message as received, and each way a server fails, classified for the outbox.

use std::time::Duration;

use chrono::Utc;
use motcua_domain::notify::{MessageChannel, NoticeKind, OutgoingMessage};
use motcua_domain::ports::{Enclosure, Notifier, NotifyError};

use super::test_server::SmtpServer as Server;
use super::*;

fn notice() -> OutgoingMessage {
    OutgoingMessage {
        id: "000.00.03.H56-261201-0001:2:email".into(),
        dossier_code: "000.00.03.H56-261201-0001".into(),
        kind: NoticeKind::Apology,
        channel: MessageChannel::Email,
        recipient: "minhkhai@example.vn".into(),
        subject: Some("Thư xin lỗi và hẹn lại ngày trả kết quả".into()),
        text: "Sở Tư pháp xin lỗi vì hồ sơ chưa giải quyết được đúng hẹn.".into(),
        status: None,
        created_at: Utc::now(),
        fallback: None,
    }
}

fn pdf() -> Enclosure {
    Enclosure { file_name: "xin-loi.pdf".into(), media_type: "application/pdf", bytes: b"%PDF-1.7 test".to_vec() }
}

#[tokio::test]
async fn starttls_with_a_login_delivers_the_message_with_its_enclosure() {
    let server = Server::start(&["--tls", "starttls", "--auth", "motcua:mat-khau"]);
    let mailer = SmtpMailer::new(&server.config("starttls", Some(("motcua", "mat-khau")))).unwrap();
    mailer.check().await.expect("the server answers and takes the login");
    let id = mailer.deliver(&notice(), &[pdf()]).await.unwrap();
    assert_eq!(id, "<000.00.03.H56-261201-0001.2.email@motcua>");
    let received = server.received();
    assert_eq!(received.len(), 1);
    let (raw, meta) = &received[0];
    assert_eq!(meta["encrypted"], true);
    assert_eq!(meta["authenticated"], true);
    assert_eq!(meta["from"], "motcua@tuphap.example.vn");
    assert_eq!(meta["to"], serde_json::json!(["minhkhai@example.vn"]));
    assert!(raw.contains(&format!("Message-ID: {id}")) && raw.contains("Date: "), "{raw}");
    assert!(raw.contains("Subject: =?UTF-8?B?"), "the Vietnamese subject as encoded words");
    assert!(raw.contains("filename=\"xin-loi.pdf\""));
}

#[tokio::test]
async fn implicit_tls_delivers_too() {
    let server = Server::start(&["--tls", "implicit"]);
    let mailer = SmtpMailer::new(&server.config("tls", None)).unwrap();
    mailer.deliver(&notice(), &[]).await.unwrap();
    assert_eq!(server.received()[0].1["encrypted"], true);
}

#[tokio::test]
async fn each_failure_means_what_it_should_for_the_outbox() {
    let outcome = |r: Result<String, NotifyError>| r.map_or_else(|e| e.outcome(), |_| "delivered");
    let plain = |args: &[&str]| Server::start(&[&["--tls", "none"], args].concat());
    let send = |server: &Server| {
        let mailer = SmtpMailer::new(&server.config("none", None)).unwrap();
        async move { outcome(mailer.deliver(&notice(), &[]).await) }
    };
    assert_eq!(send(&plain(&["--mode", "refuse"])).await, "permanent", "550: no such mailbox");
    assert_eq!(send(&plain(&["--mode", "tempfail"])).await, "temporary", "451: try later");
    assert_eq!(send(&plain(&["--mode", "drop"])).await, "unknown", "lost after the message was sent");
    let slow = plain(&["--mode", "slow", "--delay", "6"]);
    let started = std::time::Instant::now();
    assert_eq!(send(&slow).await, "unknown", "no answer within the timeout");
    assert!(started.elapsed() < Duration::from_secs(6), "the timeout holds");
    let gone = plain(&[]);
    let config = gone.config("none", None);
    drop(gone);
    assert_eq!(outcome(SmtpMailer::new(&config).unwrap().deliver(&notice(), &[]).await), "temporary", "no server");
    let locked = Server::start(&["--tls", "starttls", "--auth", "motcua:dung"]);
    let wrong = SmtpMailer::new(&locked.config("starttls", Some(("motcua", "sai")))).unwrap();
    let refused = wrong.deliver(&notice(), &[]).await;
    assert_eq!(outcome(refused), "temporary", "a refused login is the server's setting");
    let mut untrusted = locked.config("starttls", Some(("motcua", "dung")));
    untrusted.ca_pem = None;
    let untrusted = SmtpMailer::new(&untrusted).unwrap();
    assert_eq!(outcome(untrusted.deliver(&notice(), &[]).await), "temporary", "a certificate no CA vouches for");
    let mut sms = notice();
    sms.channel = MessageChannel::Sms;
    assert_eq!(send(&plain(&[])).await, "delivered");
    let mailer = SmtpMailer::new(&plain(&[]).config("none", None)).unwrap();
    assert_eq!(outcome(mailer.deliver(&sms, &[]).await), "permanent", "SMTP carries email only");
}

#[test]
fn settings_are_checked_and_the_password_never_shown() {
    let with = |pairs: &[(&str, &str)]| {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        SmtpConfig::from_vars(move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    };
    assert!(with(&[("MOTCUA_EMAIL_FROM", "a@b.vn")]).unwrap_err().contains("MOTCUA_SMTP_HOST"));
    assert!(with(&[("MOTCUA_SMTP_HOST", "mail.tinh.gov.vn")]).unwrap_err().contains("MOTCUA_EMAIL_FROM"));
    let base = [("MOTCUA_SMTP_HOST", "mail.tinh.gov.vn"), ("MOTCUA_EMAIL_FROM", "motcua@tinh.gov.vn")];
    let c = with(&base).unwrap();
    assert_eq!((c.security, c.port, c.pool_size, c.timeout), (Security::StartTls, 587, 4, Duration::from_secs(30)));
    let err = with(&[base[0], base[1], ("MOTCUA_SMTP_SECURITY", "none")]).unwrap_err();
    assert!(err.contains("only for a server on this machine"), "{err}");
    let err = with(&[base[0], base[1], ("MOTCUA_SMTP_USERNAME", "u")]).unwrap_err();
    assert!(err.contains("MOTCUA_SMTP_PASSWORD"), "{err}");
    let err = with(&[base[0], ("MOTCUA_EMAIL_FROM", "not an address")]).unwrap_err();
    assert!(err.contains("MOTCUA_EMAIL_FROM"), "{err}");
    let c = with(&[
        base[0],
        base[1],
        ("MOTCUA_SMTP_SECURITY", "tls"),
        ("MOTCUA_SMTP_USERNAME", "u"),
        ("MOTCUA_SMTP_PASSWORD", "bi-mat"),
    ])
    .unwrap();
    assert_eq!(c.port, 465);
    assert!(!format!("{c:?}").contains("bi-mat"), "the password is hidden");
}
