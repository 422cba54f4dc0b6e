//! What every handler shares: the ports, the clock and the authenticator.

use std::sync::Arc;

use motcua_domain::documents::FileLimits;
use motcua_domain::limits::PublicLimits;
use motcua_domain::ports::{
    Catalogue, Clock, DossierStore, FileStore, Limits, NationalCodes, NationalPortal, PaymentPlatform, PaymentStore,
    ReportCounters, StoredDocuments, SyncQueue, UploadStore,
};

use crate::auth::{Directory, SharedAuthenticator};
use crate::proxies::TrustedProxies;

#[derive(Clone)]
pub struct AppState {
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn Catalogue>,
    pub clock: Arc<dyn Clock>,
    pub auth: SharedAuthenticator,
    /// The officer records tokens are checked against.
    pub officers: Directory,
    /// Keys the lookup secrets of idempotent filings (see `service::secrets`).
    pub server_key: Arc<[u8]>,
    /// Counters for the public limits.
    pub limits: Arc<dyn Limits>,
    pub public_limits: PublicLimits,
    /// Whose `X-Forwarded-For` names the client for those counters.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Announced uploads (the dossier store's table).
    pub uploads: Arc<dyn UploadStore>,
    /// The applicants' document store (kho dữ liệu điện tử).
    pub stored: Arc<dyn StoredDocuments>,
    /// The report counters.
    pub counters: Arc<dyn ReportCounters>,
    /// The bytes of files: the S3 bucket, or the data directory's `files/`.
    pub files: Arc<dyn FileStore>,
    /// The data directory's files, on one machine: uploads stream into them.
    pub local_files: Option<motcua_infra::LocalFiles>,
    pub file_limits: FileLimits,
    /// What the printed forms say beyond the dossier: where it can be looked up, the place.
    pub forms: FormSettings,
    /// The national portal's sync queue (each dossier's standing, the counts, requeues).
    pub sync: Arc<dyn SyncQueue>,
    pub national_codes: Arc<dyn NationalCodes>,
    /// The national portal itself, where this home talks to it (reconciliation asks it).
    pub portal: Option<Arc<dyn NationalPortal>>,
    /// Online payments' transactions.
    pub payments: Arc<dyn PaymentStore>,
    /// Finding dossiers by the terms they were filed under.
    pub search: Arc<dyn motcua_domain::ports::DossierSearch>,
    /// The record of requests for what is held about a person (`docs/privacy.md`).
    pub subject_requests: Arc<dyn motcua_domain::ports::SubjectRequests>,
    /// The payment platform, where online payment is on (`--payment-url`).
    pub payment_platform: Option<Arc<dyn PaymentPlatform>>,
    /// Where the SMS gateway's delivery reports are taken (`--sms gateway` with a report token).
    pub sms_reports: Option<SmsReports>,
    /// The postal operator, where results go by post through it (`--post-url`).
    pub postal: Option<Arc<dyn motcua_domain::ports::PostalOperator>>,
    /// The national document axis, where steps are handed to agencies that run their own
    /// systems (`--axis-url`): without it such a hand-over is refused.
    pub axis: Option<Arc<dyn motcua_domain::ports::DocumentAxis>>,
    /// What went over the axis.
    pub axis_journal: Arc<dyn motcua_domain::ports::AxisJournal>,
}

/// The server key from its text (`MOTCUA_SERVER_KEY`): at least 32 characters, trimmed.
pub fn server_key_from(text: &str) -> Result<Arc<[u8]>, String> {
    match text.trim() {
        key if key.len() >= 32 => Ok(key.as_bytes().into()),
        _ => Err("MOTCUA_SERVER_KEY must be at least 32 characters".into()),
    }
}

/// From `MOTCUA_PUBLIC_URL` (the address citizens reach the API at, for the QR code of the
/// forms; without it, the address the request came to) and `MOTCUA_PLACE` (the place printed
/// before a form's date, e.g. `Nha Trang`).
#[derive(Debug, Clone, Default)]
pub struct FormSettings {
    pub public_url: Option<String>,
    pub place: Option<String>,
}

