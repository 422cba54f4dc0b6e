//! The ports: what the application needs from the world, as narrow traits. Adapters in
//! `motcua-infra` implement them over SQLite (one machine) and DynamoDB/SNS/SES (AWS).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::catalogue::{Agency, Officer, OfficerId, OnlineLevel, Procedure};
use crate::codes::{AgencyCode, DossierCode};
use crate::documents::{FileRef, FileRefusal, Upload, UploadId};
use crate::lifecycle::{Dossier, HistoryEvent, Status};
use crate::notify::delivery::Settlement;
use crate::notify::{DeliveryState, OutgoingMessage};

/// Everything one transition writes, together or not at all.
#[derive(Debug, Clone)]
pub struct Commit {
    pub dossier: Dossier,
    /// The version the decision was based on; `None` when the dossier is new.
    pub expected_version: Option<u64>,
    pub event: HistoryEvent,
    pub outbox: Vec<OutgoingMessage>,
    /// SHA-256 of the applicant's lookup secret, for a new dossier.
    pub lookup_secret_hash: Option<String>,
    pub idempotency: Option<IdempotencyRecord>,
    /// A use counted against a limit in the same write (an online submission against its
    /// client's rate limit): at the limit, nothing is written and the store answers
    /// [`StoreError::LimitReached`].
    pub limit: Option<LimitUse>,
    /// Uploads the action attaches, as read (stored): each must still be stored and
    /// unattached when written, and is then the dossier's
    /// ([`crate::documents::UploadState::Attached`]); otherwise nothing is written and the store
    /// answers [`StoreError::Conflict`].
    pub attach: Vec<Upload>,
    /// Documents the action adds to the applicant's store ([`crate::documents::kept`]): written
    /// (or written again, the same) with the dossier.
    pub keep: Vec<crate::documents::StoredDocument>,
    /// What the transition adds to the report counters ([`crate::reports::tally`]): added in the
    /// same transaction where the store can (SQLite); DynamoDB keeps them on the history item and
    /// adds them from the table's stream, once per item (docs/reports.md).
    pub tally: Vec<crate::reports::Tally>,
    /// A payment transaction the action settles as paid (the platform's confirmation): written
    /// only if it is still open, in the same write; otherwise nothing is written and the store
    /// answers [`StoreError::Conflict`].
    pub settle: Option<crate::payment::Transaction>,
    /// The search terms a new dossier is filed under ([`crate::search::terms`]), written with it.
    pub search: Vec<crate::search::Term>,
}

/// The most items one commit writes. A commit is one transaction, and DynamoDB's take 100
/// items: a commit that would not fit is refused before it is tried, on both homes alike.
pub const MOST_COMMIT_ITEMS: usize = 100;

impl Commit {
    /// The items the commit writes as one transaction (as DynamoDB counts them): the dossier,
    /// its event and the national portal's sync item, each message, the settled payment, the
    /// idempotency record, the limit's counter, each upload attached, each document kept, each
    /// search term.
    pub fn items(&self) -> usize {
        3 + self.outbox.len()
            + usize::from(self.settle.is_some())
            + usize::from(self.idempotency.is_some())
            + usize::from(self.limit.is_some())
            + self.attach.len()
            + self.keep.len()
            + self.search.len()
    }

    /// How many files the action could have attached for the commit to fit, when it does not.
    pub fn files_that_fit(&self) -> Option<usize> {
        let over = self.items().checked_sub(MOST_COMMIT_ITEMS).filter(|o| *o > 0)?;
        // A file attached at the desk is also kept in the applicant's store: two items each.
        let per_file = if self.keep.is_empty() { 1 } else { 2 };
        Some(self.attach.len().saturating_sub(over.div_ceil(per_file)))
    }
}

/// One use of a fixed-window counter: `key`'s window began at `window_start` and lasts
/// `window`; at most `max` uses are counted in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitUse {
    pub key: String,
    pub window_start: DateTime<Utc>,
    pub window: chrono::Duration,
    pub max: u32,
}

/// A create request remembered under its `Idempotency-Key`: enough to answer a replay from
/// the store (the dossier it created and the status it answered), never a rendered answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredIdempotencyRecord")]
pub struct IdempotencyRecord {
    /// Who the key belongs to, e.g. `submit` or `counter:<officer id>`.
    pub scope: String,
    pub key: String,
    /// SHA-256 of the request body: the same key with another body is refused.
    pub request_hash: String,
    pub status: u16,
    /// The dossier the request created.
    pub dossier: DossierCode,
    pub created_at: DateTime<Utc>,
}

