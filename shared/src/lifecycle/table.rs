//! THE transition table: the actions, and for each, from which statuses, by whom, to what
//! status, with which notice, and how it is reached from outside (its surface). Handlers,
//! authorisation, the HTTP routes, the OpenAPI document and the documentation all read this
//! and nothing else.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::surface::{Body, Family, Surface};
use super::{FeeReduction, NoticeKind, RatingAnswers, ReturnMethod, Status, SubmittedDocument};
use crate::catalogue::{Officer, Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Nộp trực tuyến.
    Submit,
    /// Tiếp nhận trực tiếp / bưu chính tại Bộ phận Một cửa.
    CounterReceive,
    /// Nhận hồ sơ chưa đầy đủ tại quầy: a direct or postal filing the desk found incomplete,
    /// filed without a receipt, to be answered with a supplement request or a refusal.
    CounterFile,
    /// Tiếp nhận hồ sơ trực tuyến.
    Receive,
    /// Từ chối tiếp nhận.
    Refuse,
    /// Yêu cầu bổ sung.
    RequestSupplement,
    /// Công dân bổ sung hồ sơ.
    Supplement,
    /// Bộ phận Một cửa ghi nhận hồ sơ bổ sung nộp trực tiếp.
    CounterSupplement,
    /// Tiếp nhận hồ sơ bổ sung: the desk or the step holder checks the supplement against the
    /// list asked for and accepts it; the clock restarts.
    AcceptSupplement,
    /// Trả lại hồ sơ do không bổ sung (a received dossier, after the supplement's deadline).
    ReturnUnsupplemented,
    /// Phân công.
    Assign,
    /// Chuyển bước.
    Forward,
    /// Trả lại bước trước: the step holder sends the dossier back to the previous step, with a
    /// reason; its holder does it again.
    SendBack,
    /// Phân công lại: the step's leader gives the step in hand to another eligible officer,
    /// with a reason.
    Reassign,
    /// Xin ý kiến: the step holder asks an officer of another agency for an opinion, keeping
    /// the step.
    Consult,
    /// Cho ý kiến: the officer asked answers, into the history.
    Opinion,
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
    /// Thu phí, lệ phí tại Bộ phận Một cửa (fees paid in person, when they come first).
    RecordPayment,
    /// Thanh toán trực tuyến: the payment platform confirms the fees paid online (a verified
    /// callback, or a status query); no route of its own.
    ConfirmPayment,
    /// Chọn kênh nhận thông báo: the applicant chooses the channels of their notices (SMS,
    /// email, both, or the default rule) until the result is handed over.
    ChooseNotices,
    /// Đăng ký nhận kết quả qua bưu chính: the applicant has the result delivered by post, to the
    /// address given, until it is sent.
    RequestPostalReturn,
    /// Gửi kết quả qua bưu chính: the desk orders the delivery from the postal operator and
    /// records its waybill; the result is returned once the operator confirms the delivery.
    PostResult,
    /// Bưu điện cập nhật trạng thái: the postal operator's status update about a shipment (a
    /// verified callback); no route of its own.
    PostalUpdate,
    /// Gửi hồ sơ qua bưu chính: the applicant has the paper dossier collected by the postal
    /// operator and carried to the desk.
    RequestPostalCollection,
    /// Gói tin trạng thái liên thông: the status packet of an agency a step was handed to over
    /// the document axis (arrived, accepted, assigned, processing, refused, completed, recall);
    /// taken by the axis receive loop, not by a route of its own.
    AxisStatus,
}

impl Action {
    /// Every action, in the order of the transition table: coverage tests walk this list, so a
    /// new action cannot slip past them.
    pub const ALL: [Action; 30] = [
        Action::Submit,
        Action::CounterReceive,
        Action::CounterFile,
        Action::Receive,
        Action::Refuse,
        Action::RequestSupplement,
        Action::Supplement,
        Action::CounterSupplement,
        Action::AcceptSupplement,
        Action::ReturnUnsupplemented,
        Action::Assign,
        Action::Forward,
        Action::SendBack,
        Action::Reassign,
        Action::Consult,
        Action::Opinion,
        Action::Approve,
        Action::Stop,
        Action::Extend,
        Action::Return,
        Action::Withdraw,
        Action::Rate,
        Action::RecordPayment,
        Action::ConfirmPayment,
        Action::ChooseNotices,
        Action::RequestPostalReturn,
        Action::PostResult,
        Action::PostalUpdate,
        Action::RequestPostalCollection,
        Action::AxisStatus,
    ];