/// [`FormSettings`] from the environment; an address that is not http(s) is refused.
pub fn form_settings_from_env() -> Result<FormSettings, String> {
    let read = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let public_url = read("MOTCUA_PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned());
    if let Some(url) = &public_url {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        if !scheme_ok || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("MOTCUA_PUBLIC_URL: `{url}` is not an http(s) address"));
        }
    }
    Ok(FormSettings { public_url, place: read("MOTCUA_PLACE") })
}

/// The extractors of `auth` find the authenticator in the state through this, so identity does
/// not depend on the application's state type.
impl axum::extract::FromRef<AppState> for SharedAuthenticator {
    fn from_ref(state: &AppState) -> Self {
        state.auth.clone()
    }
}

impl axum::extract::FromRef<AppState> for Arc<TrustedProxies> {
    fn from_ref(state: &AppState) -> Self {
        state.trusted_proxies.clone()
    }
}

impl axum::extract::FromRef<AppState> for Directory {
    fn from_ref(state: &AppState) -> Self {
        state.officers.clone()
    }
}

/// The public limits, from `MOTCUA_SUBMISSION_LIMIT` (default `20/10m` per client address),
/// `MOTCUA_LOOKUP_CLIENT_LIMIT` (default `20/1h` wrong secrets per client address) and
/// `MOTCUA_LOOKUP_FAILURE_LIMIT` (default `10/1h` wrong secrets per dossier before its lookups
/// slow down).
pub fn public_limits_from_env() -> Result<PublicLimits, String> {
    let mut limits = PublicLimits::default();
    let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(text) = read("MOTCUA_SUBMISSION_LIMIT") {
        limits.submissions =
            motcua_domain::limits::RateLimit::parse(&text).map_err(|e| format!("MOTCUA_SUBMISSION_LIMIT: {e}"))?;
    }
    if let Some(text) = read("MOTCUA_LOOKUP_CLIENT_LIMIT") {
        limits.lookup_failures_per_client =
            motcua_domain::limits::RateLimit::parse(&text).map_err(|e| format!("MOTCUA_LOOKUP_CLIENT_LIMIT: {e}"))?;
    }
    if let Some(text) = read("MOTCUA_LOOKUP_FAILURE_LIMIT") {
        limits.lookup_failures =
            motcua_domain::limits::RateLimit::parse(&text).map_err(|e| format!("MOTCUA_LOOKUP_FAILURE_LIMIT: {e}"))?;
    }
    if let Some(text) = read("MOTCUA_UPLOAD_LIMIT") {
        limits.uploads =
            motcua_domain::limits::RateLimit::parse(&text).map_err(|e| format!("MOTCUA_UPLOAD_LIMIT: {e}"))?;
    }
    Ok(limits)
}

/// The caps on files, from `MOTCUA_MAX_FILE_MB` (default 20) and `MOTCUA_MAX_DOSSIER_MB`
/// (default 100), in mebibytes.
pub fn file_limits_from_env() -> Result<FileLimits, String> {
    let mut limits = FileLimits::default();
    for (name, field) in
        [("MOTCUA_MAX_FILE_MB", &mut limits.per_file), ("MOTCUA_MAX_DOSSIER_MB", &mut limits.per_dossier)]
    {
        if let Some(text) = std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
            let mb: u64 = text
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=5120).contains(n))
                .ok_or_else(|| format!("{name}: `{text}` is not a size in MB from 1 to 5120"))?;
            *field = mb * motcua_domain::documents::limits::MB;
        }
    }
    if limits.per_file > limits.per_dossier {
        return Err("MOTCUA_MAX_FILE_MB is larger than MOTCUA_MAX_DOSSIER_MB".into());
    }
    Ok(limits)
}

/// The SMS gateway's delivery reports: how a callback is proven and read, and the outbox its
/// reports settle.
#[derive(Clone)]
pub struct SmsReports {
    pub config: Arc<motcua_infra::sms_gateway::ReportConfig>,
    pub outbox: Arc<dyn motcua_domain::ports::Outbox>,
}
