//! THE transition table: for each action, from which statuses, by whom, to what status, with
//! which notice. Handlers, authorisation and the documentation all read this and nothing else.

use super::{Action, NoticeKind, Status};
use crate::catalogue::Role;

/// Where an action may start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// Creates the dossier.
    New,
    In(&'static [Status]),
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// The applicant, proven by the dossier's lookup secret.
    Applicant,
    /// An officer of the dossier's agency holding the role.
    AgencyRole(Role),
    /// An officer of the current step's agency holding the role.
    StepAgencyRole(Role),
    /// The officer holding the current step: its role, in its agency, and its assignee if any.
    StepHolder,
}

/// The status after the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    Status(Status),
    /// Back to the status the dossier had before it was paused.
    Resume,
    /// The status does not change.
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    pub from: From,
    pub by: &'static [By],
    pub to: To,
    pub notice: Option<NoticeKind>,
}

use Status::*;

const OPEN: &[Status] = &[Received, Processing, AwaitingSupplement, AwaitingPayment];
const RECEPTION: &[By] = &[By::AgencyRole(Role::Reception)];

pub const TRANSITIONS: &[Rule] = &[
    Rule {
        action: Action::Submit,
        from: From::New,
        by: &[By::Applicant],
        to: To::Status(Submitted),
        notice: Some(NoticeKind::Submitted),
    },
    Rule {
        action: Action::CounterReceive,
        from: From::New,
        by: RECEPTION,
        to: To::Status(Received),
        notice: Some(NoticeKind::Received),
    },
    Rule {
        action: Action::Receive,
        from: From::In(&[Submitted]),
        by: RECEPTION,
        to: To::Status(Received),
        notice: Some(NoticeKind::Received),
    },
    Rule {
        action: Action::Refuse,
        from: From::In(&[Submitted, AwaitingSupplement]),
        by: RECEPTION,
        to: To::Status(Refused),
        notice: Some(NoticeKind::Refused),
    },
    Rule {
        action: Action::RequestSupplement,
        from: From::In(&[Submitted, Received]),
        by: RECEPTION,
        to: To::Status(AwaitingSupplement),
        notice: Some(NoticeKind::SupplementRequested),
    },
    Rule {
        action: Action::RequestSupplement,
        from: From::In(&[Processing]),
        by: &[By::StepHolder],
        to: To::Status(AwaitingSupplement),
        notice: Some(NoticeKind::SupplementRequested),
    },
    Rule {
        action: Action::Supplement,
        from: From::In(&[AwaitingSupplement]),
        by: &[By::Applicant],
        to: To::Resume,
        notice: Some(NoticeKind::SupplementReceived),
    },
    Rule {
        action: Action::Assign,
        from: From::In(&[Received, Processing]),
        by: &[By::StepAgencyRole(Role::Leader), By::StepAgencyRole(Role::Reception)],
        to: To::Status(Processing),
        notice: None,
    },
    Rule {
        action: Action::Forward,
        from: From::In(&[Processing]),
        by: &[By::StepHolder],
        to: To::Status(Processing),
        notice: None,
    },
    Rule {
        action: Action::Approve,
        from: From::In(&[Processing]),
        by: &[By::StepHolder],
        to: To::Status(Resolved),
        notice: Some(NoticeKind::ResultReady),
    },
    Rule {
        action: Action::Stop,
        from: From::In(OPEN),
        by: &[By::AgencyRole(Role::Leader)],
        to: To::Status(Stopped),
        notice: Some(NoticeKind::Stopped),
    },
    Rule {
        action: Action::Extend,
        from: From::In(&[Received, Processing, AwaitingPayment]),
        by: &[By::AgencyRole(Role::Leader), By::AgencyRole(Role::Reception)],
        to: To::Unchanged,
        notice: Some(NoticeKind::Apology),
    },
    Rule {
        action: Action::Return,
        from: From::In(&[Resolved]),
        by: RECEPTION,
        to: To::Status(Returned),
        notice: Some(NoticeKind::Returned),
    },
    Rule {
        action: Action::Withdraw,
        from: From::In(&[Submitted, Received, Processing, AwaitingSupplement, AwaitingPayment]),
        by: &[By::Applicant],
        to: To::Status(Withdrawn),
        notice: Some(NoticeKind::Withdrawn),
    },
    Rule {
        action: Action::Rate,
        from: From::In(&[Resolved, Returned]),
        by: &[By::Applicant],
        to: To::Unchanged,
        notice: None,
    },
];

/// The rules of `action` that start from `status` (`None`: creation).
pub fn rules_for(action: Action, status: Option<Status>) -> impl Iterator<Item = &'static Rule> {
    TRANSITIONS.iter().filter(move |r| {
        r.action == action
            && match (r.from, status) {
                (From::New, None) => true,
                (From::In(states), Some(s)) => states.contains(&s),
                _ => false,
            }
    })
}

fn by_text(by: &By) -> String {
    match by {
        By::Applicant => "applicant (lookup secret)".to_owned(),
        By::AgencyRole(r) => format!("{r} of the dossier's agency"),
        By::StepAgencyRole(r) => format!("{r} of the current step's agency"),
        By::StepHolder => "holder of the current step".to_owned(),
    }
}

/// The table as Markdown, for `docs/lifecycle.md` (a test keeps that file in step).
pub fn to_markdown() -> String {
    let mut out = String::from("| action | from | by | to | notice to the applicant |\n|---|---|---|---|---|\n");
    for r in TRANSITIONS {
        let from = match r.from {
            From::New => "(new dossier)".to_owned(),
            From::In(states) => states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
        };
        let by = r.by.iter().map(by_text).collect::<Vec<_>>().join(" or ");
        let to = match r.to {
            To::Status(s) => s.as_str().to_owned(),
            To::Resume => "the status before the pause".to_owned(),
            To::Unchanged => "(unchanged)".to_owned(),
        };
        let notice = r.notice.map(|n| format!("{n:?}")).unwrap_or_else(|| "—".to_owned());
        out.push_str(&format!("| {} | {from} | {by} | {to} | {notice} |\n", r.action.as_str()));
    }
    out
}
