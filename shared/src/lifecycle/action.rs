//! What applicants and officers can do to a dossier, and the commands carrying their input.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Rating, ReturnMethod, SubmittedDocument};
use crate::catalogue::Officer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nộp trực tuyến.
    Submit,
    /// Tiếp nhận trực tiếp / bưu chính tại Bộ phận Một cửa.
    CounterReceive,
    /// Tiếp nhận hồ sơ trực tuyến.
    Receive,
    /// Từ chối tiếp nhận.
    Refuse,
    /// Yêu cầu bổ sung.
    RequestSupplement,
    /// Công dân bổ sung hồ sơ.
    Supplement,
    /// Phân công.
    Assign,
    /// Chuyển bước.
    Forward,
    /// Phê duyệt.
    Approve,
    /// Dừng xử lý.
    Stop,
    /// Xin lỗi và hẹn lại ngày trả kết quả.
    Extend,
    /// Trả kết quả.
    Return,
    /// Rút hồ sơ.
    Withdraw,
    /// Đánh giá.
    Rate,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::CounterReceive => "counter_receive",
            Action::Receive => "receive",
            Action::Refuse => "refuse",
            Action::RequestSupplement => "request_supplement",
            Action::Supplement => "supplement",
            Action::Assign => "assign",
            Action::Forward => "forward",
            Action::Approve => "approve",
            Action::Stop => "stop",
            Action::Extend => "extend",
            Action::Return => "return",
            Action::Withdraw => "withdraw",
            Action::Rate => "rate",
        }
    }
}

/// An action on an existing dossier, with its input.
#[derive(Debug, Clone)]
pub enum Command {
    Receive {
        note: Option<String>,
    },
    Refuse {
        reason: String,
    },
    RequestSupplement {
        reason: String,
        missing: Vec<String>,
    },
    Supplement {
        documents: Vec<SubmittedDocument>,
        note: Option<String>,
    },
    /// `assignee` has been looked up by the caller; the table checks they fit the step.
    Assign {
        assignee: Officer,
        note: Option<String>,
    },
    Forward {
        assignee: Option<Officer>,
        note: Option<String>,
    },
    Approve {
        note: Option<String>,
    },
    Stop {
        reason: String,
    },
    Extend {
        reason: String,
        new_due_at: DateTime<Utc>,
    },
    Return {
        method: ReturnMethod,
        waybill: Option<String>,
    },
    Withdraw {
        reason: Option<String>,
    },
    Rate {
        rating: Rating,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Receive { .. } => Action::Receive,
            Command::Refuse { .. } => Action::Refuse,
            Command::RequestSupplement { .. } => Action::RequestSupplement,
            Command::Supplement { .. } => Action::Supplement,
            Command::Assign { .. } => Action::Assign,
            Command::Forward { .. } => Action::Forward,
            Command::Approve { .. } => Action::Approve,
            Command::Stop { .. } => Action::Stop,
            Command::Extend { .. } => Action::Extend,
            Command::Return { .. } => Action::Return,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::Rate { .. } => Action::Rate,
        }
    }
}