/// An idempotency record as read: records written before the dossier code was kept held the
/// whole first answer in `response`, whose `code` names the dossier.
#[derive(Deserialize)]
struct StoredIdempotencyRecord {
    scope: String,
    key: String,
    request_hash: String,
    status: u16,
    #[serde(default)]
    dossier: Option<DossierCode>,
    #[serde(default)]
    response: Option<String>,
    created_at: DateTime<Utc>,
}

impl TryFrom<StoredIdempotencyRecord> for IdempotencyRecord {
    type Error = String;
    fn try_from(r: StoredIdempotencyRecord) -> Result<Self, String> {
        let legacy = || {
            let answer: serde_json::Value = serde_json::from_str(r.response.as_deref()?).ok()?;
            DossierCode::parse(answer.get("code")?.as_str()?).ok()
        };
        let dossier = r.dossier.clone().or_else(legacy).ok_or("an idempotency record names no dossier")?;
        Ok(Self {
            scope: r.scope,
            key: r.key,
            request_hash: r.request_hash,
            status: r.status,
            dossier,
            created_at: r.created_at,
        })
    }
}

/// A dossier as stored, with the hash of its lookup secret.
#[derive(Debug, Clone)]
pub struct StoredDossier {
    pub dossier: Dossier,
    pub lookup_secret_hash: String,
}

/// A work queue, soonest due first (dossiers not yet received, with no due time, first). It holds
/// the dossiers still open ([`Status::is_closed`] is false), or those of `status` when given; an
/// officer's own queue (`assignee`) holds open dossiers only. A query names an agency or an
/// assignee: no store scans all dossiers.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// Dossiers this agency is handling now ([`Dossier::handling_agency`]).
    pub agency: Option<AgencyCode>,
    pub status: Option<Status>,
    pub assignee: Option<OfficerId>,
    pub due_before: Option<DateTime<Utc>>,
    /// Continue after this (due time, code), from a cursor.
    pub after: Option<(Option<DateTime<Utc>>, String)>,
    pub limit: usize,
}

#[derive(Debug, Clone, Default)]
pub struct ProcedureQuery {
    /// Already a search key (no diacritics, lower case).
    pub text: Option<String>,
    pub agency: Option<AgencyCode>,
    pub field: Option<String>,
    pub level: Option<OnlineLevel>,
    pub after: Option<String>,
    pub limit: usize,
}

pub use crate::catalogue::Holiday;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The dossier changed since it was read (or another create used the same key).
    #[error("hồ sơ đã thay đổi, vui lòng tải lại / the dossier changed since it was read")]
    Conflict,
    #[error("khóa Idempotency-Key đã được dùng / the Idempotency-Key is already in use")]
    IdempotencyKeyTaken,
    /// The commit's [`Commit::limit`] is used up for its window: nothing was written.
    #[error("đã đạt giới hạn / the limit for this window is reached")]
    LimitReached,
    #[error("kho dữ liệu không sẵn sàng / the store is unavailable: {0}")]
    Unavailable(String),
    #[error("dữ liệu lưu trữ hỏng / stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Builds the commit for a new dossier once the store has allocated its code.
pub type BuildCreate = Box<dyn Fn(DossierCode) -> Commit + Send + Sync>;

#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Allocates the next code of `agency` on `date` (Vietnam date) and writes the new dossier,
    /// in one transaction.
    async fn create(&self, agency: &AgencyCode, date: NaiveDate, build: BuildCreate) -> StoreResult<Dossier>;
    async fn get(&self, code: &DossierCode) -> StoreResult<Option<StoredDossier>>;
    /// Writes a transition, conditioned on `commit.expected_version`.
    async fn commit(&self, commit: Commit) -> StoreResult<()>;
    async fn history(&self, code: &DossierCode) -> StoreResult<Vec<HistoryEvent>>;
    /// The dossier and its history in order, read together: one request where the store can
    /// (every action reads both, and answers with the history plus its new event).
    async fn get_with_history(&self, code: &DossierCode) -> StoreResult<Option<(StoredDossier, Vec<HistoryEvent>)>> {
        let Some(stored) = self.get(code).await? else { return Ok(None) };
        Ok(Some((stored, self.history(code).await?)))
    }
    async fn queue(&self, query: QueueQuery) -> StoreResult<Vec<Dossier>>;
    async fn idempotency(&self, scope: &str, key: &str) -> StoreResult<Option<IdempotencyRecord>>;
}

