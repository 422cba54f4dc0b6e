//! Nhật ký trục liên thông: every package and status packet this system sent or read over the
//! document axis, with its SHA-256, size and what became of it (applied, a repeat, refused and
//! why). Kept for the operators and the archive: a refused packet is never applied, but it is
//! never silently dropped either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::ports::AxisMessage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Sent,
    Received,
}

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Handed to the axis.
    Sent,
    /// Read and applied to its dossier.
    Applied,
    /// Read again after it had been applied (the axis gave it twice): nothing written.
    Repeat,
    /// Read and refused (see `reason`), answered `fail` on the axis.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JournalEntry {
    pub at: DateTime<Utc>,
    pub direction: Direction,
    /// `edoc` (a package) or `status` (a status packet).
    pub kind: String,
    /// The axis's id of the message (DocId).
    pub axis_id: String,
    /// The edXML DocumentId the message carries or answers, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
    /// The other agency: the receiver of what was sent, the sender of what was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// A status packet's code (01–06, 13, 15, 16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<String>,
    /// Hex SHA-256 of the message's bytes as sent or read.
    pub sha256: String,
    pub bytes: u64,
    pub outcome: Outcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl JournalEntry {
    /// An entry for `bytes` of `kind`, the rest to fill.
    pub fn of(
        at: DateTime<Utc>,
        direction: Direction,
        kind: AxisMessage,
        axis_id: &str,
        bytes: &[u8],
        outcome: Outcome,
    ) -> Self {
        Self {
            at,
            direction,
            kind: kind.as_str().to_owned(),
            axis_id: axis_id.to_owned(),
            document_id: None,
            dossier: None,
            agency: None,
            status_code: None,
            sha256: Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect(),
            bytes: bytes.len() as u64,
            outcome,
            reason: None,
        }
    }

    /// Where the entry sorts: its time, direction and axis id (the same message noted twice at
    /// the same time is one entry).
    pub fn position(&self) -> String {
        let direction = match self.direction {
            Direction::Sent => "s",
            Direction::Received => "r",
        };
        format!("{}#{direction}#{}", self.at.format("%Y%m%dT%H%M%S%.6fZ"), self.axis_id)
    }
}
