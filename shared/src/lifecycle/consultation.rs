//! Xin ý kiến: the step holder asks an officer of another agency for an opinion without handing
//! the step over; the step's clock keeps running, and the opinion comes back into the history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::catalogue::OfficerRef;
use crate::codes::AgencyCode;

/// The most opinions one dossier may wait for at once.
pub const MAX_OPEN_CONSULTATIONS: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Consultation {
    /// The step it was asked at.
    pub step: usize,
    pub asked_at: DateTime<Utc>,
    pub asked_by: OfficerRef,
    pub asked_of: OfficerRef,
    #[schema(value_type = String)]
    pub agency: AgencyCode,
    pub question: String,
    pub answer: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Consultation {
    pub fn is_open(&self) -> bool {
        self.answered_at.is_none()
    }
}