/// What every action reads of the catalogue: procedures, agencies and their calendars, officers.
#[async_trait]
pub trait CatalogueReader: Send + Sync {
    /// The procedure's current record: the version in force (as of the last write or promotion).
    async fn procedure(&self, code: &str) -> StoreResult<Option<Procedure>>;
    /// Every version of the procedure kept (in force before, now, or scheduled), by effective
    /// date ([`crate::catalogue::versions`]).
    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<Procedure>>;
    async fn procedures(&self, query: ProcedureQuery) -> StoreResult<Vec<Procedure>>;
    async fn agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>>;
    /// Agencies in code order (the children of `parent` only, when given), after `after`.
    async fn agencies(
        &self,
        parent: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Agency>>;
    async fn holidays(&self) -> StoreResult<Vec<Holiday>>;
    async fn officer(&self, id: &OfficerId) -> StoreResult<Option<Officer>>;
    async fn officers(
        &self,
        agency: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Officer>>;
}

/// What administrators change in the catalogue (and the seed writes).
#[async_trait]
pub trait CatalogueWriter: Send + Sync {
    /// Puts a version in force: the procedure's current record, and kept among its versions.
    async fn put_procedure(&self, procedure: &Procedure) -> StoreResult<()>;
    /// Keeps a version dated after today, to be put in force on its date by
    /// [`CatalogueWriter::promote_procedures`]; the current record stays.
    async fn schedule_procedure(&self, procedure: &Procedure) -> StoreResult<()>;
    /// Puts in force every scheduled version dated on or before `today`, oldest first; the
    /// codes of the procedures it changed.
    async fn promote_procedures(&self, today: chrono::NaiveDate) -> StoreResult<Vec<String>>;
    /// Several procedures at once (an import's batch): in one transaction where the store has
    /// them, in batch writes otherwise; a failure may leave part of the batch written, which
    /// writing the same batch again completes.
    async fn put_procedures(&self, procedures: &[Procedure]) -> StoreResult<()> {
        for p in procedures {
            self.put_procedure(p).await?;
        }
        Ok(())
    }
    async fn put_agency(&self, agency: &Agency) -> StoreResult<()>;
    async fn put_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()>;
    async fn put_officer(&self, officer: &Officer) -> StoreResult<()>;
}

/// A catalogue that is both read and maintained: every store adapter, and the cache in front of one.
pub trait Catalogue: CatalogueReader + CatalogueWriter {}

impl<T: CatalogueReader + CatalogueWriter + ?Sized> Catalogue for T {}

/// The record of requests for what is held about a person ([`crate::privacy`]): each kept
/// once, never changed.
#[async_trait]
pub trait SubjectRequests: Send + Sync {
    async fn record_request(&self, request: &crate::privacy::SubjectRequest) -> StoreResult<()>;
    /// Records in the order they were made, after the position `after`
    /// ([`crate::privacy::SubjectRequest::position`]).
    async fn subject_requests(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<crate::privacy::SubjectRequest>>;
}

/// A message in the outbox with its delivery record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub message: OutgoingMessage,
    pub state: DeliveryState,
    /// Claims so far (each claim is one attempt at handing it over).
    pub attempts: u32,
    pub provider_id: Option<String>,
    pub last_error: Option<String>,
}

/// The outbox: each message follows [`crate::notify::delivery`]'s state machine, and every
/// move is one conditional write, so two senders can never both hand the same message over.
#[async_trait]
pub trait Outbox: Send + Sync {
    /// Adds messages that no transition raised (an officer's digest), each in `created` and due
    /// at once; a message whose id is there already is kept as it is, so posting again adds
    /// nothing. Returns how many were new.
    async fn post(&self, messages: &[OutgoingMessage]) -> StoreResult<usize>;
    /// Messages in `created` whose next attempt is due at `now`, oldest first.
    async fn pending(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>>;
    /// Messages in `sending` whose deadline passed before `now` (for the sweeper).
    async fn overdue(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<StoredMessage>>;
    /// One message, whatever its state (a consistent read).
    async fn message(&self, id: &str) -> StoreResult<Option<StoredMessage>>;
    /// Every message whose `dossier_code` is `key`, whatever its state, by id: the arrivals an
    /// officer's digest gathers ([`crate::notify::arrivals`]).
    async fn under(&self, key: &str) -> StoreResult<Vec<StoredMessage>>;
    /// The id of the message the provider knows as `provider_id`.
    async fn message_of_provider(&self, provider_id: &str) -> StoreResult<Option<String>>;
    /// Moves `id` from `created` to `sending` (one more attempt, to be settled by `deadline`)
    /// when its next attempt is due by `due_by`; `None` when it is not there to take (another
    /// sender has it, it is final, or not yet due).
    async fn claim(
        &self,
        id: &str,
        due_by: DateTime<Utc>,
        deadline: DateTime<Utc>,
    ) -> StoreResult<Option<StoredMessage>>;
    /// Records `settlement` on `id` if it is still in `sending`, creating the follow-up message
    /// (if any, and if absent) in the same write. `false` when it was not in `sending`: nothing
    /// was changed.
    async fn settle(&self, id: &str, settlement: &Settlement) -> StoreResult<bool>;
    /// Blanks the recipient, subject and text ([`crate::notify::retention::redacted`]) of up to
    /// `limit` messages that became final before `before`, longest final first, recording
    /// `now`; how many. Each message once.
    async fn redact_final(&self, before: DateTime<Utc>, now: DateTime<Utc>, limit: usize) -> StoreResult<usize>;
}

/// Fixed-window counters for caps and rate limits.
#[async_trait]
pub trait Limits: Send + Sync {
    /// Counts one use, unless its window's `max` uses are counted already: then nothing is
    /// counted and it answers `false`.
    async fn take(&self, limit: &LimitUse) -> StoreResult<bool>;
    /// Uses of `key` counted in the window that began at `window_start`.
    async fn used(&self, key: &str, window_start: DateTime<Utc>) -> StoreResult<u32>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("tạm thời không gửi được / temporary delivery failure: {0}")]
    Temporary(String),
    #[error("không thể gửi / permanent delivery failure: {0}")]
    Permanent(String),
    /// The provider may or may not have taken the message (its answer was lost): sending
    /// again could send it twice.
    #[error("không rõ đã gửi hay chưa / delivery outcome unknown: {0}")]
    Unknown(String),
}

impl NotifyError {
    /// What the failure means for the outbox, in a word: `temporary` (tried again),
    /// `permanent` (the other channel instead), `unknown` (never sent again).
    pub fn outcome(&self) -> &'static str {
        match self {
            NotifyError::Temporary(_) => "temporary",
            NotifyError::Permanent(_) => "permanent",
            NotifyError::Unknown(_) => "unknown",
        }
    }
}

/// A file a notice carries: the printed form of a refusal, a supplement request or an apology,
/// attached to the email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enclosure {
    /// For display only (ASCII, no path).
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// What a message carries besides its text, found when it is sent (the form is rendered from
/// the dossier's history up to the notice's event, so a later send gives the same file).
#[async_trait]
pub trait Enclosures: Send + Sync {
    async fn of(&self, message: &OutgoingMessage) -> Result<Vec<Enclosure>, NotifyError>;
}

/// No enclosures: for senders that have no forms to print (tests, tools).
pub struct NoEnclosures;

#[async_trait]
impl Enclosures for NoEnclosures {
    async fn of(&self, _: &OutgoingMessage) -> Result<Vec<Enclosure>, NotifyError> {
        Ok(Vec::new())
    }
}

/// Hands one message to its provider.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Returns the provider's message id. `enclosures` are attached to an email (an SMS
    /// carries none).
    async fn deliver(&self, message: &OutgoingMessage, enclosures: &[Enclosure]) -> Result<String, NotifyError>;
    /// Whether delivery receipts will follow an acceptance; if not, acceptance is delivery.
    fn awaits_delivery_reports(&self, _channel: crate::notify::MessageChannel) -> bool {
        false
    }
    /// Whether the provider recognises a message id it has already taken and does not send it
    /// again; only then may a message whose sender vanished mid-send be tried again.
    fn idempotent(&self) -> bool {
        false
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_records_of_the_old_shape_still_name_their_dossier() {
        let old = r#"{"scope":"submit","key":"k","request_hash":"h","status":201,
            "response":"{\"code\":\"000.00.03.H56-260302-0001\",\"status\":\"submitted\"}",
            "created_at":"2026-03-02T02:00:00Z"}"#;
        let record: IdempotencyRecord = serde_json::from_str(old).unwrap();
        assert_eq!(record.dossier.to_string(), "000.00.03.H56-260302-0001");
        let again: IdempotencyRecord = serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(again, record);
        let broken = old.replace("000.00.03.H56-260302-0001", "not a code");
        assert!(serde_json::from_str::<IdempotencyRecord>(&broken).is_err());
    }
}

/// Announced uploads: the records (the bytes are in a [`FileStore`]). A [`Commit`] attaches them.
#[async_trait]
pub trait UploadStore: Send + Sync {
    /// Records a new upload; its id is new.
    async fn announce(&self, upload: &Upload) -> StoreResult<()>;
    async fn upload(&self, id: &UploadId) -> StoreResult<Option<Upload>>;
    /// Marks a pending upload stored; `false` when it was not pending.
    async fn mark_stored(&self, id: &UploadId) -> StoreResult<bool>;
}

/// The applicants' document store (kho dữ liệu điện tử): read here, written by a [`Commit`].
#[async_trait]
pub trait StoredDocuments: Send + Sync {
    /// `owner`'s documents, the latest first, at most `limit`.
    async fn stored_documents(
        &self,
        owner: &crate::documents::Owner,
        limit: usize,
    ) -> StoreResult<Vec<crate::documents::StoredDocument>>;
    /// `owner`'s document `id`; `None` when there is none, or it is someone else's.
    async fn stored_document(
        &self,
        owner: &crate::documents::Owner,
        id: &UploadId,
    ) -> StoreResult<Option<crate::documents::StoredDocument>>;
}

/// An officer's password on one machine (the web console's sign-in): its hash and the failed
/// attempts since the last success, which lock the account for a while (see
/// [`crate::signin`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRecord {
    /// The argon2id hash in the PHC string format (never the password).
    pub hash: String,
    /// Failed attempts since the last success.
    pub failures: u32,
    /// When the last of them was.
    pub last_failure_at: Option<DateTime<Utc>>,
    /// When the officer last signed out (or had their password replaced): sessions issued
    /// until then, to the second, are over.
    pub sessions_ended_at: Option<DateTime<Utc>>,
}

