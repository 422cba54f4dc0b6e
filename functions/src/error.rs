//! The API error: HTTP status plus `{"error": {"code", "message", "details"}}`. Every domain,
//! store and service refusal is mapped to its status and stable code here and nowhere else;
//! the HTTP edge (extractors, pagination, query and admin input) builds its 400s and 422s for
//! what it cannot parse.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use motcua_domain::access::AccessDenied;
use motcua_domain::catalogue::{InvalidAgency, InvalidHolidays, Role};
use motcua_domain::lifecycle::LifecycleError;
use motcua_domain::ports::StoreError;

use crate::service::Refused;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Value,
}

/// The error body every endpoint returns.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorContent,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorContent {
    /// Stable, machine-readable, e.g. `dossier_not_found`.
    pub code: String,
    /// Vietnamese first, English after the slash.
    pub message: String,
    #[schema(value_type = Object)]
    pub details: Value,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), details: json!({}) }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    /// 429, with `Retry-After` and `details.retry_after_seconds`.
    pub fn too_many(code: &'static str, message: impl Into<String>, retry_after_seconds: i64) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, code, message)
            .with_details(json!({"retry_after_seconds": retry_after_seconds.max(1)}))
    }
}

/// Marks an answer to a store failure, for the request's figures (`emf`).
#[derive(Debug, Clone, Copy)]
pub struct StoreFailed;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.details.get("retry_after_seconds").and_then(Value::as_i64);
        let body = json!({"error": {"code": self.code, "message": self.message, "details": self.details}});
        let store_failed = matches!(self.code, "store_unavailable" | "internal");
        let mut response = (self.status, Json(body)).into_response();
        if store_failed {
            response.extensions_mut().insert(StoreFailed);
        }
        if let Some(seconds) = retry_after.filter(|_| self.status == StatusCode::TOO_MANY_REQUESTS) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::Conflict => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            StoreError::IdempotencyKeyTaken => ApiError::new(StatusCode::CONFLICT, "idempotency_key_reused", message),
            // Callers that put a limit on a write answer with its own code and Retry-After.
            StoreError::LimitReached => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "limit_reached", message),
            StoreError::Unavailable(detail) => {
                crate::metrics::store_error();
                tracing::error!(error = %detail, "store unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "kho dữ liệu tạm thời không sẵn sàng / the store is temporarily unavailable",
                )
            }
            StoreError::Corrupt(detail) => {
                crate::metrics::store_error();
                tracing::error!(error = %detail, "stored data could not be read");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "lỗi hệ thống / internal error")
            }
        }
    }
}

