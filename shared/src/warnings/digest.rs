//! The morning digest (nhắc hạn xử lý): one message a day to each officer of an agency who holds
//! dossiers due soon or overdue, and to each of its leaders the agency's whole list. An email
//! when the officer has an address (their phone as its fallback), else an SMS. Its id is keyed by
//! the officer and the day, so however many times the morning's run repeats, the outbox keeps
//! one message per officer and day.
//!
//! A digest names dossiers by code, procedure and step, never by applicant: it leaves the system
//! by email or SMS, and the officer reads the rest in their queue.

use chrono::{DateTime, NaiveDate, Utc};

use super::{TimeLeft, Urgency};
use crate::calendar::vietnam;
use crate::catalogue::{Agency, Officer, OfficerId, Role};
use crate::lifecycle::Dossier;
use crate::notify::{sms, Fallback, MessageChannel, NoticeKind, OutgoingMessage};

/// At most this many dossiers are listed in one email; the rest are counted.
pub const MAX_LISTED: usize = 200;

/// A dossier worth a warning, with the time its appointment leaves.
#[derive(Debug, Clone, Copy)]
pub struct Flagged<'a> {
    pub dossier: &'a Dossier,
    pub left: TimeLeft,
}

/// The morning's digests of one agency.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Digests {
    pub messages: Vec<OutgoingMessage>,
    /// Officers who should have had a digest but have neither an email address nor a phone.
    pub unreachable: Vec<OfficerId>,
}

/// The outbox key of an officer's digest of `day`: it stands where a dossier code stands in a
/// notice's id, so the outbox keeps one digest per officer and day and counts its SMS caps per
/// officer.
pub fn key(day: NaiveDate, officer: &OfficerId) -> String {
    format!("DIGEST-{}-{}", day.format("%Y%m%d"), officer.as_str())
}

/// Who holds a dossier now: the assignee of its current step.
fn holder(d: &Dossier) -> Option<&OfficerId> {
    d.step.as_ref()?.assignee.as_ref().map(|a| &a.id)
}

/// Each officer's digest of `day`: the dossiers they hold (a leader: all of `flagged`), most
/// overdue first. Officers with nothing to hear of get nothing.
pub fn digests(
    day: NaiveDate,
    agency: &Agency,
    officers: &[Officer],
    flagged: &[Flagged<'_>],
    now: DateTime<Utc>,
) -> Digests {
    let mut sorted: Vec<&Flagged<'_>> = flagged.iter().filter(|f| f.left.warns()).collect();
    sorted.sort_by(|a, b| {
        a.left
            .working_minutes
            .cmp(&b.left.working_minutes)
            .then_with(|| a.dossier.code.to_string().cmp(&b.dossier.code.to_string()))
    });
    let mut out = Digests::default();
    for officer in officers {
        let leader = officer.has_role(Role::Leader);
        let theirs: Vec<&Flagged<'_>> =
            sorted.iter().copied().filter(|f| leader || holder(f.dossier) == Some(&officer.id)).collect();
        if theirs.is_empty() {
            continue;
        }
        match message(day, agency, officer, leader, &theirs, now) {
            Some(m) => out.messages.push(m),
            None => out.unreachable.push(officer.id.clone()),
        }
    }
    out
}

fn message(
    day: NaiveDate,
    agency: &Agency,
    officer: &Officer,
    leader: bool,
    theirs: &[&Flagged<'_>],
    now: DateTime<Utc>,
) -> Option<OutgoingMessage> {
    let overdue = theirs.iter().filter(|f| f.left.urgency == Urgency::Overdue).count();
    let soon = theirs.len() - overdue;
    let date = day.format("%d/%m/%Y");
    let sms = officer.phone.as_ref().map(|phone| Fallback {
        channel: MessageChannel::Sms,
        recipient: phone.e164().to_owned(),
        subject: None,
        text: sms::to_gsm7(&format!(
            "Nhắc hạn {date} ({}): {overdue} hồ sơ quá hạn, {soon} hồ sơ sắp đến hạn{}. Xem hàng đợi trên hệ thống một cửa.",
            agency.name,
            if leader { " của cơ quan" } else { " anh/chị đang giữ" },
        )),
    });
    let email = officer.email.as_ref().map(|email| Fallback {
        channel: MessageChannel::Email,
        recipient: email.as_str().to_owned(),
        subject: Some(format!("Nhắc hạn xử lý {date}: {overdue} hồ sơ quá hạn, {soon} hồ sơ sắp đến hạn")),
        text: email_text(officer, agency, leader, theirs),
    });
    let (primary, fallback) = match (email, sms) {
        (Some(email), sms) => (email, sms),
        (None, Some(sms)) => (sms, None),
        (None, None) => return None,
    };
    let key = key(day, &officer.id);
    Some(OutgoingMessage {
        id: format!("{key}:digest:{}", primary.channel.as_str()),
        dossier_code: key,
        kind: NoticeKind::DeadlineDigest,
        channel: primary.channel,
        recipient: primary.recipient,
        subject: primary.subject,
        text: primary.text,
        status: None,
        created_at: now,
        fallback: fallback.map(Box::new),
    })
}

fn email_text(officer: &Officer, agency: &Agency, leader: bool, theirs: &[&Flagged<'_>]) -> String {
    let whose = if leader { format!("của {}", agency.name) } else { "anh/chị đang giữ".to_owned() };
    let mut text = format!(
        "Kính gửi {},\n\nCác hồ sơ {whose} đã quá hạn hoặc còn không quá một ngày làm việc đến hạn trả kết quả:\n",
        officer.name
    );
    for (urgency, title) in [(Urgency::Overdue, "Quá hạn"), (Urgency::DueSoon, "Sắp đến hạn")] {
        let group: Vec<&&Flagged<'_>> = theirs.iter().filter(|f| f.left.urgency == urgency).collect();
        if group.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{title} ({}):\n", group.len()));
        for f in group.iter().take(MAX_LISTED) {
            text.push_str(&line(f, leader));
        }
        if group.len() > MAX_LISTED {
            text.push_str(&format!("- … và {} hồ sơ khác: xem hàng đợi.\n", group.len() - MAX_LISTED));
        }
    }
    text.push_str(&format!("\nXem và xử lý trong hàng đợi hồ sơ của hệ thống một cửa.\n\n{}", agency.name));
    text
}

/// One dossier's line; for a leader, with who holds it.
fn line(f: &Flagged<'_>, leader: bool) -> String {
    let d = f.dossier;
    let step = d.current_step().map(|(_, s)| format!(" · bước: {}", s.name)).unwrap_or_default();
    let held = match d.step.as_ref().and_then(|p| p.assignee.as_ref()) {
        _ if !leader => String::new(),
        Some(a) => format!(" · {}", a.name),
        None => " · chưa phân công".to_owned(),
    };
    let due = d.due_at.map(vietnam::display).unwrap_or_default();
    format!("- {} · {}{step}{held} · hạn {due} · {}\n", d.code, d.terms.procedure_name, left(&f.left))
}

/// Working time left, as an officer reads it.
fn left(t: &TimeLeft) -> String {
    let days = |x: f64| format!("{x:.1}").replace('.', ",");
    match t.urgency {
        Urgency::Overdue => format!("quá hạn {} ngày làm việc", days(-t.working_days)),
        _ if t.working_minutes <= 0 => "hết hạn trong hôm nay".to_owned(),
        _ => format!("còn {} giờ làm việc", days(t.working_minutes as f64 / 60.0)),
    }
}