/// Officers' passwords, for the web console's sign-in where no outside identity provider is.
#[async_trait]
pub trait OfficerPasswords: Send + Sync {
    async fn password(&self, officer: &OfficerId) -> StoreResult<Option<PasswordRecord>>;
    /// Sets the hash and clears the failures; replacing a password also ends the sessions
    /// issued so far (a first one has none to end: the store may be seeded while tokens are
    /// being issued).
    async fn set_password(&self, officer: &OfficerId, hash: &str) -> StoreResult<()>;
    /// Counts a failed attempt at `at`; the failures after it (0 when the officer has no password).
    async fn sign_in_failed(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<u32>;
    /// Clears the failures after a success.
    async fn signed_in(&self, officer: &OfficerId) -> StoreResult<()>;
    /// Ends the officer's sessions issued until `at` (signing out ends them everywhere).
    async fn end_sessions(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<()>;
}

/// The report counters, summed (written by a [`Commit`]'s `tally`).
#[async_trait]
pub trait ReportCounters: Send + Sync {
    /// The counters `query` names, summed over its days per agency, procedure and officer;
    /// none whose counts are all zero.
    async fn summed(&self, query: &crate::reports::TallyQuery) -> StoreResult<Vec<crate::reports::Summed>>;
}

/// How a client sends an upload's bytes: an HTTP request to make, with these headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UploadTarget {
    /// `PUT`.
    pub method: String,
    /// Absolute (a presigned S3 address) or relative to the API's root (one machine).
    pub url: String,
    /// Headers the request must carry exactly as given (they are part of the signature).
    pub headers: std::collections::BTreeMap<String, String>,
    pub expires_at: DateTime<Utc>,
}

/// What file storage holds for an announced upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// The bytes are there: the size, hash and type announced.
    Arrived,
    /// Nothing (or not yet everything) arrived.
    Missing,
    /// Bytes arrived that are not what was announced; they are removed.
    Refused(FileRefusal),
}

