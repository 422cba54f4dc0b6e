//! The applicant-facing notices a transition can raise; each has exactly one template.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Submitted,
    Received,
    Refused,
    SupplementRequested,
    SupplementReceived,
    Apology,
    ResultReady,
    Returned,
    Withdrawn,
    Stopped,
}
