//! Reading entries out of a ZIP archive held in memory (an uploaded XLSX workbook): the central
//! directory found from its end record, each entry stored or deflated. Every entry is inflated
//! under a cap, so a small file that would expand without end (a "zip bomb") is refused rather
//! than read. No ZIP64, no encryption: a workbook needs neither.

use std::io::Read;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;

/// Why an archive cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnzipError {
    #[error("not a ZIP archive (an XLSX workbook is one)")]
    NotZip,
    #[error("the archive is damaged: {0}")]
    Damaged(&'static str),
    #[error("entry `{0}` is encrypted or uses an unsupported compression")]
    Unsupported(String),
    #[error("entry `{0}` expands past {1} bytes")]
    TooLarge(String, u64),
}

/// One entry of the directory.
struct Entry {
    name: String,
    method: u16,
    flags: u16,
    compressed: usize,
    offset: usize,
}

/// An archive's directory over its bytes.
pub struct Archive<'a> {
    bytes: &'a [u8],
    entries: Vec<Entry>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Archive<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, UnzipError> {
        if u32_at(bytes, 0) != Some(LOCAL_HEADER) {
            return Err(UnzipError::NotZip);
        }
        // The end record is the last 22 bytes, before a comment of at most 65,535.
        let lowest = bytes.len().saturating_sub(22 + 65_535);
        let end = (lowest..=bytes.len().saturating_sub(22))
            .rev()
            .find(|&at| u32_at(bytes, at) == Some(END_OF_CENTRAL_DIRECTORY))
            .ok_or(UnzipError::Damaged("no end of central directory"))?;
        let damaged = || UnzipError::Damaged("the central directory is out of bounds");
        let count = u16_at(bytes, end + 10).ok_or_else(damaged)? as usize;
        let mut at = u32_at(bytes, end + 16).ok_or_else(damaged)? as usize;
        let mut entries = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            if u32_at(bytes, at) != Some(CENTRAL_HEADER) {
                return Err(damaged());
            }
            let field = |o| u16_at(bytes, at + o).ok_or_else(damaged);
            let (flags, method) = (field(8)?, field(10)?);
            let compressed = u32_at(bytes, at + 20).ok_or_else(damaged)? as usize;
            let (name_len, extra_len, comment_len) = (field(28)? as usize, field(30)? as usize, field(32)? as usize);
            let offset = u32_at(bytes, at + 42).ok_or_else(damaged)? as usize;
            let name = bytes.get(at + 46..at + 46 + name_len).ok_or_else(damaged)?;
            let name = String::from_utf8_lossy(name).into_owned();
            entries.push(Entry { name, method, flags, compressed, offset });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(Self { bytes, entries })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    /// The entry `name`'s bytes, at most `cap` of them; `None` when there is no such entry.
    pub fn read(&self, name: &str, cap: u64) -> Result<Option<Vec<u8>>, UnzipError> {
        let Some(e) = self.entries.iter().find(|e| e.name == name) else { return Ok(None) };
        if e.flags & 1 != 0 || !matches!(e.method, 0 | 8) {
            return Err(UnzipError::Unsupported(e.name.clone()));
        }
        let damaged = UnzipError::Damaged("an entry is out of bounds");
        if u32_at(self.bytes, e.offset) != Some(LOCAL_HEADER) {
            return Err(damaged);
        }
        let name_len = u16_at(self.bytes, e.offset + 26).ok_or(damaged.clone())? as usize;
        let extra_len = u16_at(self.bytes, e.offset + 28).ok_or(damaged.clone())? as usize;
        let start = e.offset + 30 + name_len + extra_len;
        let data = self.bytes.get(start..start + e.compressed).ok_or(damaged.clone())?;
        let mut out = Vec::new();
        let read = match e.method {
            0 => data.take(cap + 1).read_to_end(&mut out),
            _ => flate2::read::DeflateDecoder::new(data).take(cap + 1).read_to_end(&mut out),
        };
        read.map_err(|_| UnzipError::Damaged("an entry does not inflate"))?;
        if out.len() as u64 > cap {
            return Err(UnzipError::TooLarge(e.name.clone(), cap));
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::super::zip::{Method, ZipWriter};
    use super::*;

    fn archive(entries: &[(&str, Method, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()), chrono::NaiveDateTime::default());
        for (name, method, bytes) in entries {
            zip.bytes(name, *method, bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn entries_read_back_as_written_and_a_bomb_is_refused() {
        let big = vec![b'a'; 1_000_000];
        let bytes = archive(&[
            ("a.xml", Method::Deflated, b"<x>1</x>"),
            ("b.bin", Method::Stored, b"raw"),
            ("big", Method::Deflated, &big),
        ]);
        let zip = Archive::open(&bytes).unwrap();
        assert_eq!(zip.names().collect::<Vec<_>>(), ["a.xml", "b.bin", "big"]);
        assert_eq!(zip.read("a.xml", 100).unwrap().unwrap(), b"<x>1</x>");
        assert_eq!(zip.read("b.bin", 100).unwrap().unwrap(), b"raw");
        assert_eq!(zip.read("none", 100).unwrap(), None);
        assert!(bytes.len() < 10_000, "a megabyte of one letter deflates small");
        assert_eq!(zip.read("big", 64_000), Err(UnzipError::TooLarge("big".into(), 64_000)));
        assert!(matches!(Archive::open(b"PK\x03\x04 not really"), Err(UnzipError::Damaged(_))));
        assert!(matches!(Archive::open(b"hello"), Err(UnzipError::NotZip)));
        let mut cut = bytes.clone();
        cut.truncate(bytes.len() - 30);
        assert!(Archive::open(&cut).is_err(), "a truncated archive");
    }
}