/// Where a stored file is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// A short-lived address the client fetches (a presigned S3 `GET`).
    Url { url: String, expires_at: DateTime<Utc> },
    /// A file on this machine, streamed by the server.
    Path(std::path::PathBuf),
}

/// What file storage holds for a file a dossier's history names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileCheck {
    /// There, with the size and SHA-256 the history recorded.
    Intact,
    Missing,
    /// There, but not the bytes the history recorded.
    Altered,
}

/// The bytes of files: an S3 bucket on AWS, a directory on one machine.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Where and how to send `upload`'s bytes, valid until the answer's `expires_at`.
    async fn target(&self, upload: &Upload, now: DateTime<Utc>) -> StoreResult<UploadTarget>;
    /// Whether `upload`'s bytes arrived and are what it announced.
    async fn arrival(&self, upload: &Upload) -> StoreResult<Arrival>;
    /// Keeps an arrived file for as long as a dossier holds it (uploads no filing used are
    /// deleted after a day); called before the commit that attaches it, so it may run twice.
    async fn keep(&self, file: &FileRef) -> StoreResult<()>;
    /// Where to read a kept file, offered for saving as `name`.
    async fn source(&self, file: &FileRef, name: &str, now: DateTime<Utc>) -> StoreResult<FileSource>;
    /// Whether a kept file is still the bytes recorded (one machine re-hashes it; S3 compares
    /// the checksum it computed when the object was written).
    async fn check(&self, file: &FileRef) -> StoreResult<FileCheck>;
    /// Keeps `bytes`, which came from elsewhere (a document another agency sent over the axis),
    /// as the file `file` describes (the caller checked its hash, size and type); keeping the
    /// same bytes again changes nothing.
    async fn put(&self, file: &FileRef, bytes: &[u8]) -> StoreResult<()>;
    /// Reads a kept file's bytes in order, handing each chunk to `sink` (which may refuse it).
    async fn read(&self, file: &FileRef, sink: &mut ChunkSink<'_>) -> StoreResult<()>;
    /// Offers `archive` (a finished file, positioned anywhere) for download as `name`: a
    /// short-lived address once uploaded (S3, under `exports/`, deleted after a day), or the file
    /// itself for the server to stream.
    async fn publish(&self, name: &str, archive: std::fs::File, now: DateTime<Utc>) -> StoreResult<Published>;
}

