//! Warnings before the deadline, on both homes: on the morning a dossier falls due its holder and
//! the agency's leader each get one digest (however often the morning's run repeats), the queue
//! flags it due soon, and the next working morning overdue with a new digest; a holiday and a
//! weekend warn no one.

mod api;
mod support;

use api::Api;
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::{Holiday, OfficerId};
use motcua_domain::contact::{Email, PhoneNumber};
use motcua_domain::notify::{MessageChannel, NoticeKind};
use serde_json::{json, Value};

fn vn(date: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
    vietnam::from_local(date.and_hms_opt(h, m, 0).unwrap())
}

async fn ok(api: &Api, code: &str, officer: &str, action: &str, body: Value) -> Value {
    let token = api.token(officer).await;
    let (s, v) = api.post(&format!("/v1/dossiers/{code}/{action}"), Some(&token), body).await;
    assert_eq!(s, StatusCode::OK, "{officer} {action}: {v}");
    v
}

/// Gives an officer of the seed an email address (and a phone).
async fn reachable(api: &Api, id: &str, phone: Option<&str>) {
    let catalogue = &api.home.store.catalogue;
    let mut officer = catalogue.officer(&OfficerId::parse(id).unwrap()).await.unwrap().unwrap();
    officer.email = Some(Email::parse(&format!("{id}@tuphap.example.vn")).unwrap());
    officer.phone = phone.map(|p| PhoneNumber::parse(p).unwrap());
    catalogue.put_officer(&officer).await.unwrap();
}

async fn my_queue(api: &Api, officer: &str) -> Value {
    let token = api.token(officer).await;
    let (s, v) = api.get("/v1/officer/dossiers?assignee=me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn digest(api: &Api, day: NaiveDate, officer: &str) -> Option<motcua_domain::ports::StoredMessage> {
    let id = format!("DIGEST-{}-{officer}:digest:email", day.format("%Y%m%d"));
    api.home.store.outbox.message(&id).await.unwrap()
}

async fn officers_are_warned_before_the_deadline(api: Api) {
    // Monday 7 December 2026, 08:00.
    let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    api.set_time(vn(monday, 8, 0));
    reachable(&api, "tuphap.chuyenvien", Some("0912000111")).await;
    reachable(&api, "tuphap.lanhdao", None).await;
    let (code, _) = api.submit().await;
    let received = ok(&api, &code, "tuphap.motcua", "receive", json!({})).await;
    ok(&api, &code, "tuphap.lanhdao", "assign", json!({"assignee": "tuphap.chuyenvien"})).await;
    let due = DateTime::parse_from_rfc3339(received["due_at"].as_str().unwrap()).unwrap().to_utc();
    let warner = api.home.deadline_warner();
    let quiet = warner.run_once().await.unwrap();
    assert_eq!((quiet.dossiers, quiet.posted), (0, 0), "nothing is due yet: {quiet:?}");
    let queue = my_queue(&api, "tuphap.chuyenvien").await;
    assert_eq!(queue["items"][0]["time_left"]["urgency"], "on_track", "{queue}");

    // The morning of the due date, after opening.
    let due_day = vietnam::to_local(due).date();
    api.set_time(vn(due_day, 7, 10));
    let warned = warner.run_once().await.unwrap();
    assert_eq!((warned.dossiers, warned.posted, warned.failed), (1, 2, 0), "{warned:?}");
    let again = warner.run_once().await.unwrap();
    assert_eq!((again.agencies, again.posted), (0, 0), "once a day per agency: {again:?}");
    let holder = digest(&api, due_day, "tuphap.chuyenvien").await.expect("the holder's digest");
    let m = &holder.message;
    assert_eq!(
        (m.kind, m.channel, m.recipient.as_str()),
        (NoticeKind::DeadlineDigest, MessageChannel::Email, "tuphap.chuyenvien@tuphap.example.vn")
    );
    assert!(m.subject.as_deref().unwrap().contains("0 hồ sơ quá hạn, 1 hồ sơ sắp đến hạn"), "{:?}", m.subject);
    assert!(m.text.contains(&code) && !m.text.contains("Nguyễn"), "{}", m.text);
    assert_eq!(m.fallback.as_ref().map(|f| f.channel), Some(MessageChannel::Sms));
    let leader = digest(&api, due_day, "tuphap.lanhdao").await.expect("the leader's digest");
    assert!(
        leader.message.text.contains(&code) && leader.message.text.contains("Chuyên viên"),
        "{}",
        leader.message.text
    );
    let queue = my_queue(&api, "tuphap.chuyenvien").await;
    let item = &queue["items"][0];
    assert_eq!((item["code"].as_str(), item["time_left"]["urgency"].as_str()), (Some(code.as_str()), Some("due_soon")));
    assert!(item["time_left"]["working_minutes"].as_i64().unwrap() <= 480, "{item}");
    assert_eq!(item["step_time_left"]["urgency"], "overdue", "the step's share ran out before the dossier's: {item}");

    // The next working morning: overdue, and a new day's digest.
    let mut next = due_day.succ_opt().unwrap();
    while next.weekday().number_from_monday() > 5 {
        next = next.succ_opt().unwrap();
    }
    api.set_time(vn(next, 7, 30));
    let overdue = warner.run_once().await.unwrap();
    assert_eq!((overdue.dossiers, overdue.posted), (1, 2), "{overdue:?}");
    let m = digest(&api, next, "tuphap.chuyenvien").await.expect("the next day's digest").message;
    assert!(m.subject.as_deref().unwrap().contains("1 hồ sơ quá hạn"), "{:?}", m.subject);
    assert_eq!(my_queue(&api, "tuphap.chuyenvien").await["items"][0]["time_left"]["urgency"], "overdue");

    // A holiday on the working day after: no one is warned; nor on a Saturday.
    let mut holiday = next.succ_opt().unwrap();
    while holiday.weekday().number_from_monday() > 5 {
        holiday = holiday.succ_opt().unwrap();
    }
    let catalogue = &api.home.store.catalogue;
    let mut days = catalogue.holidays().await.unwrap();
    days.retain(|h| h.date.year() == holiday.year());
    days.push(Holiday { date: holiday, name: "Nghỉ bù".into() });
    catalogue.put_holidays(holiday.year(), &days).await.unwrap();
    api.set_time(vn(holiday, 8, 0));
    let off = warner.run_once().await.unwrap();
    assert_eq!((off.agencies, off.posted), (0, 0), "{off:?}");
    assert!(digest(&api, holiday, "tuphap.chuyenvien").await.is_none());
    let saturday = monday + chrono::Days::new(5);
    api.set_time(vn(saturday, 9, 0));
    assert_eq!(warner.run_once().await.unwrap().agencies, 0);
}

#[tokio::test]
async fn officers_are_warned_before_the_deadline_on_sqlite() {
    officers_are_warned_before_the_deadline(Api::new().await).await;
}

#[tokio::test]
async fn officers_are_warned_before_the_deadline_on_dynamodb() {
    officers_are_warned_before_the_deadline(Api::on_dynamodb("warnings").await).await;
}
