//! Why a service refuses a request, as a type: the domain's and the stores' errors, and the
//! services' own. `crate::error` maps each to its HTTP status and stable code, once.

use motcua_domain::access::AccessDenied;
use motcua_domain::catalogue::{InvalidAgency, InvalidHolidays, InvalidOfficer, InvalidProcedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::documents::{AttachRefusal, FileRefusal};
use motcua_domain::lifecycle::LifecycleError;
use motcua_domain::ports::StoreError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("không tìm thấy hồ sơ / dossier not found")]
    DossierNotFound,
    #[error("không tìm thấy thủ tục / procedure not found")]
    ProcedureNotFound,
    /// A request, or the catalogue record it uses, names an agency the catalogue lacks.
    #[error("không có cơ quan {0} / unknown agency {0}")]
    AgencyNotFound(AgencyCode),
    /// A record asked for by its code that the catalogue lacks.
    #[error("không tìm thấy cơ quan / agency not found")]
    NoSuchAgency,
    #[error("không tìm thấy cán bộ / officer not found")]
    OfficerNotFound,
    #[error("không tìm thấy cán bộ được giao / assignee not found")]
    AssigneeNotFound,
    #[error("{0}")]
    InvalidOfficerId(String),
    /// An agency's stored working hours do not make a calendar.
    #[error("{0}")]
    InvalidWorkingHours(String),
    #[error("{0}")]
    InvalidDate(String),
    #[error("cần mã tra cứu (X-Lookup-Secret) / the dossier's lookup secret is required (X-Lookup-Secret)")]
    LookupSecretRequired,
    #[error("mã tra cứu không đúng / the lookup secret is wrong")]
    LookupSecretInvalid,
    #[error("nhập sai mã tra cứu quá nhiều lần, vui lòng thử lại sau / too many wrong lookup secrets from this address; try again later")]
    TooManyLookupAttempts { retry_after_seconds: i64 },
    #[error("nộp quá nhiều hồ sơ trong thời gian ngắn, vui lòng thử lại sau / too many submissions from this address; try again later")]
    TooManySubmissions { retry_after_seconds: i64 },
    #[error("Idempotency-Key phải có 1-128 ký tự ASCII / Idempotency-Key must be 1-128 visible ASCII characters")]
    InvalidIdempotencyKey,
    #[error("khóa Idempotency-Key đã dùng cho một yêu cầu khác / this Idempotency-Key was used with another body")]
    IdempotencyKeyReused,
    #[error("hồ sơ chưa được tiếp nhận / the dossier has not been received yet")]
    NotReceived,
    /// A file, or what a request says of one, is not acceptable.
    #[error(transparent)]
    File(#[from] FileRefusal),
    /// A filing references an upload it may not attach.
    #[error(transparent)]
    Attach(#[from] AttachRefusal),
    #[error("không có tệp tải lên này / no such upload")]
    UploadNotFound,
    #[error("một tệp của hồ sơ không còn đúng bản đã ghi nhận; kiểm tra bằng verify / a file of the dossier is not the one its history recorded: see verify")]
    ArchiveFileAltered,
    #[error(
        "chỉ bộ phận một cửa ghi thông tin giấy tờ số hóa / only the desk records a digitised paper's particulars"
    )]
    ParticularsFromDeskOnly,
    #[error(transparent)]
    Particulars(#[from] motcua_domain::documents::InvalidParticulars),
    #[error("không có giấy tờ này trong kho dữ liệu của người nộp / the applicant's store holds no such document")]
    StoredDocumentNotFound,
    #[error("giấy tờ trong kho đã hết hiệu lực / the stored document is past its validity")]
    StoredDocumentExpired,
    #[error("một thành phần hoặc tải tệp lên hoặc dùng lại giấy tờ trong kho, không cả hai / a document takes an upload or a stored document, not both")]
    DocumentFileAmbiguous,
    #[error("tệp đã được tải lên / the upload's bytes were received already")]
    UploadAlreadyReceived,
    #[error("hồ sơ không có tệp này / the dossier holds no such file")]
    FileNotFound,
    /// A report asked of an agency the catalogue lacks, or outside the officer's reach.
    #[error("không có cơ quan này trong phạm vi báo cáo của cán bộ / no such agency within the officer's reports")]
    ReportAgencyNotFound,
    #[error("không có lĩnh vực `{0}` trong danh mục / no procedure of the field `{0}` in the catalogue")]
    UnknownField(String),
    #[error("không có mẫu phiếu này / no such form: receipt, supplement-request, refusal, apology or tracking-card")]
    FormNotFound,
    /// The form exists, but not for this dossier as it stands.
    #[error(transparent)]
    Form(#[from] motcua_forms::FormUnavailable),
    #[error("tải lên quá nhiều tệp trong thời gian ngắn, vui lòng thử lại sau / too many uploads from this address; try again later")]
    TooManyUploads { retry_after_seconds: i64 },
    /// An administrator's record the catalogue cannot keep.
    #[error(transparent)]
    Procedure(#[from] InvalidProcedure),
    #[error(transparent)]
    Agency(#[from] InvalidAgency),
    #[error(transparent)]
    Officer(#[from] InvalidOfficer),
    #[error(transparent)]
    Holidays(#[from] InvalidHolidays),
    #[error("máy chủ này chưa kết nối nền tảng thanh toán / this server has no payment platform configured")]
    PaymentNotConfigured,
    #[error("hồ sơ không chờ nộp phí, lệ phí / the dossier is not awaiting payment")]
    NothingToPay,
    #[error("một giao dịch thanh toán của hồ sơ đang chờ kết quả; hoàn tất ở trang thanh toán hoặc thử lại sau 15 phút / a payment of this dossier is still in progress at the platform: finish it there, or try again in 15 minutes")]
    PaymentInProgress,
    #[error("hồ sơ đã được thanh toán / the dossier's fees were paid")]
    AlreadyPaid,
    #[error(transparent)]
    PaymentPlatform(#[from] motcua_domain::ports::PaymentError),
    #[error("quá nhiều tệp trong một lần nộp ({files}); tối đa {most} tệp / too many files in one action ({files}): at most {most} fit in one write")]
    TooManyFiles { files: usize, most: usize },
    #[error("máy chủ này chưa kết nối bưu điện / this server has no postal operator configured")]
    PostalNotConfigured,
    /// A hand-over to an agency on the document axis, where no axis is configured.
    #[error("chưa cấu hình trục liên thông văn bản / the document axis is not configured here")]
    AxisNotConfigured,
    #[error("không kết nối được trục liên thông / the document axis cannot be reached: {0}")]
    AxisUnavailable(String),
    #[error(transparent)]
    PostalOperator(#[from] motcua_domain::ports::PostalError),
    #[error("bưu điện gửi cập nhật không hợp lệ / the postal operator's update is refused: {0}")]
    PostalCallbackRefused(String),
    #[error(transparent)]
    InvalidSearch(motcua_domain::search::InvalidSearch),
    #[error("máy chủ này không nhận báo cáo gửi tin của cổng SMS / this server takes no SMS delivery reports")]
    SmsReportsOff,
    #[error(transparent)]
    SmsReport(#[from] motcua_infra::sms_gateway::ReportRefused),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Access(#[from] AccessDenied),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type ServiceResult<T> = Result<T, Refused>;