/// Takes a file's bytes chunk by chunk, in order; an error stops the reading.
pub type ChunkSink<'a> = dyn for<'b> FnMut(&'b [u8]) -> std::io::Result<()> + Send + 'a;

/// Where a published archive is read from.
#[derive(Debug)]
pub enum Published {
    /// A short-lived address the client fetches (a presigned S3 `GET`).
    Url { url: String, expires_at: DateTime<Utc> },
    /// The file itself (unnamed: gone from disk once closed), streamed by the server.
    File(std::fs::File),
}

/// The portal sync queue (`docs/integrations.md`): one item per committed transition, written by
/// the store in the same transaction as the transition (every [`DossierStore`] commit and
/// create); taken by one sender at a time through a claim, in order per dossier.
#[async_trait]
pub trait SyncQueue: Send + Sync {
    /// Pending items whose next attempt is due at `now`, soonest first.
    async fn due_items(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<crate::portal::SyncItem>>;
    /// Every item of one dossier, in event order.
    async fn sync_items(&self, code: &DossierCode) -> StoreResult<Vec<crate::portal::SyncItem>>;
    /// Takes pending item `seq` for one attempt (one more attempt counted) under `token` until
    /// `until`, unless another sender holds it or it is not due by `now`: then `None`.
    async fn claim_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<Option<crate::portal::SyncItem>>;
    /// Records what became of the attempt claimed under `token`, adding `tally` to the report
    /// counters in the same write (an acknowledgement's [`crate::portal::sync_tally`]); `false`
    /// (nothing changed, nothing counted) when the claim is no longer that.
    async fn settle_item(
        &self,
        code: &DossierCode,
        seq: u32,
        token: &str,
        settled: &crate::portal::Settled,
        tally: &[crate::reports::Tally],
    ) -> StoreResult<bool>;
    /// Holds the pending items after `head` back with it: parked behind a parked head, or due no
    /// sooner than a head waiting for its retry.
    async fn hold_behind(&self, head: &crate::portal::SyncItem) -> StoreResult<()>;
    /// Sends the dossier again from where it stands: parked items pending again (attempts
    /// reset) and, when nothing is left unacknowledged, event `latest` queued again (or queued
    /// for the first time). Whether anything was queued.
    async fn requeue(&self, code: &DossierCode, latest: u32, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Parked items (their dossiers' heads and those held behind them), oldest first.
    async fn parked_items(&self, limit: usize) -> StoreResult<Vec<crate::portal::SyncItem>>;
    async fn sync_counts(&self) -> StoreResult<crate::portal::SyncCounts>;
}

/// The national codes of local procedures, kept by administrators.
#[async_trait]
pub trait NationalCodes: Send + Sync {
    async fn national_code(&self, procedure: &str) -> StoreResult<Option<crate::portal::NationalCode>>;
    async fn put_national_code(&self, code: &crate::portal::NationalCode) -> StoreResult<()>;
    /// In procedure order, after `after`.
    async fn national_codes(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<crate::portal::NationalCode>>;
}

/// How the portal answered a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalAck {
    Accepted,
    /// It had the update already (an earlier attempt's answer was lost): as good as accepted.
    Duplicate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalError {
    /// Not reached, no answer in time, or an answer that is not the protocol's.
    #[error("không kết nối được Cổng DVC quốc gia / the national portal is unavailable: {0}")]
    Unavailable(String),
    /// An answer refusing the call, with the portal's code and message.
    #[error("Cổng DVC quốc gia từ chối / the national portal refused: {0}")]
    Refused(String),
}

/// What the portal holds of a dossier (its look-up call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalRecord {
    /// `TrangThaiHoSo`, 1–10.
    pub status: String,
}

/// The national public-service portal's dossier calls.
#[async_trait]
pub trait NationalPortal: Send + Sync {
    /// Sends one sync item: the dossier record, then its progress line if it has one.
    async fn send(&self, update: &crate::portal::Update) -> Result<PortalAck, PortalError>;
    /// What the portal holds of a dossier; `None` when it has never heard of it.
    async fn look_up(&self, code: &DossierCode) -> Result<Option<PortalRecord>, PortalError>;
}

/// Why the payment platform could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// Not reached, no answer in time, or an answer that is not the protocol's.
    #[error("không kết nối được nền tảng thanh toán / the payment platform is unavailable: {0}")]
    Unavailable(String),
    /// An answer refusing the call, with the platform's code and message.
    #[error("nền tảng thanh toán từ chối / the payment platform refused: {0}")]
    Refused(String),
}

/// The payment platform (`../shared/INTEGRATIONS.md` §2a): opening a transaction, asking how
/// one stands, and (with the partner's secret, which stays inside) judging its callbacks and
/// signing our replies.
#[async_trait]
pub trait PaymentPlatform: Send + Sync {
    /// Opens `t` at the platform (`INIT`); the page to send the payer to.
    async fn open(
        &self,
        t: &crate::payment::Transaction,
        order: &crate::payment::Order,
    ) -> Result<String, PaymentError>;
    /// How `reference` stands at the platform (`QUERY`).
    async fn status(&self, reference: &str) -> Result<crate::payment::QueryStatus, PaymentError>;
    /// Judges a callback about `t` (`None`: no such transaction of ours).
    fn judge(
        &self,
        t: Option<&crate::payment::Transaction>,
        callback: &crate::payment::Callback,
    ) -> Result<crate::payment::Verdict, crate::payment::Refusal>;
    /// Our signed answer to `callback`.
    fn reply(&self, callback: &crate::payment::Callback, taken: bool, now: DateTime<Utc>) -> serde_json::Value;
}

/// Why the postal operator could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostalError {
    /// Not reached, no answer in time, or an answer that is not the protocol's.
    #[error("không kết nối được bưu điện / the postal operator is unavailable: {0}")]
    Unavailable(String),
    /// An answer refusing the call, with the operator's code and message.
    #[error("bưu điện từ chối / the postal operator refused: {0}")]
    Refused(String),
}

/// The public postal operator (`../shared/INTEGRATIONS.md` §3): ordering the carriage of a
/// result, cancelling an order, and (with the shared secret, which stays inside) judging its
/// status callbacks.
#[async_trait]
pub trait PostalOperator: Send + Sync {
    /// Orders `order`; ordering the same reference again answers the same waybill.
    async fn order(&self, order: &crate::postal::PostalOrder) -> Result<crate::postal::OrderPlaced, PostalError>;
    /// Cancels the order `reference` (not yet collected).
    async fn cancel(&self, reference: &str) -> Result<(), PostalError>;
    /// The update a status callback proves (its body and signature header), or why it proves
    /// nothing.
    fn judge(&self, body: &[u8], signature: Option<&str>) -> Result<crate::postal::PostalUpdate, String>;
}

/// Why the document axis could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AxisError {
    /// Not reached, no answer in time, or an answer that is not the protocol's.
    #[error("không kết nối được trục liên thông / the document axis is unavailable: {0}")]
    Unavailable(String),
    /// An answer refusing the call (`status: FAIL`), with its code and description.
    #[error("trục liên thông từ chối / the document axis refused: {0}")]
    Refused(String),
}

/// What an axis message carries: a document (edXML package) or a status packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxisMessage {
    Document,
    Status,
}

