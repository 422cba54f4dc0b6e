//! Backups of a one-machine data directory (`docs/operations.md`).
//!
//! `motcua backup` writes one gzip-compressed tar: a consistent copy of the database taken
//! while the server writes, then every other file of the directory (the signing and lookup
//! keys, the stored files, the notification sink, providers' tokens), then [`MANIFEST`] naming
//! each entry with its size and SHA-256. Stored files are kept by content and are in place
//! before the database names them, so every file the copied database names is there when the
//! walk that follows the copy reaches it; a partial upload (`files/incoming`) is left out.
//!
//! `motcua restore` unpacks a backup into a new directory beside the target, checks every
//! entry against the manifest and the database with SQLite's integrity check, and only then
//! moves it into place: into an empty or missing directory, never over data.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, Utc};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use motcua_infra::sqlite::copies::{copy_database, integrity_problems, schema_version, CopyError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::server::{DATABASE, FILES};

/// The entry listing every other entry of a backup.
pub const MANIFEST: &str = "backup.json";
/// The layout of backups this build writes and reads.
const FORMAT: u32 = 1;
/// The largest manifest read (a million files take about 150 MB; far more than any year).
const MANIFEST_CAP: u64 = 256 << 20;

/// Why a backup or a restore did not happen. Nothing is left half-written either way.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}: {1}")]
    Io(String, io::Error),
    #[error("the database: {0}")]
    Database(#[from] CopyError),
    #[error("{0} exists already: give a new file name")]
    Exists(String),
    #[error("{0} is not empty: restore only into an empty or new directory")]
    NotEmpty(String),
    #[error("not a motcua backup: {0}")]
    NotBackup(String),
    #[error("the backup is damaged: {0}")]
    Damaged(String),
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> BackupError + '_ {
    move |e| BackupError::Io(path.display().to_string(), e)
}

/// What a backup holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    /// The database's schema version (SQLite migrations applied).
    pub schema_version: usize,
    pub motcua_version: String,
    pub entries: Vec<Entry>,
}

impl Manifest {
    pub fn bytes(&self) -> u64 {
        self.entries.iter().map(|e| e.size).sum()
    }
}

/// One file of a backup: its path under the data directory, size and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// A reader (or writer) passing bytes through, hashing and counting them.
struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    count: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Self { inner, hasher: Sha256::new(), count: 0 }
    }

    fn digest(self) -> (u64, String) {
        (self.count, motcua_domain::documents::Sha256::from_digest(&self.hasher.finalize()).as_str().to_owned())
    }
}

impl<T: Read> Read for Hashing<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

impl<T: Write> Write for Hashing<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The files of `data_dir` a backup takes besides the database, by their path under it:
/// regular files only, not the database's own files, partial uploads or work directories of
/// a backup or restore (the backup being written is in one until it is complete).
fn files_to_take(data_dir: &Path) -> Result<Vec<(PathBuf, String)>, BackupError> {
    let own =
        [DATABASE.to_owned(), format!("{DATABASE}-wal"), format!("{DATABASE}-shm"), format!("{DATABASE}-journal")];
    let incoming = Path::new(FILES).join("incoming");
    let mut out = vec![];
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let dir = data_dir.join(&relative);
        for entry in std::fs::read_dir(&dir).map_err(io_at(&dir))? {
            let entry = entry.map_err(io_at(&dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = relative.join(&name);
            let kind = entry.file_type().map_err(io_at(&dir))?;
            if name.starts_with(".motcua-") || path == incoming {
                continue;
            }
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() && !(relative.as_os_str().is_empty() && own.contains(&name)) {
                let text = path.to_str().map(|p| p.replace('\\', "/"));
                out.push((entry.path(), text.unwrap_or(name)));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(Utc::now().timestamp().max(0) as u64);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

/// Adds the file at `path` as `name`: as many bytes as it had when opened (a file that grows
/// meanwhile, the sink, is taken as it was).
fn add<W: Write>(tar: &mut tar::Builder<W>, path: &Path, name: &str) -> Result<Entry, BackupError> {
    let file = File::open(path).map_err(io_at(path))?;
    let size = file.metadata().map_err(io_at(path))?.len();
    let mut reader = Hashing::new(BufReader::new(file).take(size));
    tar.append_data(&mut header(size), name, &mut reader).map_err(io_at(path))?;
    let (count, sha256) = reader.digest();
    if count != size {
        return Err(BackupError::Io(path.display().to_string(), io::Error::other("the file shrank while it was read")));
    }
    Ok(Entry { path: name.to_owned(), size, sha256 })
}

/// Writes a backup of `data_dir` to the new file `to` (written beside it, then renamed: a
/// backup that did not finish leaves nothing under its name). `progress` hears each file.
pub fn backup(data_dir: &Path, to: &Path, progress: &dyn Fn(&Entry)) -> Result<Manifest, BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.display().to_string()));
    }
    let parent = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let work = tempfile::Builder::new().prefix(".motcua-backup-").tempdir_in(&parent).map_err(io_at(&parent))?;
    let copy = work.path().join(DATABASE);
    copy_database(&data_dir.join(DATABASE), &copy)?;
    let (schema, _) = schema_version(&copy)?;
    let partial = work.path().join("backup.tar.gz");
    let out = File::create(&partial).map_err(io_at(&partial))?;
    let mut tar = tar::Builder::new(GzEncoder::new(BufWriter::new(out), Compression::fast()));
    let mut entries = vec![add(&mut tar, &copy, DATABASE)?];
    progress(&entries[0]);
    std::fs::remove_file(&copy).map_err(io_at(&copy))?;
    for (path, name) in files_to_take(data_dir)? {
        let entry = add(&mut tar, &path, &name)?;
        progress(&entry);
        entries.push(entry);
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: Utc::now(),
        schema_version: schema,
        motcua_version: env!("CARGO_PKG_VERSION").to_owned(),
        entries,
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Io(MANIFEST.into(), e.into()))?;
    tar.append_data(&mut header(text.len() as u64), MANIFEST, text.as_slice()).map_err(io_at(&partial))?;
    let written = tar
        .into_inner()
        .and_then(GzEncoder::finish)
        .and_then(|w| w.into_inner().map_err(io::IntoInnerError::into_error))
        .map_err(io_at(&partial))?;
    written.sync_all().map_err(io_at(&partial))?;
    std::fs::rename(&partial, to).map_err(io_at(to))?;
    Ok(manifest)
}

/// The relative path an entry of an archive may have: plain names only (no root, no `..`).
fn safe_path(name: &str) -> Option<PathBuf> {
    let path = Path::new(name);
    let plain = path.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && !name.is_empty()).then(|| path.to_path_buf())
}

