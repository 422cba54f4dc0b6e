//! A ZIP archive (APPNOTE 6.3) written to a seekable file: each entry stored (files and PDFs,
//! compressed already) or deflated (JSON, text), its local header patched with the CRC-32 and
//! sizes once its bytes have gone through, so bytes stream straight to the file and no data
//! descriptors are needed. Names are UTF-8 (flag bit 11). No ZIP64: a dossier's files are capped
//! far below 4 GiB, and an archive that would pass it is refused.

use std::io::{self, Seek, SeekFrom, Write};

use chrono::{Datelike, NaiveDateTime, Timelike};
use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIRECTORY: u32 = 0x0605_4b50;
/// Version 2.0: deflate.
const VERSION: u16 = 20;
/// General purpose flag bit 11: the name is UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
/// Where the CRC-32 sits in a local header.
const CRC_AT: u64 = 14;

/// How an entry's bytes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Stored = 0,
    Deflated = 8,
}

struct Entry {
    name: String,
    method: Method,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

/// Writes entries one after another, then the central directory.
pub struct ZipWriter<W: Write + Seek> {
    out: W,
    entries: Vec<Entry>,
    /// MS-DOS time and date every entry carries.
    stamp: (u16, u16),
    open: Option<Open>,
}

fn too_large() -> io::Error {
    io::Error::other("the archive would pass 4 GiB, which needs ZIP64")
}

fn u32_of(n: u64) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| too_large())
}

/// The entry being written.
struct Open {
    name: String,
    offset: u64,
    crc: Crc,
    written: u64,
}

impl<W: Write + Seek> ZipWriter<W> {
    /// A new archive whose entries are dated `modified` (local time, as ZIP keeps it).
    pub fn new(out: W, modified: NaiveDateTime) -> Self {
        let year = modified.year().clamp(1980, 2107) as u16;
        let time = (modified.hour() as u16) << 11 | (modified.minute() as u16) << 5 | (modified.second() as u16 / 2);
        let date = (year - 1980) << 9 | (modified.month() as u16) << 5 | modified.day() as u16;
        Self { out, entries: vec![], stamp: (time, date), open: None }
    }

    /// Starts a stored entry named `name`; its bytes follow with [`ZipWriter::write`], then
    /// [`ZipWriter::end`].
    pub fn begin(&mut self, name: &str) -> io::Result<()> {
        if self.open.is_some() {
            return Err(io::Error::other("an entry is still open"));
        }
        let offset = self.out.stream_position()?;
        self.local_header(name, Method::Stored, 0, 0, 0)?;
        self.open = Some(Open { name: name.to_owned(), offset, crc: Crc::new(), written: 0 });
        Ok(())
    }

    /// More bytes of the open entry.
    pub fn write(&mut self, buf: &[u8]) -> io::Result<()> {
        let open = self.open.as_mut().ok_or_else(|| io::Error::other("no entry is open"))?;
        self.out.write_all(buf)?;
        open.crc.update(buf);
        open.written += buf.len() as u64;
        Ok(())
    }

    /// Ends the open entry: its header gets its CRC-32 and sizes.
    pub fn end(&mut self) -> io::Result<()> {
        let open = self.open.take().ok_or_else(|| io::Error::other("no entry is open"))?;
        let size = u32_of(open.written)?;
        self.patch(open.name, Method::Stored, open.offset, open.crc.sum(), size, size)
    }

    /// Adds an entry holding `bytes`, deflated or stored.
    pub fn bytes(&mut self, name: &str, method: Method, bytes: &[u8]) -> io::Result<()> {
        let mut crc = Crc::new();
        crc.update(bytes);
        let size = u32_of(bytes.len() as u64)?;
        let deflated;
        let kept = match method {
            Method::Stored => bytes,
            Method::Deflated => {
                let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
                encoder.write_all(bytes)?;
                deflated = encoder.finish()?;
                &deflated
            }
        };
        let offset = self.out.stream_position()?;
        let compressed = u32_of(kept.len() as u64)?;
        self.local_header(name, method, crc.sum(), compressed, size)?;
        self.out.write_all(kept)?;
        self.entries.push(Entry {
            name: name.to_owned(),
            method,
            crc: crc.sum(),
            compressed,
            size,
            offset: u32_of(offset)?,
        });
        Ok(())
    }

