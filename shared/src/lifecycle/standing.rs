//! Where a dossier stands against its appointment (DOMAIN.md "Deadlines"), the one rule that
//! views and reports share. A finished dossier is early, on time or late by the date it was
//! finished against the due date; one still in an agency's hands is within deadline while
//! its due date has not passed (a dossier waiting for a supplement always is), else overdue.
//! A withdrawn dossier, and one returned for want of a supplement, count as on time. Statistics classify against the statutory
//! appointment, so a dossier that needed an apology counts as late; the applicant's view
//! classifies against the appointment they hold now.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Dossier, Status};
use crate::calendar::{vietnam, Timeliness};

/// Early / on time / late once finished; within deadline / overdue while in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Trước hạn.
    Early,
    /// Đúng hạn.
    OnTime,
    /// Quá hạn (finished late).
    Late,
    /// Trong hạn: in hand, the due date not yet passed.
    WithinDeadline,
    /// Quá hạn: in hand, the due date passed.
    Overdue,
}

impl From<Timeliness> for Standing {
    fn from(t: Timeliness) -> Self {
        match t {
            Timeliness::Early => Standing::Early,
            Timeliness::OnTime => Standing::OnTime,
            Timeliness::Late => Standing::Late,
        }
    }
}

/// Which appointment a dossier is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Against {
    /// The statutory one, before any extension: for statistics.
    Statutory,
    /// The one the applicant holds now (extended, if it was).
    Current,
}

impl Dossier {
    /// Where the dossier stands at `at`; none before reception and for refusals.
    pub fn standing(&self, at: DateTime<Utc>, against: Against) -> Option<Standing> {
        let due = match against {
            Against::Statutory => self.statutory_due_at(),
            Against::Current => self.due_at,
        }?;
        let date = |t: DateTime<Utc>| vietnam::to_local(t).date();
        match self.status {
            Status::Submitted | Status::Refused => None,
            Status::Withdrawn | Status::ReturnedUnsupplemented => Some(Standing::OnTime),
            Status::AwaitingSupplement => Some(Standing::WithinDeadline),
            s if s.is_in_hand() => {
                Some(if date(at) <= date(due) { Standing::WithinDeadline } else { Standing::Overdue })
            }
            _ => self.finished_at.map(|f| Timeliness::of(f, due).into()),
        }
    }
}
