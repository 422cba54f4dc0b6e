//! Documents (tài liệu): the files of a dossier. An upload is announced first (name, size, type
//! and SHA-256 fixed in advance), its bytes go straight to file storage (a presigned S3 URL on
//! AWS, a streamed `PUT` on one machine), and a filing then references it by id. A dossier and
//! its history keep a [`FileRef`] per attached file: the chain commits to every file's hash, so
//! a swapped file shows in `verify`.
//!
//! What is accepted is decided from the bytes, never from the name or the declared type
//! ([`kind::sniff`]); names are kept for display only.

pub mod kind;
pub mod limits;
mod result;
mod stored;
mod upload;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use kind::{sniff, MediaType, SNIFF_HEAD, SNIFF_TAIL};
pub use limits::FileLimits;
pub use result::{check_results, InvalidResult, ResultDocument, MAX_RESULTS};
pub use stored::{
    keeps_documents, kept, InvalidParticulars, Origin, Owner, Particulars, Provenance, Reused, StoredDocument,
};
pub use upload::{AttachRefusal, InvalidUploadId, Upload, UploadId, UploadState, Uploader, UPLOAD_LIFETIME};

/// Why a file, or a reference to one, is refused. Each has a stable code for the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    #[error("tệp rỗng / the file is empty")]
    Empty,
    #[error("tệp vượt quá {max} byte / the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("tổng dung lượng hồ sơ vượt quá {max} byte / the dossier's files exceed {max} bytes")]
    DossierTooLarge { max: u64 },
    #[error("không nhận tệp thực thi / executable files are not accepted")]
    Executable,
    #[error(
        "không nhận tệp nén lồng trong tài liệu hoặc macro / archives and macros inside documents are not accepted"
    )]
    NestedArchive,
    #[error("loại tệp không được chấp nhận (PDF, JPEG, PNG, DOCX, XLSX, ODT) / the file type is not accepted")]
    Unsupported,
    #[error("nội dung tệp là {found}, không phải {declared} / the file is {found}, not the {declared} declared")]
    TypeMismatch { declared: MediaType, found: MediaType },
    #[error("tệp không đúng kích thước đã khai ({declared} byte) / the file is not the {declared} bytes declared")]
    SizeMismatch { declared: u64 },
    #[error("mã SHA-256 của tệp không khớp / the file's SHA-256 does not match the one declared")]
    ChecksumMismatch,
    #[error("tên tệp không hợp lệ / the file name is not acceptable: {0}")]
    BadName(&'static str),
    #[error("mã SHA-256 không hợp lệ / sha256 must be 64 hexadecimal digits")]
    BadChecksum,
    #[error("mã tệp tải lên không hợp lệ / an upload id is 32 hexadecimal digits")]
    BadUploadId,
}

impl FileRefusal {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "file_empty",
            Self::TooLarge { .. } => "file_too_large",
            Self::DossierTooLarge { .. } => "dossier_files_too_large",
            Self::Executable => "file_executable",
            Self::NestedArchive => "file_nested_archive",
            Self::Unsupported => "file_type_unsupported",
            Self::TypeMismatch { .. } => "file_type_mismatch",
            Self::SizeMismatch { .. } => "file_size_mismatch",
            Self::ChecksumMismatch => "file_checksum_mismatch",
            Self::BadName(_) => "invalid_file_name",
            Self::BadChecksum => "invalid_sha256",
            Self::BadUploadId => "invalid_upload_id",
        }
    }
}

/// A SHA-256 digest as 64 lower-case hexadecimal digits.
/// (Described as a plain string wherever it appears in the API.)
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256(String);

impl Sha256 {
    pub fn parse(text: &str) -> Result<Self, FileRefusal> {
        let t = text.trim();
        if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(FileRefusal::BadChecksum);
        }
        Ok(Self(t.to_ascii_lowercase()))
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        use sha2::Digest;
        Self::from_digest(&sha2::Sha256::digest(bytes))
    }

    /// The hexadecimal form of a finished digest.
    pub fn from_digest(digest: &[u8]) -> Self {
        Self(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digest's 32 bytes (S3 wants them in base64).
    pub fn bytes(&self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, pair) in self.0.as_bytes().chunks(2).enumerate() {
            let text = std::str::from_utf8(pair).unwrap_or("00");
            out[i] = u8::from_str_radix(text, 16).unwrap_or(0);
        }
        out
    }
}

text_newtype!(Sha256, FileRefusal);

/// A stored file as a dossier and its history keep it: which upload, its hash, size and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FileRef {
    #[schema(value_type = String)]
    pub id: UploadId,
    #[schema(value_type = String, example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: Sha256,
    pub size: u64,
    pub media_type: MediaType,
}

/// Checks a display name: kept for people, never used as a path, so only what would mislead or
/// break a header is refused (control characters, path separators, `.`/`..`, over 200 bytes).
pub fn check_display_name(name: &str) -> Result<(), FileRefusal> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FileRefusal::BadName("empty"));
    }
    if name.len() > 200 {
        return Err(FileRefusal::BadName("longer than 200 bytes"));
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(FileRefusal::BadName("control characters"));
    }
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(FileRefusal::BadName("a path, not a name"));
    }
    Ok(())
}

/// `Content-Disposition` for saving a file as `name` (RFC 6266): an ASCII fallback without
/// diacritics and the exact name in UTF-8, so Vietnamese names survive every browser.
pub fn attachment(name: &str) -> String {
    let ascii: String = crate::text::strip_diacritics(name)
        .chars()
        .map(|c| if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '%' | ';') || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_download_keeps_its_vietnamese_name_and_cannot_break_the_header() {
        assert_eq!(
            attachment("Tờ khai.pdf"),
            "attachment; filename=\"To khai.pdf\"; filename*=UTF-8''T%E1%BB%9D%20khai.pdf"
        );
        let tricky = attachment("a\"; filename=evil.exe");
        assert!(tricky.starts_with("attachment; filename=\"a__ filename=evil.exe\";"), "{tricky}");
    }

    #[test]
    fn a_checksum_is_64_hex_digits_kept_in_lower_case() {
        let s = Sha256::parse("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08").unwrap();
        assert_eq!(s, Sha256::of(b"test"));
        assert_eq!(s.bytes()[0], 0x9f);
        assert_eq!(Sha256::parse("abc"), Err(FileRefusal::BadChecksum));
        assert_eq!(Sha256::parse(&"g".repeat(64)), Err(FileRefusal::BadChecksum));
    }

    #[test]
    fn names_are_for_display_and_never_paths() {
        assert!(check_display_name("Tờ khai đăng ký hộ kinh doanh.pdf").is_ok());
        for bad in ["", "../etc/passwd", "a/b.pdf", "a\\b.pdf", "..", "tab\there.pdf", &"x".repeat(201)] {
            assert!(check_display_name(bad).is_err(), "{bad:?}");
        }
    }
}
