//! Status packets (gói tin trạng thái): the receiving agency's answers about a document it was
//! sent, each naming the document it answers for.

use chrono::{NaiveDate, NaiveDateTime};

use super::Organ;

/// Where the document stands at the receiving agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusCode {
    /// 01: arrived (đã đến).
    Arrived,
    /// 02: refused (từ chối tiếp nhận).
    Rejected,
    /// 03: accepted (đã tiếp nhận).
    Accepted,
    /// 04: assigned to an officer (phân công).
    Assigned,
    /// 05: being processed (đang xử lý).
    Processing,
    /// 06: completed (hoàn thành), with the result.
    Completed,
    /// 13: the sender asks for it back (lấy lại).
    RecallRequested,
    /// 15: the receiver agrees to give it back (đồng ý lấy lại).
    RecallAccepted,
    /// 16: the receiver refuses to give it back (từ chối lấy lại).
    RecallRefused,
}

impl StatusCode {
    pub const ALL: [StatusCode; 9] = [
        StatusCode::Arrived,
        StatusCode::Rejected,
        StatusCode::Accepted,
        StatusCode::Assigned,
        StatusCode::Processing,
        StatusCode::Completed,
        StatusCode::RecallRequested,
        StatusCode::RecallAccepted,
        StatusCode::RecallRefused,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StatusCode::Arrived => "01",
            StatusCode::Rejected => "02",
            StatusCode::Accepted => "03",
            StatusCode::Assigned => "04",
            StatusCode::Processing => "05",
            StatusCode::Completed => "06",
            StatusCode::RecallRequested => "13",
            StatusCode::RecallAccepted => "15",
            StatusCode::RecallRefused => "16",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// As the history says it.
    pub fn name_vi(self) -> &'static str {
        match self {
            StatusCode::Arrived => "văn bản đã đến",
            StatusCode::Rejected => "từ chối tiếp nhận",
            StatusCode::Accepted => "đã tiếp nhận",
            StatusCode::Assigned => "đã phân công xử lý",
            StatusCode::Processing => "đang xử lý",
            StatusCode::Completed => "đã hoàn thành",
            StatusCode::RecallRequested => "đề nghị lấy lại văn bản",
            StatusCode::RecallAccepted => "đồng ý cho lấy lại",
            StatusCode::RecallRefused => "từ chối cho lấy lại",
        }
    }
}

/// Who at the receiving agency handled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub department: String,
    pub name: String,
}

/// A status packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPacket {
    /// The agency the answered document came from (the receiver of this packet).
    pub response_for_organ: String,
    /// The answered document's `number/notation`, promulgation date and DocumentId.
    pub response_for_code: String,
    pub response_for_date: NaiveDate,
    pub document_id: String,
    /// Who answers.
    pub from: Organ,
    pub code: StatusCode,
    pub description: String,
    /// Vietnam time.
    pub at: NaiveDateTime,
    pub staff: Option<Staff>,
}