    fn patch(
        &mut self,
        name: String,
        method: Method,
        offset: u64,
        crc: u32,
        compressed: u32,
        size: u32,
    ) -> io::Result<()> {
        let end = self.out.stream_position()?;
        self.out.seek(SeekFrom::Start(offset + CRC_AT))?;
        for n in [crc, compressed, size] {
            self.out.write_all(&n.to_le_bytes())?;
        }
        self.out.seek(SeekFrom::Start(end))?;
        self.entries.push(Entry { name, method, crc, compressed, size, offset: u32_of(offset)? });
        Ok(())
    }

    fn local_header(&mut self, name: &str, method: Method, crc: u32, compressed: u32, size: u32) -> io::Result<()> {
        let name_len = u16::try_from(name.len()).map_err(|_| io::Error::other("an entry name over 64 KiB"))?;
        let (time, date) = self.stamp;
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend(LOCAL_HEADER.to_le_bytes());
        for n in [VERSION, UTF8_NAMES, method as u16, time, date] {
            h.extend(n.to_le_bytes());
        }
        for n in [crc, compressed, size] {
            h.extend(n.to_le_bytes());
        }
        h.extend(name_len.to_le_bytes());
        h.extend(0u16.to_le_bytes());
        h.extend(name.as_bytes());
        self.out.write_all(&h)
    }

    /// Writes the central directory; the archive is complete.
    pub fn finish(mut self) -> io::Result<W> {
        if self.open.is_some() {
            return Err(io::Error::other("an entry is still open"));
        }
        let start = self.out.stream_position()?;
        let (time, date) = self.stamp;
        for e in &self.entries {
            let mut h = Vec::with_capacity(46 + e.name.len());
            h.extend(CENTRAL_HEADER.to_le_bytes());
            // Made by: Unix (3), version 2.0; the mode below is a regular file, rw-r--r--.
            for n in [0x0300 | VERSION, VERSION, UTF8_NAMES, e.method as u16, time, date] {
                h.extend(n.to_le_bytes());
            }
            for n in [e.crc, e.compressed, e.size] {
                h.extend(n.to_le_bytes());
            }
            for n in [e.name.len() as u16, 0, 0, 0, 0] {
                h.extend(n.to_le_bytes());
            }
            h.extend((0o100_644u32 << 16).to_le_bytes());
            h.extend(e.offset.to_le_bytes());
            h.extend(e.name.as_bytes());
            self.out.write_all(&h)?;
        }
        let end = self.out.stream_position()?;
        let count = u16::try_from(self.entries.len()).map_err(|_| io::Error::other("over 65,535 entries"))?;
        let mut eocd = Vec::with_capacity(22);
        eocd.extend(END_OF_CENTRAL_DIRECTORY.to_le_bytes());
        for n in [0u16, 0, count, count] {
            eocd.extend(n.to_le_bytes());
        }
        eocd.extend(u32_of(end - start)?.to_le_bytes());
        eocd.extend(u32_of(start)?.to_le_bytes());
        eocd.extend(0u16.to_le_bytes());
        self.out.write_all(&eocd)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes an archive and has Python's `zipfile` (an independent reader) list and test it.
    #[test]
    fn an_independent_reader_reads_back_every_entry() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        let file = std::fs::File::create(&path).unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(14, 30, 12).unwrap();
        let mut zip = ZipWriter::new(file, at);
        let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let json = br#"{"code": "000.00.03.H56-261201-0001"}"#;
        zip.bytes("hồ sơ/dossier.json", Method::Deflated, json).unwrap();
        zip.begin("hồ sơ/files/big.bin").unwrap();
        for chunk in big.chunks(8192) {
            zip.write(chunk).unwrap();
        }
        zip.end().unwrap();
        zip.bytes("hồ sơ/empty.txt", Method::Deflated, b"").unwrap();
        zip.finish().unwrap();
        let script = r#"
import sys, zipfile, hashlib
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
for i in z.infolist():
    print(i.filename, i.compress_type, i.file_size, i.date_time, hashlib.sha256(z.read(i)).hexdigest())
"#;
        let out = std::process::Command::new("python3").args(["-c", script]).arg(&path).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let listed = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = listed.lines().collect();
        assert_eq!(lines.len(), 3, "{listed}");
        let first = format!("hồ sơ/dossier.json 8 {} (2026, 12, 1, 14, 30, 12)", json.len());
        assert!(lines[0].starts_with(&first), "{listed}");
        let sha = motcua_domain::documents::Sha256::of(&big);
        assert_eq!(lines[1], format!("hồ sơ/files/big.bin 0 300000 (2026, 12, 1, 14, 30, 12) {}", sha.as_str()));
        assert!(lines[2].starts_with("hồ sơ/empty.txt 8 0"), "{listed}");
    }
}
