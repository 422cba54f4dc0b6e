//! What a file is, from its bytes: the first [`SNIFF_HEAD`] bytes name PDF, JPEG and PNG, and
//! an office document is a ZIP whose central directory (in the last [`SNIFF_TAIL`] bytes) names
//! its main part. Executables, archives, macros and anything unnamed are refused; nothing is
//! decompressed, so a crafted archive costs nothing to look at.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FileRefusal;

/// How much of a file's start [`sniff`] reads.
pub const SNIFF_HEAD: usize = 4096;
/// How much of a file's end [`sniff`] reads (an office document's central directory).
pub const SNIFF_TAIL: usize = 128 * 1024;

/// The accepted kinds of file, as their media types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum MediaType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
    #[serde(rename = "application/vnd.oasis.opendocument.text")]
    Odt,
}

impl MediaType {
    pub const ALL: [MediaType; 6] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Docx, Self::Xlsx, Self::Odt];

    /// The media type, as `Content-Type` carries it.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
        }
    }

    pub fn from_mime(text: &str) -> Option<Self> {
        let bare = text.split(';').next().unwrap_or("").trim();
        Self::ALL.into_iter().find(|m| m.mime().eq_ignore_ascii_case(bare))
    }

    /// The usual file extension, for names of exported files.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Odt => "odt",
        }
    }
}

impl std::fmt::Display for MediaType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.extension().to_ascii_uppercase())
    }
}

const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";