impl From<Refused> for ApiError {
    fn from(e: Refused) -> Self {
        use Refused as R;
        let message = e.to_string();
        let (status, code, details) = match e {
            R::Lifecycle(e) => return e.into(),
            R::Access(e) => return e.into(),
            R::Store(e) => return e.into(),
            R::DossierNotFound => (StatusCode::NOT_FOUND, "dossier_not_found", json!({})),
            R::ProcedureNotFound => (StatusCode::NOT_FOUND, "procedure_not_found", json!({})),
            R::ReportAgencyNotFound => (StatusCode::NOT_FOUND, "agency_not_found", json!({})),
            R::UnknownField(field) => (StatusCode::BAD_REQUEST, "unknown_field", json!({"field": field})),
            R::AgencyNotFound(code) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "agency_not_found", json!({"agency": code.to_string()}))
            }
            R::NoSuchAgency => (StatusCode::NOT_FOUND, "agency_not_found", json!({})),
            R::OfficerNotFound => (StatusCode::NOT_FOUND, "officer_not_found", json!({})),
            R::AssigneeNotFound => (StatusCode::UNPROCESSABLE_ENTITY, "assignee_not_found", json!({})),
            R::InvalidOfficerId(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_officer_id", json!({})),
            R::InvalidWorkingHours(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_working_hours", json!({})),
            R::InvalidDate(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_date", json!({})),
            R::LookupSecretRequired => (StatusCode::UNAUTHORIZED, "lookup_secret_required", json!({})),
            R::LookupSecretInvalid => (StatusCode::FORBIDDEN, "lookup_secret_invalid", json!({})),
            R::TooManyLookupAttempts { retry_after_seconds } => {
                return ApiError::too_many("too_many_lookup_attempts", message, retry_after_seconds)
            }
            R::TooManySubmissions { retry_after_seconds } => {
                return ApiError::too_many("too_many_submissions", message, retry_after_seconds)
            }
            R::InvalidIdempotencyKey => (StatusCode::BAD_REQUEST, "invalid_idempotency_key", json!({})),
            R::IdempotencyKeyReused => (StatusCode::CONFLICT, "idempotency_key_reused", json!({})),
            R::NotReceived => (StatusCode::CONFLICT, "not_received", json!({})),
            R::InvalidSearch(_) => (StatusCode::BAD_REQUEST, "invalid_search", json!({})),
            R::PaymentNotConfigured => (StatusCode::CONFLICT, "payment_not_configured", json!({})),
            R::SmsReportsOff => (StatusCode::NOT_FOUND, "sms_reports_off", json!({})),
            R::SmsReport(motcua_infra::sms_gateway::ReportRefused::Token) => {
                (StatusCode::UNAUTHORIZED, "sms_report_token", json!({}))
            }
            R::SmsReport(motcua_infra::sms_gateway::ReportRefused::Unreadable(_)) => {
                (StatusCode::BAD_REQUEST, "sms_report_unreadable", json!({}))
            }
            R::NothingToPay => (StatusCode::CONFLICT, "nothing_to_pay", json!({})),
            R::PaymentInProgress => (StatusCode::CONFLICT, "payment_in_progress", json!({})),
            R::AlreadyPaid => (StatusCode::CONFLICT, "already_paid", json!({})),
            R::PaymentPlatform(motcua_domain::ports::PaymentError::Unavailable(detail)) => {
                tracing::warn!(error = %detail, "payment platform unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "payment_platform_unavailable", json!({}))
            }
            R::PaymentPlatform(motcua_domain::ports::PaymentError::Refused(detail)) => {
                tracing::warn!(error = %detail, "payment platform refused");
                (StatusCode::BAD_GATEWAY, "payment_platform_refused", json!({}))
            }
            R::TooManyFiles { files, most } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too_many_files", json!({"files": files, "most": most}))
            }
            R::PostalNotConfigured => (StatusCode::CONFLICT, "postal_not_configured", json!({})),
            R::AxisNotConfigured => (StatusCode::CONFLICT, "axis_not_configured", json!({})),
            R::AxisUnavailable(detail) => {
                tracing::warn!(error = %detail, "document axis unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "axis_unavailable", json!({}))
            }
            R::PostalOperator(motcua_domain::ports::PostalError::Unavailable(detail)) => {
                tracing::warn!(error = %detail, "postal operator unavailable");
                (StatusCode::SERVICE_UNAVAILABLE, "postal_operator_unavailable", json!({}))
            }
            R::PostalOperator(motcua_domain::ports::PostalError::Refused(detail)) => {
                tracing::warn!(error = %detail, "postal operator refused");
                (StatusCode::BAD_GATEWAY, "postal_operator_refused", json!({}))
            }
            R::PostalCallbackRefused(_) => (StatusCode::BAD_REQUEST, "postal_callback_refused", json!({})),
            R::File(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.code(), file_details(&e)),
            R::Attach(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.code(), json!({})),
            R::UploadNotFound => (StatusCode::NOT_FOUND, "upload_not_found", json!({})),
            R::ArchiveFileAltered => (StatusCode::CONFLICT, "file_altered", json!({})),
            R::ParticularsFromDeskOnly => (StatusCode::UNPROCESSABLE_ENTITY, "particulars_from_desk_only", json!({})),
            R::Particulars(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_particulars", json!({})),
            R::StoredDocumentNotFound => (StatusCode::UNPROCESSABLE_ENTITY, "stored_document_not_found", json!({})),
            R::StoredDocumentExpired => (StatusCode::UNPROCESSABLE_ENTITY, "stored_document_expired", json!({})),
            R::DocumentFileAmbiguous => (StatusCode::UNPROCESSABLE_ENTITY, "document_file_ambiguous", json!({})),
            R::UploadAlreadyReceived => (StatusCode::CONFLICT, "upload_already_received", json!({})),
            R::FileNotFound => (StatusCode::NOT_FOUND, "file_not_found", json!({})),
            R::FormNotFound => (StatusCode::NOT_FOUND, "form_not_found", json!({})),
            R::Form(e) => (StatusCode::CONFLICT, e.code(), json!({})),
            R::TooManyUploads { retry_after_seconds } => {
                return ApiError::too_many("too_many_uploads", message, retry_after_seconds)
            }
            R::Procedure(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_procedure", json!({})),
            R::Agency(InvalidAgency::Hours(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_working_hours", json!({}))
            }
            R::Agency(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_agency", json!({})),
            R::Officer(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_officer", json!({})),
            R::Holidays(InvalidHolidays::Year) => (StatusCode::BAD_REQUEST, "invalid_year", json!({})),
            R::Holidays(InvalidHolidays::OutsideYear { .. }) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "holiday_outside_year", json!({}))
            }
            R::Holidays(InvalidHolidays::TooLong) => (StatusCode::UNPROCESSABLE_ENTITY, "too_long", json!({})),
        };
        ApiError { status, code, message, details }
    }
}

/// What a client needs to correct a refused file: the cap it passed, the type it is.
fn file_details(e: &motcua_domain::documents::FileRefusal) -> Value {
    use motcua_domain::documents::FileRefusal as F;
    match e {
        F::TooLarge { max } | F::DossierTooLarge { max } => json!({"max_bytes": max}),
        F::TypeMismatch { declared, found } => json!({"declared": declared, "found": found}),
        F::SizeMismatch { declared } => json!({"declared_size": declared}),
        _ => json!({}),
    }
}

impl From<motcua_domain::calendar::vietnam::OutOfRange> for ApiError {
    fn from(e: motcua_domain::calendar::vietnam::OutOfRange) -> Self {
        ApiError::bad_request("instant_out_of_range", e.to_string())
    }
}

impl From<AccessDenied> for ApiError {
    fn from(e: AccessDenied) -> Self {
        let message = e.to_string();
        match e {
            AccessDenied::OtherAgency => ApiError::forbidden("other_agency", message),
            AccessDenied::Finished => ApiError::forbidden("dossier_finished", message),
            AccessDenied::NotAdmin => {
                ApiError::forbidden("missing_role", message).with_details(json!({"needed": [Role::Admin]}))
            }
        }
    }
}

impl From<LifecycleError> for ApiError {
    fn from(e: LifecycleError) -> Self {
        use LifecycleError as L;
        let message = e.to_string();
        let (status, code, details) = match &e {
            L::InvalidTransition { action, status } => {
                (StatusCode::CONFLICT, "invalid_transition", json!({"action": action, "status": status}))
            }
            L::ApplicantOnly => (StatusCode::FORBIDDEN, "applicant_only", json!({})),
            L::OtherAgency => (StatusCode::FORBIDDEN, "other_agency", json!({})),
            L::MissingRole { needed } => (StatusCode::FORBIDDEN, "missing_role", json!({"needed": needed})),
            L::NotAssignee => (StatusCode::FORBIDDEN, "not_assignee", json!({})),
            L::ReasonRequired => (StatusCode::UNPROCESSABLE_ENTITY, "reason_required", json!({})),
            L::MissingListRequired => (StatusCode::UNPROCESSABLE_ENTITY, "missing_list_required", json!({})),
            L::SupplementAlreadyRequested => (StatusCode::CONFLICT, "supplement_already_requested", json!({})),
            L::SupplementStillDue { deadline } => (
                StatusCode::CONFLICT,
                "supplement_still_due",
                json!({"deadline": motcua_domain::calendar::vietnam::with_offset(*deadline)}),
            ),
            L::SupplementPending => (StatusCode::CONFLICT, "supplement_pending", json!({})),
            L::NothingSupplied => (StatusCode::CONFLICT, "nothing_supplied", json!({})),
            L::AlreadyReceived => (StatusCode::CONFLICT, "already_received", json!({})),
            L::NeverReceived => (StatusCode::CONFLICT, "never_received", json!({})),
            L::DocumentsRequired => (StatusCode::UNPROCESSABLE_ENTITY, "documents_required", json!({})),
            L::AssigneeNotEligible => (StatusCode::UNPROCESSABLE_ENTITY, "assignee_not_eligible", json!({})),
            L::LastStep => (StatusCode::CONFLICT, "last_step", json!({})),
            L::FirstStep => (StatusCode::CONFLICT, "first_step", json!({})),
            L::StepNotAssigned => (StatusCode::CONFLICT, "step_not_assigned", json!({})),
            L::SameAssignee => (StatusCode::CONFLICT, "same_assignee", json!({})),
            L::NotConsulted => (StatusCode::FORBIDDEN, "not_consulted", json!({})),
            L::ConsultOwnAgency => (StatusCode::UNPROCESSABLE_ENTITY, "consult_own_agency", json!({})),
            L::AlreadyConsulted => (StatusCode::CONFLICT, "already_consulted", json!({})),
            L::TooManyConsultations => (StatusCode::CONFLICT, "too_many_consultations", json!({})),
            L::NotLastStep => (StatusCode::CONFLICT, "not_last_step", json!({})),
            L::AlreadyExtended => (StatusCode::CONFLICT, "already_extended", json!({})),
            L::DeadlinePassed => (StatusCode::CONFLICT, "deadline_passed", json!({})),
            L::NewDueNotLater => (StatusCode::UNPROCESSABLE_ENTITY, "new_due_not_later", json!({})),
            L::NewDueTooLate { latest } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "new_due_too_late",
                json!({"latest": motcua_domain::calendar::vietnam::with_offset(*latest)}),
            ),
            L::PlatformOnly => (StatusCode::FORBIDDEN, "platform_only", json!({})),
            L::WrongAmount { owed, paid } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "wrong_amount", json!({"owed_vnd": owed, "paid_vnd": paid}))
            }
            L::WaybillRequired => (StatusCode::UNPROCESSABLE_ENTITY, "waybill_required", json!({})),
            L::WithOtherAgency(agency) => (StatusCode::CONFLICT, "step_with_other_agency", json!({"agency": agency})),
            L::ExternalStepTakesNoAssignee(agency) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "external_step_takes_no_assignee", json!({"agency": agency}))
            }
            L::UnfitPacket(_) => (StatusCode::CONFLICT, "axis_packet_unfit", json!({})),
            L::PostalReturnNotOffered => (StatusCode::UNPROCESSABLE_ENTITY, "postal_return_not_offered", json!({})),
            L::InvalidAddress(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_address", json!({})),
            L::DeliveryAddressRequired => (StatusCode::CONFLICT, "delivery_address_required", json!({})),
            L::AddressWithoutPostalReturn => {
                (StatusCode::UNPROCESSABLE_ENTITY, "address_without_postal_return", json!({}))
            }
            L::ShipmentInProgress(_) => (StatusCode::CONFLICT, "shipment_in_progress", json!({})),
            L::UnknownShipment => (StatusCode::CONFLICT, "unknown_shipment", json!({})),
            L::OnlineResultNotOffered => (StatusCode::UNPROCESSABLE_ENTITY, "online_result_not_offered", json!({})),
            L::ResultFileRequired => (StatusCode::UNPROCESSABLE_ENTITY, "result_file_required", json!({})),
            L::InvalidResult(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_result", json!({})),
            L::UnknownFee(_) => (StatusCode::UNPROCESSABLE_ENTITY, "unknown_fee", json!({})),
            L::InvalidReduction(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_reduction", json!({})),
            L::AlreadyRated => (StatusCode::CONFLICT, "already_rated", json!({})),
            L::InvalidRating(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_rating", json!({})),
            L::ChannelNotOffered => (StatusCode::UNPROCESSABLE_ENTITY, "channel_not_offered", json!({})),
            L::NoticeChannels(motcua_domain::notify::InvalidChoice::NoContact(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "notice_channel_without_contact", json!({}))
            }
            L::NoticeChannels(motcua_domain::notify::InvalidChoice::NotANoticeChannel(_)) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "not_a_notice_channel", json!({}))
            }
            L::ApplicantKindNotAccepted => (StatusCode::UNPROCESSABLE_ENTITY, "applicant_kind_not_accepted", json!({})),
            L::ApplicantDetail(field) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "applicant_detail_missing", json!({"field": field}))
            }
            L::MissingComponents(names) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "missing_components", json!({"components": names}))
            }
            L::MissingFiles(names) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "missing_component_files", json!({"components": names}))
            }
            L::UnknownComponent(name) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "unknown_component", json!({"component": name}))
            }
            L::TooLong(field) => (StatusCode::UNPROCESSABLE_ENTITY, "too_long", json!({"field": field})),
            L::InvalidCharacters(field) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters", json!({"field": field}))
            }
        };
        ApiError { status, code, message, details }
    }
}
