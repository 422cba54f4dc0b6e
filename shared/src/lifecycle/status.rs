//! Dossier statuses and the code the national portal (DVCQG) uses for each.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 1 Mới đăng ký: filed online, not yet checked by the desk.
    Submitted,
    /// 2 Được tiếp nhận: accepted, receipt issued, appointment date set.
    Received,
    /// 3 Không được tiếp nhận.
    Refused,
    /// 4 Đang xử lý: in the internal workflow.
    Processing,
    /// 5 Yêu cầu bổ sung: the applicant must add or correct documents; the clock is stopped.
    AwaitingSupplement,
    /// 6 Yêu cầu nghĩa vụ tài chính.
    AwaitingPayment,
    /// 7 Công dân rút hồ sơ.
    Withdrawn,
    /// 8 Dừng xử lý.
    Stopped,
    /// 9 Đã xử lý xong: result ready for return.
    Resolved,
    /// 10 Đã trả kết quả.
    Returned,
    /// 8 (Dừng xử lý) for the national portal: trả lại hồ sơ do không bổ sung, a received
    /// dossier whose requested supplement never came by its deadline.
    ReturnedUnsupplemented,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Submitted,
        Status::Received,
        Status::Refused,
        Status::Processing,
        Status::AwaitingSupplement,
        Status::AwaitingPayment,
        Status::Withdrawn,
        Status::Stopped,
        Status::Resolved,
        Status::Returned,
        Status::ReturnedUnsupplemented,
    ];

    /// The DVCQG status code, 1–10. The portal has no code for a dossier returned for want of
    /// a supplement: it is 8, processing stopped without a result (docs/lifecycle.md).
    pub fn dvcqg_code(self) -> u8 {
        match self {
            Status::Submitted => 1,
            Status::Received => 2,
            Status::Refused => 3,
            Status::Processing => 4,
            Status::AwaitingSupplement => 5,
            Status::AwaitingPayment => 6,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Resolved => 9,
            Status::Returned => 10,
            Status::ReturnedUnsupplemented => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::AwaitingSupplement => "awaiting_supplement",
            Status::AwaitingPayment => "awaiting_payment",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::Resolved => "resolved",
            Status::Returned => "returned",
            Status::ReturnedUnsupplemented => "returned_unsupplemented",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Status::Submitted => "Mới đăng ký",
            Status::Received => "Đã tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::AwaitingSupplement => "Yêu cầu bổ sung",
            Status::AwaitingPayment => "Yêu cầu nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Resolved => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
            Status::ReturnedUnsupplemented => "Trả lại do không bổ sung hồ sơ",
        }
    }

    /// Received and not yet resolved or ended: the dossier is in an agency's hands, its clock
    /// running or paused (đang giải quyết).
    pub const IN_HAND: [Status; 4] =
        [Status::Received, Status::Processing, Status::AwaitingSupplement, Status::AwaitingPayment];

    /// Whether the dossier is in an agency's hands ([`Status::IN_HAND`]).
    pub fn is_in_hand(self) -> bool {
        Status::IN_HAND.contains(&self)
    }

    /// No processing happens any more (the dossier may still be rated).
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Status::Refused
                | Status::Withdrawn
                | Status::Stopped
                | Status::Resolved
                | Status::Returned
                | Status::ReturnedUnsupplemented
        )
    }

    /// Nothing is left for any officer to do: the dossier leaves the work queues (it can still
    /// be listed by its status, and the applicant may still rate it). A resolved dossier is not
    /// closed: its result still waits at the desk.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Status::Refused | Status::Withdrawn | Status::Stopped | Status::Returned | Status::ReturnedUnsupplemented
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_one_to_ten_and_names_round_trip() {
        let codes: Vec<u8> = Status::ALL.iter().map(|s| s.dvcqg_code()).collect();
        assert_eq!(codes[..10], (1..=10).collect::<Vec<_>>());
        assert_eq!(Status::ReturnedUnsupplemented.dvcqg_code(), Status::Stopped.dvcqg_code());
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
    }

    #[test]
    fn a_dossier_in_hand_is_neither_finished_nor_closed() {
        for s in Status::ALL {
            if s.is_in_hand() {
                assert!(!s.is_finished() && !s.is_closed(), "{s:?}");
            }
        }
        let not_in_hand: Vec<Status> = Status::ALL.into_iter().filter(|s| !s.is_in_hand()).collect();
        assert_eq!(
            not_in_hand,
            [
                Status::Submitted,
                Status::Refused,
                Status::Withdrawn,
                Status::Stopped,
                Status::Resolved,
                Status::Returned,
                Status::ReturnedUnsupplemented
            ]
        );
    }
}
