//! An upload: a file announced before its bytes arrive, and who may attach it to a filing.
//! Its id is 128 random bits, a capability: only whoever announced it knows it until a
//! dossier holds it, and once attached it belongs to that dossier alone.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{FileRef, MediaType, Sha256};
use crate::catalogue::OfficerId;
use crate::codes::DossierCode;

/// How long an announced upload may wait for its bytes and then for a filing to use it.
pub const UPLOAD_LIFETIME: Duration = Duration::hours(24);

/// An upload's id: 32 lower-case hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UploadId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã tệp tải lên không hợp lệ / an upload id is 32 hexadecimal digits")]
pub struct InvalidUploadId;

impl UploadId {
    pub fn parse(text: &str) -> Result<Self, InvalidUploadId> {
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(InvalidUploadId);
        }
        Ok(Self(text.to_owned()))
    }

    /// The id of 16 random bytes (the caller draws them: the domain has no randomness).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_newtype!(UploadId, InvalidUploadId);

/// Who announced an upload, and so who may attach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Uploader {
    /// Anyone holding the id: an applicant, or a portal on their behalf.
    Public,
    /// An officer scanning at the desk or attaching a result.
    Officer {
        #[schema(value_type = String)]
        id: OfficerId,
    },
}

/// Where an upload stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum UploadState {
    /// Announced; its bytes have not arrived (or not been checked).
    Pending,
    /// Its bytes arrived and matched the announcement.
    Stored,
    /// A dossier holds it.
    Attached {
        #[schema(value_type = String)]
        dossier: DossierCode,
    },
}

impl UploadState {
    /// The state's name, as stores index it and the API shows it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Stored => "stored",
            Self::Attached { .. } => "attached",
        }
    }
}

/// An announced file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub id: UploadId,
    pub uploader: Uploader,
    /// For display only.
    pub file_name: String,
    pub size: u64,
    /// The type declared; the bytes must be of it.
    pub media_type: MediaType,
    pub sha256: Sha256,
    pub created_at: DateTime<Utc>,
    pub state: UploadState,
}

/// Why a filing may not attach an upload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachRefusal {
    #[error("không có tệp tải lên {0} / no upload {0}")]
    NotFound(UploadId),
    #[error("tệp {0} chưa tải lên xong / the upload {0} has not been completed")]
    Incomplete(UploadId),
    #[error("tệp {0} đã hết hạn, vui lòng tải lại / the upload {0} expired; upload it again")]
    Expired(UploadId),
    #[error("tệp {0} do người khác tải lên / the upload {0} was made by someone else")]
    NotYours(UploadId),
    #[error("tệp {0} đã thuộc một hồ sơ khác / the upload {0} already belongs to a dossier")]
    AlreadyAttached(UploadId),
    #[error("mã SHA-256 của tệp {0} không khớp / the sha256 given for {0} is not the upload's")]
    ChecksumMismatch(UploadId),
    #[error("một tệp được dùng hai lần / the upload {0} is referenced twice")]
    Repeated(UploadId),
}

impl AttachRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "upload_not_found",
            Self::Incomplete(_) => "upload_incomplete",
            Self::Expired(_) => "upload_expired",
            Self::NotYours(_) => "upload_not_yours",
            Self::AlreadyAttached(_) => "upload_already_attached",
            Self::ChecksumMismatch(_) => "upload_checksum_mismatch",
            Self::Repeated(_) => "upload_repeated",
        }
    }
}

impl Upload {
    /// When an upload no filing used is forgotten.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.created_at + UPLOAD_LIFETIME
    }

    /// The file as a dossier keeps it.
    pub fn file(&self) -> FileRef {
        FileRef { id: self.id.clone(), sha256: self.sha256.clone(), size: self.size, media_type: self.media_type }
    }

    /// Whether `by` may attach this upload, referenced with `sha256`, at `now`.
    pub fn attachable(&self, by: &Uploader, sha256: &Sha256, now: DateTime<Utc>) -> Result<FileRef, AttachRefusal> {
        let id = || self.id.clone();
        match self.state {
            UploadState::Attached { .. } => return Err(AttachRefusal::AlreadyAttached(id())),
            UploadState::Pending if now < self.expires_at() => return Err(AttachRefusal::Incomplete(id())),
            _ if now >= self.expires_at() => return Err(AttachRefusal::Expired(id())),
            _ => {}
        }
        if &self.uploader != by {
            return Err(AttachRefusal::NotYours(id()));
        }
        if &self.sha256 != sha256 {
            return Err(AttachRefusal::ChecksumMismatch(id()));
        }
        Ok(self.file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(state: UploadState) -> Upload {
        Upload {
            id: UploadId::from_random([7; 16]),
            uploader: Uploader::Public,
            file_name: "to-khai.pdf".into(),
            size: 10,
            media_type: MediaType::Pdf,
            sha256: Sha256::of(b"x"),
            created_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
            state,
        }
    }

    #[test]
    fn only_a_stored_unexpired_upload_of_the_same_uploader_and_hash_attaches() {
        let u = upload(UploadState::Stored);
        let soon = u.created_at + Duration::hours(1);
        let hash = Sha256::of(b"x");
        assert_eq!(u.attachable(&Uploader::Public, &hash, soon).unwrap().sha256, hash);
        assert_eq!(
            u.attachable(&Uploader::Public, &Sha256::of(b"y"), soon).unwrap_err().code(),
            "upload_checksum_mismatch"
        );
        let officer = Uploader::Officer { id: OfficerId::parse("cb-01").unwrap() };
        assert_eq!(u.attachable(&officer, &hash, soon).unwrap_err().code(), "upload_not_yours");
        assert_eq!(u.attachable(&Uploader::Public, &hash, u.expires_at()).unwrap_err().code(), "upload_expired");
        let pending = upload(UploadState::Pending);
        assert_eq!(pending.attachable(&Uploader::Public, &hash, soon).unwrap_err().code(), "upload_incomplete");
        let code = DossierCode::parse("000.00.01.H29-260301-0001").unwrap();
        let held = upload(UploadState::Attached { dossier: code });
        assert_eq!(held.attachable(&Uploader::Public, &hash, soon).unwrap_err().code(), "upload_already_attached");
    }

    #[test]
    fn ids_are_32_hex_digits() {
        assert!(UploadId::parse(UploadId::from_random([255; 16]).as_str()).is_ok());
        for bad in ["", "../../etc", &"A".repeat(32), &"0".repeat(31)] {
            assert!(UploadId::parse(bad).is_err());
        }
    }
}
