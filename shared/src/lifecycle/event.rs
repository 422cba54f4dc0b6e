//! History events (nhật ký xử lý): one per transition, attributed to one actor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Action, Status};
use crate::catalogue::{OfficerRef, Role};

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventActor {
    Applicant,
    Officer {
        #[serde(flatten)]
        officer: OfficerRef,
        role: Role,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEvent {
    /// 0, 1, 2, … within the dossier.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub action: Action,
    pub actor: EventActor,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub from_step: Option<usize>,
    pub to_step: Option<usize>,
    /// Reason, note or list of what is missing.
    pub note: Option<String>,
    /// The officer the step was given to, for assign and forward.
    pub assignee: Option<OfficerRef>,
    /// The due time of the step in hand after this event.
    pub step_due_at: Option<DateTime<Utc>>,
    /// The dossier's due time after this event.
    pub due_at: Option<DateTime<Utc>>,
    /// The hash of the event before (see [`super::chain`]); all zeros for the first.
    #[serde(default)]
    pub prev_hash: String,
    /// SHA-256 of this event's canonical content, `prev_hash` included.
    #[serde(default)]
    pub hash: String,
}
