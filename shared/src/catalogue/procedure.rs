//! Administrative procedures (thủ tục hành chính) and their electronic workflow (quy trình nội
//! bộ). Rules that differ per procedure — times, cut-off, supplement rule, channels, steps —
//! are data here, never code.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Role;
use crate::calendar::ProcessingTime;
use crate::codes::AgencyCode;

/// How a dossier reaches the agency (Decision 45/2016/QĐ-TTg for postal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 1: trực tiếp, at the desk.
    Direct,
    /// 2: trực tuyến.
    Online,
    /// 3: qua dịch vụ bưu chính công ích.
    Postal,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Direct => "direct",
            Channel::Online => "online",
            Channel::Postal => "postal",
        }
    }
}

/// Online service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Level 2: information and forms only; no online submission.
    Information,
    /// Một phần (formerly level 3): submit online, pay or collect in person.
    Partial,
    /// Toàn trình (formerly level 4): everything online.
    Full,
}

/// What happens to the clock when a requested supplement arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupplementRule {
    /// The full processing time starts again (the default rule).
    Recompute,
    /// The paused clock resumes with what was left.
    Resume,
}

/// How often one dossier of the procedure may be paused for a supplement or given a later
/// date: data per procedure (as Open Zaak keeps them on the case type), today's rules by
/// default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Allowances {
    /// Requests for a supplement: the law allows one, and it must list everything (1).
    pub supplement_requests: u32,
    /// Apologies with a new due date (1).
    pub extensions: u32,
    /// How much later than the current due date an extension may set the new one; the
    /// procedure's own processing time when absent (at most twice the time in all, by default).
    pub extension_limit: Option<ProcessingTime>,
    /// How long the applicant has to bring a requested supplement (hạn bổ sung), counted from
    /// the request on the agency's calendar; [`Allowances::SUPPLEMENT_DEADLINE`] when absent.
    pub supplement_deadline: Option<ProcessingTime>,
    /// The most SMS segments one notice may take (SMS is paid per segment):
    /// [`crate::notify::sms::MAX_SEGMENTS`] when absent, 1 to 6.
    pub sms_segments: Option<u8>,
}

impl Allowances {
    /// The time to bring a supplement when the procedure names none: 30 calendar days.
    pub const SUPPLEMENT_DEADLINE: ProcessingTime =
        ProcessingTime { amount: 30.0, unit: crate::calendar::DurationUnit::CalendarDays };

    /// The most SMS segments one notice of the procedure may take.
    pub fn sms_segments(&self) -> usize {
        self.sms_segments.map_or(crate::notify::sms::MAX_SEGMENTS, usize::from)
    }

    /// The time the applicant has to bring a requested supplement.
    pub fn supplement_time(&self) -> ProcessingTime {
        self.supplement_deadline.unwrap_or(Self::SUPPLEMENT_DEADLINE)
    }
}

impl Default for Allowances {
    fn default() -> Self {
        Self {
            supplement_requests: 1,
            extensions: 1,
            extension_limit: None,
            supplement_deadline: None,
            sms_segments: None,
        }
    }
}

/// Who may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Citizen,
    Organisation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentForm {
    /// Bản chính.
    Original,
    /// Bản sao (or certified copy).
    Copy,
}

/// A required or optional component of a dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Component {
    pub name: String,
    pub form: ComponentForm,
    pub quantity: u32,
    pub required: bool,
}

/// Whether a sum is a fee for a service (phí) or a charge for the State's act (lệ phí): the
/// Law on Fees and Charges 2015 keeps them apart, and so do receipts and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Phí.
    Fee,
    /// Lệ phí (the default: most procedures' sums are charges).
    #[default]
    Charge,
}

/// A fee or charge (phí, lệ phí) in đồng.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Fee {
    pub name: String,
    #[serde(default)]
    pub kind: FeeKind,
    pub amount_vnd: u64,
}

/// One step of the internal workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkflowStep {
    pub name: String,
    pub role: Role,
    /// Another agency for an inter-agency (liên thông) step; the procedure's agency when absent.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub agency: Option<AgencyCode>,
    /// This step's share of the processing time, in percent; the shares add up to 100.
    pub share_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Procedure {
    /// National code, e.g. `1.001234`.
    pub code: String,
    pub name: String,
    /// Lĩnh vực.
    pub field: String,
    #[schema(value_type = String, example = "000.00.03.H56")]
    pub agency: AgencyCode,
    #[serde(default)]
    pub legal_basis: String,
    pub applicant_kinds: Vec<ApplicantKind>,
    pub components: Vec<Component>,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub processing_time: ProcessingTime,
    /// A shorter time for online dossiers, where the procedure grants one.
    #[serde(default)]
    pub online_processing_time: Option<ProcessingTime>,
    /// Same-day cut-off: received after it counts as received the next working morning.
    #[schema(value_type = Option<String>, example = "15:00:00")]
    #[serde(default)]
    pub cutoff: Option<NaiveTime>,
    pub channels: Vec<Channel>,
    pub online_level: OnlineLevel,
    pub postal_return: bool,
    /// The fees are paid before the dossier is processed (nộp phí trước): a reception waits for
    /// them and the clock starts once they are paid.
    #[serde(default)]
    pub fees_first: bool,
    pub supplement_rule: SupplementRule,
    /// Supplements and extensions one dossier may have; once each when absent.
    #[serde(default)]
    pub allowances: Allowances,
    pub workflow: Vec<WorkflowStep>,
    /// The date this version is in force from (ngày hiệu lực): a later date schedules the change,
    /// and the version in force stays until then ([`super::versions`]). None: in force since
    /// published, with no date given.
    #[schema(value_type = Option<String>, example = "2027-01-01")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<chrono::NaiveDate>,
}