    /// What the act is called in Vietnamese (the portal's progress, officers' notices).
    pub fn name_vi(self) -> &'static str {
        match self {
            Action::Submit => "Nộp hồ sơ trực tuyến",
            Action::CounterReceive => "Tiếp nhận hồ sơ",
            Action::CounterFile => "Nhận hồ sơ chưa đầy đủ",
            Action::Receive => "Tiếp nhận hồ sơ trực tuyến",
            Action::Refuse => "Từ chối tiếp nhận",
            Action::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
            Action::Supplement => "Công dân bổ sung hồ sơ",
            Action::CounterSupplement => "Nhận hồ sơ bổ sung tại Bộ phận Một cửa",
            Action::AcceptSupplement => "Tiếp nhận hồ sơ bổ sung",
            Action::ReturnUnsupplemented => "Trả lại hồ sơ do không bổ sung",
            Action::Assign => "Phân công xử lý",
            Action::Forward => "Chuyển bước xử lý",
            Action::SendBack => "Trả lại bước trước",
            Action::Reassign => "Phân công lại",
            Action::Consult => "Xin ý kiến",
            Action::Opinion => "Cho ý kiến",
            Action::Approve => "Phê duyệt kết quả",
            Action::Stop => "Dừng xử lý",
            Action::Extend => "Xin lỗi và hẹn lại ngày trả kết quả",
            Action::Return => "Trả kết quả",
            Action::Withdraw => "Công dân rút hồ sơ",
            Action::Rate => "Đánh giá sự hài lòng",
            Action::ChooseNotices => "Chọn kênh nhận thông báo",
            Action::RecordPayment => "Thu phí, lệ phí",
            Action::ConfirmPayment => "Thanh toán trực tuyến phí, lệ phí",
            Action::RequestPostalReturn => "Đăng ký nhận kết quả qua bưu chính",
            Action::PostResult => "Gửi kết quả qua bưu chính",
            Action::PostalUpdate => "Bưu điện cập nhật trạng thái bưu gửi",
            Action::RequestPostalCollection => "Gửi hồ sơ qua bưu chính",
            Action::AxisStatus => "Cơ quan liên thông cập nhật trạng thái",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::CounterReceive => "counter_receive",
            Action::CounterFile => "counter_file",
            Action::Receive => "receive",
            Action::Refuse => "refuse",
            Action::RequestSupplement => "request_supplement",
            Action::Supplement => "supplement",
            Action::CounterSupplement => "counter_supplement",
            Action::AcceptSupplement => "accept_supplement",
            Action::ReturnUnsupplemented => "return_unsupplemented",
            Action::Assign => "assign",
            Action::Forward => "forward",
            Action::SendBack => "send_back",
            Action::Reassign => "reassign",
            Action::Consult => "consult",
            Action::Opinion => "opinion",
            Action::Approve => "approve",
            Action::Stop => "stop",
            Action::Extend => "extend",
            Action::Return => "return",
            Action::Withdraw => "withdraw",
            Action::Rate => "rate",
            Action::RecordPayment => "record_payment",
            Action::ConfirmPayment => "confirm_payment",
            Action::ChooseNotices => "choose_notices",
            Action::RequestPostalReturn => "request_postal_return",
            Action::PostResult => "post_result",
            Action::PostalUpdate => "postal_update",
            Action::RequestPostalCollection => "request_postal_collection",
            Action::AxisStatus => "axis_status",
        }
    }
}