/// What `head` (the file's first bytes) and `tail` (its last bytes, up to [`SNIFF_TAIL`]; the
/// same bytes again for a small file) say the file of `size` bytes is.
pub fn sniff(head: &[u8], tail: &[u8], size: u64) -> Result<MediaType, FileRefusal> {
    if size == 0 || head.is_empty() {
        return Err(FileRefusal::Empty);
    }
    const EXECUTABLES: &[&[u8]] = &[
        b"MZ",
        b"\x7fELF",
        b"#!",
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
        b"\xca\xfe\xba\xbe",
        b"\0asm",
    ];
    if EXECUTABLES.iter().any(|m| head.starts_with(m)) {
        return Err(FileRefusal::Executable);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaType::Png);
    }
    if head.starts_with(b"\xff\xd8\xff") {
        return Ok(MediaType::Jpeg);
    }
    // Readers accept the header anywhere in the first kilobyte.
    if find(&head[..head.len().min(1024)], b"%PDF-").is_some() {
        return Ok(MediaType::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") {
        return office(head, tail, size);
    }
    Err(FileRefusal::Unsupported)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

/// The entry names of a ZIP's central directory, read from its tail; `None` when the directory
/// is not there whole (a truncated or ZIP64 file, or a directory larger than the tail).
fn entry_names(tail: &[u8], size: u64) -> Option<Vec<&[u8]>> {
    // The end record is the last thing in the file, after at most 64 KiB of comment.
    let search_from = tail.len().saturating_sub(22 + 65535);
    let end = (search_from..tail.len().saturating_sub(21)).rev().find(|&i| tail[i..].starts_with(b"PK\x05\x06"))?;
    let entries = u16_at(tail, end + 10)?;
    let dir_size = u32_at(tail, end + 12)?;
    let dir_offset = u32_at(tail, end + 16)?;
    let tail_start = size.checked_sub(tail.len() as u64)?;
    let start = usize::try_from(dir_offset.checked_sub(tail_start)?).ok()?;
    let dir = tail.get(start..start.checked_add(usize::try_from(dir_size).ok()?)?)?;
    let mut names = Vec::with_capacity(entries);
    let mut at = 0;
    for _ in 0..entries {
        if !dir.get(at..)?.starts_with(b"PK\x01\x02") {
            return None;
        }
        let (name_len, extra, comment) = (u16_at(dir, at + 28)?, u16_at(dir, at + 30)?, u16_at(dir, at + 32)?);
        names.push(dir.get(at + 46..at + 46 + name_len)?);
        at += 46 + name_len + extra + comment;
    }
    Some(names)
}

/// Entries no document needs: archives, executables and scripts, and VBA macros.
fn is_forbidden_entry(name: &[u8]) -> bool {
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    const ENDINGS: &[&str] = &[
        ".zip",
        ".rar",
        ".7z",
        ".gz",
        ".tgz",
        ".tar",
        ".bz2",
        ".xz",
        ".cab",
        ".jar",
        ".exe",
        ".dll",
        ".msi",
        ".bat",
        ".cmd",
        ".ps1",
        ".vbs",
        ".js",
        ".scr",
        ".com",
        ".sh",
        "vbaproject.bin",
    ];
    ENDINGS.iter().any(|e| name.ends_with(e))
}

fn office(head: &[u8], tail: &[u8], size: u64) -> Result<MediaType, FileRefusal> {
    let names = entry_names(tail, size).ok_or(FileRefusal::Unsupported)?;
    if names.iter().any(|n| is_forbidden_entry(n)) {
        return Err(FileRefusal::NestedArchive);
    }
    let has = |wanted: &[u8]| names.contains(&wanted);
    // ODF: the first entry is `mimetype`, stored, holding the type (so it sits at byte 38).
    if head.get(30..38) == Some(b"mimetype") && head.get(38..38 + ODT_MIMETYPE.len()) == Some(ODT_MIMETYPE) {
        return Ok(MediaType::Odt);
    }
    if has(b"[Content_Types].xml") && has(b"word/document.xml") {
        return Ok(MediaType::Docx);
    }
    if has(b"[Content_Types].xml") && has(b"xl/workbook.xml") {
        return Ok(MediaType::Xlsx);
    }
    Err(FileRefusal::Unsupported)
}

/// Small files for tests of every home: the smallest file of each kind that [`sniff`] accepts.
pub mod samples {
    /// A ZIP of `entries` (name, content), stored without compression.
    pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut dir = Vec::new();
        for (name, data) in entries {
            let offset = out.len() as u32;
            let header = |sig: &[u8], central: bool| {
                let mut h = sig.to_vec();
                if central {
                    h.extend_from_slice(&20u16.to_le_bytes());
                }
                h.extend_from_slice(&20u16.to_le_bytes());
                h.extend_from_slice(&[0; 8]); // flags, method (stored), time, date
                h.extend_from_slice(&0u32.to_le_bytes()); // CRC, unchecked here
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes());
                if central {
                    h.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
                    h.extend_from_slice(&0u32.to_le_bytes());
                    h.extend_from_slice(&offset.to_le_bytes());
                }
                h.extend_from_slice(name.as_bytes());
                h
            };
            out.extend(header(b"PK\x03\x04", false));
            out.extend_from_slice(data);
            dir.extend(header(b"PK\x01\x02", true));
        }
        let dir_offset = out.len() as u32;
        out.extend_from_slice(&dir);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(dir.len() as u32).to_le_bytes());
        out.extend_from_slice(&dir_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    pub fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
    }

    pub fn png() -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend_from_slice(&[0; 32]);
        b
    }

    pub fn docx() -> Vec<u8> {
        zip(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")])
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{docx, pdf, png, zip};
    use super::*;

    fn kind(bytes: &[u8]) -> Result<MediaType, FileRefusal> {
        let tail = &bytes[bytes.len().saturating_sub(SNIFF_TAIL)..];
        sniff(&bytes[..bytes.len().min(SNIFF_HEAD)], tail, bytes.len() as u64)
    }

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(kind(&pdf()), Ok(MediaType::Pdf));
        assert_eq!(kind(&png()), Ok(MediaType::Png));
        assert_eq!(kind(b"\xff\xd8\xff\xe0\0\x10JFIF"), Ok(MediaType::Jpeg));
        assert_eq!(kind(&docx()), Ok(MediaType::Docx));
        let xlsx = zip(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(kind(&xlsx), Ok(MediaType::Xlsx));
        let odt = zip(&[("mimetype", ODT_MIMETYPE), ("content.xml", b"<office:document-content/>")]);
        assert_eq!(kind(&odt), Ok(MediaType::Odt));
    }

    #[test]
    fn what_is_not_a_document_is_refused_with_its_reason() {
        assert_eq!(kind(b""), Err(FileRefusal::Empty));
        assert_eq!(kind(b"MZ\x90\0 this program cannot be run in DOS mode"), Err(FileRefusal::Executable));
        assert_eq!(kind(b"\x7fELF\x02\x01\x01"), Err(FileRefusal::Executable));
        assert_eq!(kind(b"#!/bin/sh\nrm -rf /"), Err(FileRefusal::Executable));
        assert_eq!(kind(b"GIF89a"), Err(FileRefusal::Unsupported));
        assert_eq!(kind(b"Rar!\x1a\x07\0"), Err(FileRefusal::Unsupported));
        assert_eq!(kind(&zip(&[("a.txt", b"hello")])), Err(FileRefusal::Unsupported));
        let nested = zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x"), ("word/inner.zip", b"PK")]);
        assert_eq!(kind(&nested), Err(FileRefusal::NestedArchive));
        let macros = zip(&[("[Content_Types].xml", b"x"), ("word/document.xml", b"x"), ("word/vbaProject.bin", b"")]);
        assert_eq!(kind(&macros), Err(FileRefusal::NestedArchive));
    }

    #[test]
    fn a_cut_or_lying_zip_is_not_an_office_document() {
        let whole = docx();
        assert_eq!(kind(&whole[..whole.len() - 10]), Err(FileRefusal::Unsupported));
        // The directory claims an offset outside the file.
        let mut bad = whole.clone();
        let n = bad.len();
        bad[n - 6..n - 2].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(kind(&bad), Err(FileRefusal::Unsupported));
        // A tail shorter than the directory: the tail does not hold the whole of it.
        assert_eq!(sniff(&whole, &whole[whole.len() - 30..], whole.len() as u64), Err(FileRefusal::Unsupported));
    }

    #[test]
    fn any_bytes_are_looked_at_without_panicking() {
        for len in 0..200usize {
            let junk: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend(&junk);
            zipped.extend(b"PK\x05\x06");
            zipped.extend(&junk);
            let _ = kind(&junk);
            let _ = kind(&zipped);
        }
    }

    #[test]
    fn media_types_read_back_from_their_names() {
        for m in MediaType::ALL {
            assert_eq!(MediaType::from_mime(m.mime()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!(m.mime()));
        }
        assert_eq!(MediaType::from_mime("application/pdf; charset=binary"), Some(MediaType::Pdf));
        assert_eq!(MediaType::from_mime("text/html"), None);
    }
}