impl AxisMessage {
    /// The `messagetype` header.
    pub fn as_str(self) -> &'static str {
        match self {
            AxisMessage::Document => "edoc",
            AxisMessage::Status => "status",
        }
    }
}

/// A message waiting for this system on the axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisWaiting {
    pub doc_id: String,
    pub from: String,
    pub kind: AxisMessage,
}

/// The national document axis (`../shared/INTEGRATIONS.md` §6): sending a package or a status
/// packet to agencies, listing what waits for this system, fetching one, and saying it was
/// taken (`done`) or refused (`fail`), which takes it off the list.
#[async_trait]
pub trait DocumentAxis: Send + Sync {
    /// Sends `bytes` (an edXML package or status packet) to the agencies `to`; the axis's DocId.
    async fn send(&self, to: &[String], kind: AxisMessage, bytes: Vec<u8>) -> Result<String, AxisError>;
    /// What waits for this system, of `kind`.
    async fn waiting(&self, kind: AxisMessage) -> Result<Vec<AxisWaiting>, AxisError>;
    /// The bytes of a waiting message.
    async fn fetch(&self, doc_id: &str) -> Result<Vec<u8>, AxisError>;
    /// Takes a message off the list: applied (`done`), or refused (`fail`).
    async fn settle(&self, doc_id: &str, applied: bool) -> Result<(), AxisError>;
}