/// An action on an existing dossier, with its input.
#[derive(Debug, Clone)]
pub enum Command {
    Receive {
        note: Option<String>,
        /// Exemptions and reductions of the procedure's fees the desk records.
        reductions: Vec<FeeReduction>,
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
    CounterSupplement {
        documents: Vec<SubmittedDocument>,
        note: Option<String>,
    },
    AcceptSupplement {
        note: Option<String>,
    },
    ReturnUnsupplemented {
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
    SendBack {
        reason: String,
    },
    /// `assignee` has been looked up by the caller.
    Reassign {
        assignee: Officer,
        reason: String,
    },
    /// `officer` has been looked up by the caller.
    Consult {
        officer: Officer,
        question: String,
    },
    Opinion {
        opinion: String,
    },
    Approve {
        note: Option<String>,
        /// The result documents issued (kết quả điện tử), with their files.
        results: Vec<crate::documents::ResultDocument>,
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
        answers: RatingAnswers,
    },
    RecordPayment {
        /// What was paid: the fees owed, in full.
        amount_vnd: u64,
        /// The receipt's number (số biên lai).
        receipt: String,
        note: Option<String>,
    },
    /// The platform's confirmation, already verified (its signature, transaction and amount).
    ConfirmPayment {
        payment: super::Payment,
    },
    /// Empty: back to the default rule.
    ChooseNotices {
        channels: Vec<crate::notify::MessageChannel>,
    },
    RequestPostalReturn {
        address: crate::postal::PostalAddress,
    },
    /// The operator took the order `reference` (the caller placed it, after a trial decision
    /// without it: see [`super::decide`]).
    PostResult {
        reference: String,
        placed: crate::postal::OrderPlaced,
    },
    /// The operator's update, its proof already checked.
    PostalUpdate {
        update: crate::postal::PostalUpdate,
    },
    /// The operator took the order `reference` to collect the dossier at `address` (placed
    /// after a trial decision, as [`Command::PostResult`]).
    RequestPostalCollection {
        reference: String,
        placed: crate::postal::OrderPlaced,
        address: crate::postal::PostalAddress,
    },
    /// A status packet from the agency a step was handed to, read off the axis and judged news
    /// for this dossier ([`crate::axis::exchange::judge`]).
    AxisStatus {
        packet: crate::axis::StatusPacket,
    },
    /// A reply document from that agency, read off the axis and judged news
    /// ([`crate::axis::exchange::judge_reply`]), its files kept (`files`, without their bytes).
    AxisReply {
        package: Box<crate::axis::Package>,
        files: Vec<crate::axis::exchange::ReplyFile>,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Receive { .. } => Action::Receive,
            Command::Refuse { .. } => Action::Refuse,
            Command::RequestSupplement { .. } => Action::RequestSupplement,
            Command::Supplement { .. } => Action::Supplement,
            Command::CounterSupplement { .. } => Action::CounterSupplement,
            Command::AcceptSupplement { .. } => Action::AcceptSupplement,
            Command::ReturnUnsupplemented { .. } => Action::ReturnUnsupplemented,
            Command::Assign { .. } => Action::Assign,
            Command::Forward { .. } => Action::Forward,
            Command::SendBack { .. } => Action::SendBack,
            Command::Reassign { .. } => Action::Reassign,
            Command::Consult { .. } => Action::Consult,
            Command::Opinion { .. } => Action::Opinion,
            Command::Approve { .. } => Action::Approve,
            Command::Stop { .. } => Action::Stop,
            Command::Extend { .. } => Action::Extend,
            Command::Return { .. } => Action::Return,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::Rate { .. } => Action::Rate,
            Command::RecordPayment { .. } => Action::RecordPayment,
            Command::ConfirmPayment { .. } => Action::ConfirmPayment,
            Command::ChooseNotices { .. } => Action::ChooseNotices,
            Command::RequestPostalReturn { .. } => Action::RequestPostalReturn,
            Command::PostResult { .. } => Action::PostResult,
            Command::PostalUpdate { .. } => Action::PostalUpdate,
            Command::RequestPostalCollection { .. } => Action::RequestPostalCollection,
            Command::AxisStatus { .. } | Command::AxisReply { .. } => Action::AxisStatus,
        }
    }
}

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
    /// The payment platform, proven by a verified callback or the answer to our status query:
    /// no officer or applicant takes the action.
    Platform,
    /// An officer the dossier waits for an opinion from.
    Consulted,
    /// The postal operator, proven by a verified status update.
    PostalOperator,
    /// The agency a step was handed to, by a status packet read off the document axis.
    Axis,
}