/// Whether `dir` is missing or empty.
fn is_empty_dir(dir: &Path) -> Result<bool, BackupError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(BackupError::Io(dir.display().to_string(), e)),
    }
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Unpacks the backup `from` into `data_dir`, which must be empty or missing.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Manifest, BackupError> {
    if !is_empty_dir(data_dir)? {
        return Err(BackupError::NotEmpty(data_dir.display().to_string()));
    }
    let target = std::path::absolute(data_dir).map_err(io_at(data_dir))?;
    let parent = target.parent().unwrap_or(Path::new("/")).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let work = tempfile::Builder::new().prefix(".motcua-restore-").tempdir_in(&parent).map_err(io_at(&parent))?;
    let file = File::open(from).map_err(io_at(from))?;
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::new(file)));
    let not_backup = |e: io::Error| BackupError::NotBackup(e.to_string());
    let (mut found, mut manifest): (BTreeMap<String, Entry>, Option<Manifest>) = (BTreeMap::new(), None);
    for entry in archive.entries().map_err(not_backup)? {
        let mut entry = entry.map_err(not_backup)?;
        let name = entry.path().map_err(not_backup)?.to_string_lossy().into_owned();
        let Some(relative) = safe_path(&name).filter(|_| entry.header().entry_type() == tar::EntryType::Regular) else {
            return Err(BackupError::Damaged(format!("entry `{name}` is not a plain file under the data directory")));
        };
        if name == MANIFEST {
            let mut text = vec![];
            entry.by_ref().take(MANIFEST_CAP).read_to_end(&mut text).map_err(not_backup)?;
            let read: Manifest = serde_json::from_slice(&text).map_err(|e| BackupError::NotBackup(e.to_string()))?;
            if read.format != FORMAT {
                return Err(BackupError::NotBackup(format!("format {} (this motcua reads {FORMAT})", read.format)));
            }
            manifest = Some(read);
            continue;
        }
        let dest = work.path().join(&relative);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(io_at(dir))?;
        }
        let mut out = Hashing::new(create_private(&dest).map_err(io_at(&dest))?);
        io::copy(&mut entry, &mut out).map_err(not_backup)?;
        out.inner.sync_all().map_err(io_at(&dest))?;
        let (size, sha256) = out.digest();
        found.insert(name.clone(), Entry { path: name, size, sha256 });
    }
    let manifest = manifest.ok_or_else(|| BackupError::NotBackup(format!("it has no {MANIFEST}")))?;
    for listed in &manifest.entries {
        match found.remove(&listed.path) {
            Some(read) if &read == listed => {}
            Some(_) => return Err(BackupError::Damaged(format!("`{}` differs from its manifest", listed.path))),
            None => return Err(BackupError::Damaged(format!("`{}` is missing", listed.path))),
        }
    }
    if let Some(extra) = found.keys().next() {
        return Err(BackupError::Damaged(format!("`{extra}` is not in the manifest")));
    }
    let problems = integrity_problems(&work.path().join(DATABASE))?;
    if !problems.is_empty() {
        return Err(BackupError::Damaged(format!("the database: {}", problems.join("; "))));
    }
    if target.exists() {
        std::fs::remove_dir(&target).map_err(io_at(&target))?;
    }
    let unpacked = work.keep();
    std::fs::rename(&unpacked, &target).map_err(io_at(&target))?;
    Ok(manifest)
}
