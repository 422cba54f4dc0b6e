//! Officers are told what arrives in their hands (`docs/notifications.md`, *Officers*): each
//! transition that gives a dossier to an officer (assigned, handed over, sent back, re-assigned,
//! asked for an opinion) writes, in its own commit, an arrival for that officer into the outbox,
//! due when its quarter hour ends. Arrivals are not sent one by one: the first of an officer's
//! quarter hour to be taken gathers every arrival of that quarter hour into one digest, which is
//! sent as any notice is; so a busy desk gets at most one message per officer per 15 minutes,
//! listing what arrived, and an arrival is never lost (it is written with the transition).

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{MessageChannel, NoticeKind, OutgoingMessage};
use crate::calendar::vietnam;
use crate::catalogue::Officer;
use crate::lifecycle::{Dossier, EventActor, HistoryEvent};

/// How long arrivals are gathered.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long after its window an arrival is due: every transition of the window has committed.
pub const SETTLE: Duration = Duration::minutes(1);
/// The most dossiers a digest lists by code.
const MAX_LISTED: usize = 50;

/// How an officer wants to hear of what arrives (their profile's choice).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArrivalNotices {
    /// By email, when they have one (the default).
    #[default]
    Email,
    /// By Zalo to their phone, when they have one.
    Zalo,
    /// Not at all: they watch their queue.
    Off,
}

/// The start of the window `at` falls in (windows aligned to the hour).
pub fn window_start(at: DateTime<Utc>) -> DateTime<Utc> {
    let len = WINDOW.num_seconds();
    Utc.timestamp_opt(at.timestamp().div_euclid(len) * len, 0).single().unwrap_or(at)
}

/// The key gathering `officer`'s arrivals of the window `at` falls in: no `:`, so it is the
/// messages' `dossier_code` and their ids' first part.
pub fn key(officer: &crate::catalogue::OfficerId, at: DateTime<Utc>) -> String {
    format!("ARRIVALS-{}-{}", officer.as_str(), window_start(at).format("%Y%m%dT%H%MZ"))
}

/// The arrival `e` gives `officer` (its assignee), unless they hear of none or gave no contact
/// for their choice, or they gave it to themselves.
pub fn arrival(officer: &Officer, d: &Dossier, e: &HistoryEvent) -> Option<OutgoingMessage> {
    if matches!(&e.actor, EventActor::Officer { officer: by, .. } if by.id == officer.id) {
        return None;
    }
    let (channel, recipient) = match officer.arrivals {
        ArrivalNotices::Off => return None,
        ArrivalNotices::Email => (MessageChannel::Email, officer.email.as_ref()?.as_str().to_owned()),
        ArrivalNotices::Zalo => (MessageChannel::Zalo, officer.phone.as_ref()?.e164().to_owned()),
    };
    let step_due = d.step.as_ref().map(|s| format!(", hạn bước {}", vietnam::display(s.due_at))).unwrap_or_default();
    let key = key(&officer.id, e.at);
    Some(OutgoingMessage {
        id: format!("{key}:{}.{}:{}", d.code, e.seq, channel.as_str()),
        dossier_code: key,
        kind: NoticeKind::Arrival,
        channel,
        recipient,
        subject: None,
        text: format!("{} ({}): {}{step_due}", d.code, e.action.name_vi().to_lowercase(), d.terms.procedure_name),
        status: Some(d.status),
        created_at: window_start(e.at) + WINDOW + SETTLE,
        fallback: None,
    })
}

/// The one digest of `arrivals` (the arrivals of one officer's window), due at `now`; the same
/// whichever arrival gathers them.
pub fn digest(arrivals: &[OutgoingMessage], now: DateTime<Utc>) -> Option<OutgoingMessage> {
    let first = arrivals.iter().min_by(|a, b| a.id.cmp(&b.id))?;
    let mut lines: Vec<&str> =
        arrivals.iter().filter(|a| a.kind == NoticeKind::Arrival).map(|a| a.text.as_str()).collect();
    lines.sort_unstable();
    lines.dedup();
    let start = vietnam::to_local(first.created_at - SETTLE - WINDOW);
    let end = vietnam::to_local(first.created_at - SETTLE);
    let count = lines.len();
    let mut text = format!(
        "Kính gửi anh/chị,\n\nTừ {} đến {} ngày {}, {count} hồ sơ được giao cho anh/chị:\n",
        start.format("%H:%M"),
        end.format("%H:%M"),
        start.format("%d/%m/%Y")
    );
    for line in lines.iter().take(MAX_LISTED) {
        text.push_str(&format!("- {line}\n"));
    }
    if count > MAX_LISTED {
        text.push_str(&format!("- và {} hồ sơ khác\n", count - MAX_LISTED));
    }
    text.push_str("\nXem và xử lý trong hàng đợi của anh/chị trên hệ thống một cửa điện tử.");
    if first.channel == MessageChannel::Zalo {
        text = format!(
            "{count} hồ sơ mới được giao cho anh/chị từ {} đến {}.",
            start.format("%H:%M"),
            end.format("%H:%M")
        );
    }
    Some(OutgoingMessage {
        id: format!("{}:digest:{}", first.dossier_code, first.channel.as_str()),
        dossier_code: first.dossier_code.clone(),
        kind: NoticeKind::ArrivalDigest,
        channel: first.channel,
        recipient: first.recipient.clone(),
        subject: (first.channel == MessageChannel::Email).then(|| format!("{count} hồ sơ mới được giao")),
        text,
        status: None,
        created_at: now,
        fallback: None,
    })
}

#[cfg(test)]
mod tests;