/// Why a procedure cannot be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidProcedure {
    #[error("mã thủ tục không hợp lệ / invalid procedure code: expected digits.digits, e.g. 1.001234")]
    Code,
    #[error("thiếu {0} / {0} is required")]
    Missing(&'static str),
    #[error("{0}")]
    Time(#[from] crate::calendar::InvalidProcessingTime),
    #[error("tổng tỷ lệ thời gian các bước phải bằng 100 / workflow shares must add up to 100, not {0}")]
    Shares(u32),
    #[error("bước cuối phải do lãnh đạo phê duyệt / the last workflow step must be a leader's approval")]
    LastStepNotLeader,
    #[error("bước quy trình không thể giao cho vai trò quản trị hoặc kiểm soát / a workflow step cannot belong to the admin or inspector role")]
    AdminStep,
    #[error("thủ tục mức độ thông tin không được nhận hồ sơ trực tuyến / an information-only procedure cannot accept online dossiers")]
    OnlineNotOffered,
    #[error("số tin nhắn SMS tối đa phải từ 1 đến 6 / sms_segments must be 1 to 6")]
    SmsSegments,
    #[error("thời hạn trực tuyến phải cùng đơn vị và không dài hơn / the online time must use the same unit and not be longer")]
    OnlineTimeLonger,
}

/// A national procedure code: digits, a dot, digits (`1.001234`).
pub fn is_procedure_code(text: &str) -> bool {
    match text.split_once('.') {
        Some((a, b)) => {
            let digits = |s: &str| !s.is_empty() && s.len() <= 9 && s.bytes().all(|c| c.is_ascii_digit());
            digits(a) && digits(b)
        }
        None => false,
    }
}

impl Procedure {
    pub fn validate(&self) -> Result<(), InvalidProcedure> {
        if !is_procedure_code(&self.code) {
            return Err(InvalidProcedure::Code);
        }
        for (value, what) in [(&self.name, "tên thủ tục / name"), (&self.field, "lĩnh vực / field")] {
            if value.trim().is_empty() {
                return Err(InvalidProcedure::Missing(what));
            }
        }
        if self.applicant_kinds.is_empty() {
            return Err(InvalidProcedure::Missing("đối tượng / applicant_kinds"));
        }
        if self.channels.is_empty() {
            return Err(InvalidProcedure::Missing("kênh nộp / channels"));
        }
        if self.workflow.is_empty() {
            return Err(InvalidProcedure::Missing("quy trình / workflow"));
        }
        self.processing_time.validate()?;
        if self.allowances.sms_segments.is_some_and(|n| !(1..=6).contains(&n)) {
            return Err(InvalidProcedure::SmsSegments);
        }
        for time in [&self.allowances.supplement_deadline, &self.allowances.extension_limit].into_iter().flatten() {
            time.validate()?;
        }
        if let Some(online) = &self.online_processing_time {
            online.validate()?;
            if online.unit != self.processing_time.unit || online.amount > self.processing_time.amount {
                return Err(InvalidProcedure::OnlineTimeLonger);
            }
        }
        let shares: u32 = self.workflow.iter().map(|s| s.share_percent).sum();
        if shares != 100 {
            return Err(InvalidProcedure::Shares(shares));
        }
        if self.workflow.iter().any(|s| matches!(s.role, Role::Admin | Role::Inspector)) {
            return Err(InvalidProcedure::AdminStep);
        }
        if self.workflow.last().map(|s| s.role) != Some(Role::Leader) {
            return Err(InvalidProcedure::LastStepNotLeader);
        }
        if self.online_level == OnlineLevel::Information && self.channels.contains(&Channel::Online) {
            return Err(InvalidProcedure::OnlineNotOffered);
        }
        Ok(())
    }

    /// The time that applies to a dossier arriving through `channel`.
    pub fn processing_time_for(&self, channel: Channel) -> ProcessingTime {
        match (channel, self.online_processing_time) {
            (Channel::Online, Some(online)) => online,
            _ => self.processing_time,
        }
    }

    /// The agency in charge of step `index`.
    pub fn step_agency(&self, index: usize) -> &AgencyCode {
        self.workflow.get(index).and_then(|s| s.agency.as_ref()).unwrap_or(&self.agency)
    }
}