/// The status after the action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    Status(Status),
    /// Back to the status the dossier had before it was paused.
    Resume,
    /// The status does not change.
    Unchanged,
    /// One of these, as the action's own rule decides (a reception of a procedure whose fees come
    /// first awaits payment; otherwise it is received).
    Decided(&'static [Status]),
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
        to: To::Decided(&[Received, AwaitingPayment]),
        notice: Some(NoticeKind::Received),
    },
    Rule { action: Action::CounterFile, from: From::New, by: RECEPTION, to: To::Status(Submitted), notice: None },
    Rule {
        action: Action::Receive,
        from: From::In(&[Submitted]),
        by: RECEPTION,
        to: To::Decided(&[Received, AwaitingPayment]),
        notice: Some(NoticeKind::Received),
    },
    Rule {
        action: Action::RecordPayment,
        from: From::In(&[AwaitingPayment]),
        by: RECEPTION,
        to: To::Status(Received),
        notice: Some(NoticeKind::PaymentReceived),
    },
    Rule {
        action: Action::ConfirmPayment,
        from: From::In(&[AwaitingPayment]),
        by: &[By::Platform],
        to: To::Status(Received),
        notice: Some(NoticeKind::PaymentReceived),
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
        to: To::Unchanged,
        notice: None,
    },
    Rule {
        action: Action::CounterSupplement,
        from: From::In(&[AwaitingSupplement]),
        by: RECEPTION,
        to: To::Unchanged,
        notice: None,
    },
    Rule {
        action: Action::AcceptSupplement,
        from: From::In(&[AwaitingSupplement]),
        by: &[By::AgencyRole(Role::Reception), By::StepHolder],
        to: To::Resume,
        notice: Some(NoticeKind::SupplementReceived),
    },
    Rule {
        action: Action::ReturnUnsupplemented,
        from: From::In(&[AwaitingSupplement]),
        by: RECEPTION,
        to: To::Status(ReturnedUnsupplemented),
        notice: Some(NoticeKind::ReturnedUnsupplemented),
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
        action: Action::SendBack,
        from: From::In(&[Processing]),
        by: &[By::StepHolder],
        to: To::Status(Processing),
        notice: None,
    },
    Rule {
        action: Action::Reassign,
        from: From::In(&[Processing]),
        by: &[By::StepAgencyRole(Role::Leader)],
        to: To::Status(Processing),
        notice: None,
    },
    Rule {
        action: Action::Consult,
        from: From::In(&[Processing]),
        by: &[By::StepHolder],
        to: To::Unchanged,
        notice: None,
    },
    Rule {
        action: Action::Opinion,
        from: From::In(&Status::IN_HAND),
        by: &[By::Consulted],
        to: To::Unchanged,
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
        from: From::In(&Status::IN_HAND),
        by: &[By::AgencyRole(Role::Leader)],
        to: To::Status(Stopped),
        notice: Some(NoticeKind::Stopped),
    },
    Rule {
        action: Action::Extend,
        from: From::In(&[Received, Processing, AwaitingPayment]),
        by: &[By::AgencyRole(Role::Leader), By::AgencyRole(Role::Reception), By::StepAgencyRole(Role::Leader)],
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
    Rule { action: Action::Rate, from: From::In(&[Returned]), by: &[By::Applicant], to: To::Unchanged, notice: None },
    Rule {
        action: Action::ChooseNotices,
        from: From::In(&[Submitted, Received, Processing, AwaitingSupplement, AwaitingPayment, Resolved]),
        by: &[By::Applicant],
        to: To::Unchanged,
        notice: None,
    },
    Rule {
        action: Action::RequestPostalReturn,
        from: From::In(&[Submitted, Received, Processing, AwaitingSupplement, AwaitingPayment, Resolved]),
        by: &[By::Applicant],
        to: To::Unchanged,
        notice: None,
    },
    Rule { action: Action::PostResult, from: From::In(&[Resolved]), by: RECEPTION, to: To::Unchanged, notice: None },
    // A shipment may move whatever the dossier does meanwhile (a collected dossier received
    // at the desk before the operator reports its delivery); only its news is taken.
    Rule {
        action: Action::PostalUpdate,
        from: From::In(&Status::ALL),
        by: &[By::PostalOperator],
        // Unchanged, but for a result delivered: then `returned`.
        to: To::Decided(&Status::ALL),
        notice: None,
    },
    Rule {
        action: Action::RequestPostalCollection,
        from: From::In(&[Submitted, AwaitingSupplement]),
        by: &[By::Applicant],
        to: To::Unchanged,
        notice: None,
    },
    // Only while the other agency has the step (checked with the packet); a refusal sends it
    // back a step, a completion gives the next one to the officer who handed it over.
    Rule {
        action: Action::AxisStatus,
        from: From::In(&[Processing]),
        by: &[By::Axis],
        to: To::Unchanged,
        notice: None,
    },
];

