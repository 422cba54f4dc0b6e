//! Why a lifecycle action is refused. Each variant maps to one stable API error code.

use super::{Action, Status};
use crate::catalogue::Role;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("không thể {action:?} hồ sơ ở trạng thái {status:?} / {action:?} is not possible while the dossier is {status:?}")]
    InvalidTransition { action: Action, status: Status },
    #[error("thao tác này dành cho người nộp hồ sơ / only the applicant may do this")]
    ApplicantOnly,
    #[error(
        "cán bộ không thuộc cơ quan xử lý hồ sơ / the officer does not belong to the agency handling this dossier"
    )]
    OtherAgency,
    #[error("cán bộ không có vai trò cần thiết ({needed:?}) / the officer lacks the role needed ({needed:?})")]
    MissingRole { needed: Vec<Role> },
    #[error("bước này đã được giao cho cán bộ khác / this step is assigned to another officer")]
    NotAssignee,
    #[error("thiếu lý do / a reason is required")]
    ReasonRequired,
    #[error("phải liệt kê đầy đủ giấy tờ cần bổ sung / list everything that is missing")]
    MissingListRequired,
    #[error("đã yêu cầu bổ sung ở giai đoạn này / a supplement was already requested at this stage (reception or processing)")]
    SupplementAlreadyRequested,
    #[error("chưa hết hạn bổ sung (đến {deadline}) / the supplement is due until {deadline}")]
    SupplementStillDue { deadline: chrono::DateTime<chrono::Utc> },
    #[error("hồ sơ bổ sung đang chờ kiểm tra / supplementary documents are waiting to be checked")]
    SupplementPending,
    #[error("chưa có hồ sơ bổ sung để tiếp nhận / nothing has been supplemented yet")]
    NothingSupplied,
    #[error("hồ sơ đã được tiếp nhận: trả lại do không bổ sung thay vì từ chối / the dossier was received: return it for want of the supplement instead of refusing it")]
    AlreadyReceived,
    #[error("hồ sơ chưa được tiếp nhận: từ chối tiếp nhận thay vì trả lại / the dossier was never received: refuse it instead")]
    NeverReceived,
    #[error("chưa có tài liệu bổ sung / no supplementary documents were given")]
    DocumentsRequired,
    #[error("cán bộ được giao không phù hợp với bước xử lý / the assignee cannot hold this step (agency or role)")]
    AssigneeNotEligible,
    #[error("đây là bước cuối, cần phê duyệt / this is the last step: approve instead of forwarding")]
    LastStep,
    #[error("đây là bước đầu, không có bước trước để trả lại / this is the first step: there is no previous step to send it back to")]
    FirstStep,
    #[error("bước chưa được phân công: dùng phân công / nobody holds the step yet: assign it instead")]
    StepNotAssigned,
    #[error("cán bộ này đang giữ bước / this officer already holds the step")]
    SameAssignee,
    #[error("không có câu hỏi xin ý kiến nào gửi cán bộ này / no opinion is asked of this officer")]
    NotConsulted,
    #[error("xin ý kiến cán bộ của cơ quan khác / an opinion is asked of an officer of another agency")]
    ConsultOwnAgency,
    #[error("cán bộ này đang được xin ý kiến về hồ sơ / this officer's opinion is already awaited")]
    AlreadyConsulted,
    #[error("đang chờ quá nhiều ý kiến / too many opinions are awaited at once")]
    TooManyConsultations,
    #[error("chưa đến bước phê duyệt / the dossier is not at its approval step")]
    NotLastStep,
    #[error("chỉ được hẹn lại một lần / the due date may be extended only once")]
    AlreadyExtended,
    #[error("đã quá hạn, không thể hẹn lại / the due date has passed: the apology must come before it")]
    DeadlinePassed,
    #[error("ngày hẹn mới phải sau ngày hẹn hiện tại / the new due date must be after the current one")]
    NewDueNotLater,
    #[error("ngày hẹn mới quá xa: muộn nhất {latest} / the new due date is too far: {latest} at the latest")]
    NewDueTooLate { latest: chrono::DateTime<chrono::Utc> },
    #[error(
        "chỉ hệ thống bên ngoài (nền tảng thanh toán, bưu điện) thực hiện thao tác này / only the payment platform or the postal operator takes this action"
    )]
    PlatformOnly,
    #[error("số tiền {paid} đồng khác số phải nộp {owed} đồng / {paid} VND paid, {owed} VND owed")]
    WrongAmount { owed: u64, paid: u64 },
    #[error("trả qua bưu chính cần mã vận đơn / a postal return needs a waybill number")]
    WaybillRequired,
    #[error("thủ tục không cho phép trả kết quả qua bưu chính / this procedure does not return results by post")]
    PostalReturnNotOffered,
    #[error(transparent)]
    InvalidAddress(#[from] crate::postal::InvalidAddress),
    #[error(
        "người nộp chưa đăng ký địa chỉ nhận kết quả qua bưu chính / the applicant has registered no delivery address"
    )]
    DeliveryAddressRequired,
    #[error(
        "địa chỉ nhận chỉ dùng khi nhận kết quả qua bưu chính / a delivery address goes with a postal return only"
    )]
    AddressWithoutPostalReturn,
    #[error("kết quả đang được bưu điện chuyển phát (mã vận đơn {0}) / the result is with the postal operator (waybill {0})")]
    ShipmentInProgress(String),
    #[error(
        "cập nhật không thuộc bưu gửi nào đang chuyển của hồ sơ / the update is about no live shipment of the dossier"
    )]
    UnknownShipment,
    #[error(
        "bước đang do cơ quan liên thông {0} xử lý qua trục liên thông / the step is with {0}, over the document axis"
    )]
    WithOtherAgency(String),
    #[error("bước tiếp theo do cơ quan {0} xử lý trên hệ thống riêng: hồ sơ được chuyển qua trục liên thông, không giao cán bộ / the next step belongs to {0}, which runs its own system: it is handed over through the document axis, not to an officer")]
    ExternalStepTakesNoAssignee(String),
    #[error(transparent)]
    UnfitPacket(#[from] crate::axis::exchange::UnfitPacket),
    #[error("thủ tục không trả kết quả trực tuyến (chỉ thủ tục toàn trình) / only a fully online procedure returns results online")]
    OnlineResultNotOffered,
    #[error("trả kết quả trực tuyến cần tệp của mọi văn bản kết quả / an online return needs the file of every result document")]
    ResultFileRequired,
    #[error(transparent)]
    InvalidResult(#[from] crate::documents::InvalidResult),
    #[error("hồ sơ đã được đánh giá / the dossier has already been rated")]
    AlreadyRated,
    #[error("phí không có trong thủ tục / the procedure lists no fee named {0}")]
    UnknownFee(String),
    #[error("miễn, giảm phí không hợp lệ / invalid fee reduction: {0}")]
    InvalidReduction(&'static str),
    #[error("đánh giá không hợp lệ / invalid rating: {0}")]
    InvalidRating(&'static str),
    #[error("thủ tục không nhận hồ sơ qua kênh này / this procedure does not accept dossiers through this channel")]
    ChannelNotOffered,
    #[error(transparent)]
    NoticeChannels(#[from] crate::notify::InvalidChoice),
    #[error("thủ tục không dành cho đối tượng này / this procedure is not open to this kind of applicant")]
    ApplicantKindNotAccepted,
    #[error("thiếu thông tin người nộp: {0} / missing applicant detail: {0}")]
    ApplicantDetail(&'static str),
    #[error("thiếu thành phần hồ sơ bắt buộc / required components are missing: {0:?}")]
    MissingComponents(Vec<String>),
    #[error("hồ sơ trực tuyến thiếu tệp của thành phần bắt buộc / an online filing needs a file for each required component: {0:?}")]
    MissingFiles(Vec<String>),
    #[error("thành phần hồ sơ không thuộc thủ tục / unknown component: {0}")]
    UnknownComponent(String),
    #[error("nội dung quá dài / {0} is too long")]
    TooLong(&'static str),
    #[error("{0} chứa ký tự không hợp lệ (ký tự điều khiển hoặc đảo chiều văn bản) / {0} holds control or text-direction characters")]
    InvalidCharacters(&'static str),
}