/// What went over the document axis ([`crate::axis::journal`]): each entry kept once.
#[async_trait]
pub trait AxisJournal: Send + Sync {
    /// Notes `entry`; an entry at the same position is kept as it was.
    async fn note(&self, entry: &crate::axis::journal::JournalEntry) -> StoreResult<()>;
    /// Entries in the order they were noted, after the position `after`.
    async fn journal(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<crate::axis::journal::JournalEntry>>;
}

/// Finding dossiers by the terms they were filed under ([`crate::search`]).
#[async_trait]
pub trait DossierSearch: Send + Sync {
    /// Dossiers of `agency` filed under `term`, newest first, after the position `after`:
    /// (position, dossier) pairs.
    async fn filed_under(
        &self,
        agency: &AgencyCode,
        term: &crate::search::Term,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Dossier)>>;
    /// Files `d` under `terms` (again): for dossiers filed before they had terms; a term it is
    /// filed under already is left as it is.
    async fn file(&self, d: &Dossier, terms: &[crate::search::Term]) -> StoreResult<()>;
}

/// Payment transactions with the payment platform, by their reference (`MaThamChieu`).
#[async_trait]
pub trait PaymentStore: Send + Sync {
    /// Records a new transaction; [`StoreError::Conflict`] when its reference is taken.
    async fn open_transaction(&self, t: &crate::payment::Transaction) -> StoreResult<()>;
    async fn transaction(&self, reference: &str) -> StoreResult<Option<crate::payment::Transaction>>;
    /// A dossier's transactions, oldest first.
    async fn transactions_of(&self, dossier: &DossierCode) -> StoreResult<Vec<crate::payment::Transaction>>;
    /// Transactions still open that were opened before `before`, oldest first (for the status
    /// queries that find a payment whose callback was lost).
    async fn open_transactions(
        &self,
        before: DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Vec<crate::payment::Transaction>>;
    /// Writes `ended` (failed, or paid without a commit moving its dossier) over its record if
    /// that is still open; `false` (nothing changed) when it was not.
    async fn close_transaction(&self, ended: &crate::payment::Transaction) -> StoreResult<bool>;
}