impl Action {
    /// How the action is reached.
    pub const fn surface(self) -> Surface {
        const fn s(
            path: &'static str,
            operation: &'static str,
            family: Family,
            body: Body,
            summary: &'static str,
            note_to_applicant: bool,
        ) -> Surface {
            Surface { path, operation, family, body, summary, note_to_applicant }
        }
        use Body::{Optional, Required};
        use Family as F;
        match self {
            Action::Submit => s("/v1/dossiers", "submit", F::Submit, Required, "Nộp hồ sơ trực tuyến.", false),
            Action::CounterReceive => s(
                "/v1/counter/dossiers",
                "counter_receive",
                F::Receive,
                Required,
                "Tiếp nhận trực tiếp hoặc qua bưu chính: received at once, receipt returned.",
                false,
            ),
            Action::CounterFile => s(
                "/v1/counter/incomplete-dossiers",
                "counter_file",
                F::Receive,
                Required,
                "Nhận hồ sơ chưa đầy đủ: a direct or postal filing filed without a receipt, for a supplement request or a refusal.",
                false,
            ),
            Action::Receive => s(
                "/v1/dossiers/{code}/receive",
                "receive",
                F::Receive,
                Optional,
                "Tiếp nhận hồ sơ trực tuyến: sets received_at and due_at by the working-time calendar.",
                false,
            ),
            Action::Refuse => s(
                "/v1/dossiers/{code}/refuse",
                "refuse",
                F::Receive,
                Required,
                "Từ chối tiếp nhận, with a reason.",
                true,
            ),
            Action::RequestSupplement => s(
                "/v1/dossiers/{code}/request-supplement",
                "request_supplement",
                F::Receive,
                Required,
                "Yêu cầu bổ sung: lists everything missing; the clock stops.",
                true,
            ),
            Action::Supplement => s(
                "/v1/dossiers/{code}/supplement",
                "supplement",
                F::Submit,
                Required,
                "Bổ sung hồ sơ: the applicant adds the requested documents, for the desk to check.",
                false,
            ),
            Action::CounterSupplement => s(
                "/v1/dossiers/{code}/counter-supplement",
                "counter_supplement",
                F::Receive,
                Required,
                "Nhận bổ sung tại quầy: the desk records documents the applicant brought.",
                false,
            ),
            Action::AcceptSupplement => s(
                "/v1/dossiers/{code}/accept-supplement",
                "accept_supplement",
                F::Receive,
                Optional,
                "Tiếp nhận bổ sung: the supplement matches the list asked for; the clock restarts.",
                false,
            ),
            Action::ReturnUnsupplemented => s(
                "/v1/dossiers/{code}/return-unsupplemented",
                "return_unsupplemented",
                F::Receive,
                Optional,
                "Trả lại hồ sơ do không bổ sung: a received dossier whose supplement's deadline passed.",
                true,
            ),
            Action::Assign => s(
                "/v1/dossiers/{code}/assign",
                "assign",
                F::Assign,
                Required,
                "Phân công: give the current step to an officer of the step's agency and role.",
                false,
            ),
            Action::Forward => s(
                "/v1/dossiers/{code}/forward",
                "forward",
                F::Assign,
                Optional,
                "Chuyển bước: finish the current step and hand over to the next.",
                false,
            ),
            Action::SendBack => s(
                "/v1/dossiers/{code}/send-back",
                "send_back",
                F::Assign,
                Required,
                "Trả lại bước trước: with a reason, back to the previous step and the officer who took it; the due date stays.",
                false,
            ),
            Action::Reassign => s(
                "/v1/dossiers/{code}/reassign",
                "reassign",
                F::Assign,
                Required,
                "Phân công lại: with a reason, the step in hand to another officer of its agency and role; the due date stays.",
                false,
            ),
            Action::Consult => s(
                "/v1/dossiers/{code}/consult",
                "consult",
                F::Assign,
                Required,
                "Xin ý kiến: the step holder asks an officer of another agency for an opinion; the step stays, its clock runs.",
                false,
            ),
            Action::Opinion => s(
                "/v1/dossiers/{code}/opinion",
                "opinion",
                F::Assign,
                Required,
                "Cho ý kiến: the officer asked answers the oldest question put to them, into the history.",
                false,
            ),
            Action::Approve => s(
                "/v1/dossiers/{code}/approve",
                "approve",
                F::Approve,
                Optional,
                "Phê duyệt: the leader approves at the last step; the result is ready.",
                false,
            ),
            Action::Stop => {
                s("/v1/dossiers/{code}/stop", "stop", F::Approve, Required, "Dừng xử lý, with a written reason.", true)
            }
            Action::Extend => s(
                "/v1/dossiers/{code}/extend",
                "extend",
                F::Approve,
                Required,
                "Xin lỗi và hẹn lại: a new due date, within the procedure's allowance, before the current one passes.",
                true,
            ),
            Action::Return => s(
                "/v1/dossiers/{code}/return",
                "return_result",
                F::Approve,
                Required,
                "Trả kết quả: at the counter, by post (waybill) or online.",
                true,
            ),
            Action::Withdraw => s(
                "/v1/dossiers/{code}/withdraw",
                "withdraw",
                F::Submit,
                Optional,
                "Rút hồ sơ: the applicant withdraws before the result.",
                false,
            ),
            Action::Rate => s(
                "/v1/dossiers/{code}/rating",
                "rate",
                F::Rate,
                Required,
                "Đánh giá mức độ hài lòng, after the result is handed over: five answers scored 2/1/0 (the system scores the other four indicators), ease of use and a verdict.",
                false,
            ),
            Action::RecordPayment => s(
                "/v1/dossiers/{code}/record-payment",
                "record_payment",
                F::Receive,
                Required,
                "Thu phí, lệ phí tại Bộ phận Một cửa: the desk records the fees paid in person, with the receipt's number; the clock starts.",
                false,
            ),
            Action::ConfirmPayment => s(
                "/v1/payments/callback",
                "payment_callback",
                F::Submit,
                Required,
                "Thanh toán trực tuyến: the payment platform's signed callback (or our status query) confirms the fees paid; the clock starts.",
                false,
            ),
            Action::ChooseNotices => s(
                "/v1/dossiers/{code}/notices",
                "choose_notices",
                F::Submit,
                Required,
                "Chọn kênh nhận thông báo: SMS, email or both (each with its contact given), or none for the default rule; until the result is handed over.",
                false,
            ),
            Action::RequestPostalReturn => s(
                "/v1/dossiers/{code}/postal-return",
                "request_postal_return",
                F::Submit,
                Required,
                "Đăng ký nhận kết quả qua bưu chính: the delivery address; refused where the procedure does not return by post, or once the result is on its way.",
                false,
            ),
            Action::PostResult => s(
                "/v1/dossiers/{code}/post-result",
                "post_result",
                F::Approve,
                Optional,
                "Gửi kết quả qua bưu chính: orders the delivery from the postal operator to the address the applicant registered and records the waybill; the return is finished when the operator confirms the delivery.",
                true,
            ),
            Action::RequestPostalCollection => s(
                "/v1/dossiers/{code}/postal-collection",
                "request_postal_collection",
                F::Submit,
                Required,
                "Gửi hồ sơ qua bưu chính: the postal operator collects the paper dossier at the address given and carries it to the desk; where the procedure takes dossiers by post.",
                true,
            ),
            Action::AxisStatus => s(
                "/v1/admin/axis/receive",
                "axis_receive",
                F::Admin,
                Optional,
                "Nhận gói tin từ trục liên thông: reads what the document axis holds for this system now (the receive loop does it every minute) and applies each status packet to the dossier it answers.",
                true,
            ),
            Action::PostalUpdate => s(
                "/v1/postal/callback",
                "postal_callback",
                F::Submit,
                Required,
                "Bưu điện cập nhật trạng thái: the postal operator's signed status update about a shipment (collected, in transit, delivery failed, delivered, sent back).",
                true,
            ),
        }
    }
}

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
        By::Platform => "the payment platform (a verified callback or status query)".to_owned(),
        By::Consulted => "an officer asked for an opinion".to_owned(),
        By::PostalOperator => "the postal operator (a verified status update)".to_owned(),
        By::Axis => "the agency the step was handed to (a status packet off the document axis)".to_owned(),
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
            To::Decided(states) if states.len() == Status::ALL.len() => {
                "(unchanged, or as the action decides)".to_owned()
            }
            To::Decided(states) => states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" or "),
        };
        let notice = r.notice.map(|n| format!("{n:?}")).unwrap_or_else(|| "—".to_owned());
        out.push_str(&format!("| {} | {from} | {by} | {to} | {notice} |\n", r.action.as_str()));
    }
    out
}
