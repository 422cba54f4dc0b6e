//! Files on one machine, under `files/` in the data directory, by content:
//! `files/sha256/<first two digits>/<the 64 digits>`. An upload streams into
//! `files/incoming/<id>.<random>.part`, hashed as it arrives; it is renamed into place only
//! when complete and equal to what was announced (size, SHA-256, type from its bytes), after
//! `fsync`. A partial file is never visible under a hash, and one left by a crash is removed
//! when the store opens.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::documents::{sniff, FileRef, FileRefusal, Sha256, Upload, SNIFF_HEAD, SNIFF_TAIL};
use motcua_domain::ports::{
    Arrival, ChunkSink, FileCheck, FileSource, FileStore, Published, StoreError, StoreResult, UploadTarget,
};
use sha2::Digest;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

/// Why an upload's bytes were not kept.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error(transparent)]
    Refused(#[from] FileRefusal),
    #[error("cannot write the file: {0}")]
    Io(#[from] std::io::Error),
}

impl LocalFiles {
    /// Opens (creating) the file store under `root`, removing partial uploads a crash left:
    /// those untouched for an hour (a command opening the store of a running server, `motcua
    /// check` say, leaves the uploads in flight alone).
    pub fn open(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        const STALE: std::time::Duration = std::time::Duration::from_secs(3600);
        let root = root.into();
        std::fs::create_dir_all(root.join("sha256"))?;
        let incoming = root.join("incoming");
        std::fs::create_dir_all(&incoming)?;
        for entry in std::fs::read_dir(&incoming)? {
            let entry = entry?;
            let idle = entry.metadata()?.modified()?.elapsed().unwrap_or_default();
            if entry.path().extension().is_some_and(|e| e == "part") && idle >= STALE {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(Self { root })
    }

    /// Where the file of `sha256` is kept.
    pub fn path_of(&self, sha256: &Sha256) -> PathBuf {
        let hex = sha256.as_str();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    /// Starts receiving `upload`'s bytes.
    pub async fn begin(&self, upload: &Upload) -> Result<Incoming, ReceiveError> {
        let part = self.root.join("incoming").join(format!("{}.{:016x}.part", upload.id, rand::random::<u64>()));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&part).await?;
        Ok(Incoming {
            file: Some(file),
            part,
            target: self.path_of(&upload.sha256),
            hasher: sha2::Sha256::new(),
            written: 0,
            head: Vec::with_capacity(SNIFF_HEAD),
            upload: upload.clone(),
        })
    }

    /// Reads every kept file back: how many there are, and those whose bytes no longer hash to
    /// their name (a failing disk, a hand edit) or that have no hash for a name; blocking.
    pub fn verify_all(&self) -> std::io::Result<(usize, Vec<PathBuf>)> {
        let (mut count, mut damaged) = (0, vec![]);
        for shard in std::fs::read_dir(self.root.join("sha256"))? {
            let shard = shard?.path();
            if !shard.is_dir() {
                damaged.push(shard);
                continue;
            }
            for file in std::fs::read_dir(&shard)? {
                let path = file?.path();
                count += 1;
                let named = path.file_name().and_then(|n| n.to_str()).and_then(|n| Sha256::parse(n).ok());
                let intact = match named {
                    Some(expected) => {
                        let mut hasher = sha2::Sha256::new();
                        std::io::copy(&mut std::fs::File::open(&path)?, &mut hasher)?;
                        Sha256::from_digest(&hasher.finalize()) == expected
                    }
                    None => false,
                };
                if !intact {
                    damaged.push(path);
                }
            }
        }
        damaged.sort();
        Ok((count, damaged))
    }

    /// Removes the file of `sha256` (no upload names it any more); blocking.
    pub fn remove(&self, sha256: &str) -> std::io::Result<()> {
        let sha256 = Sha256::parse(sha256).map_err(std::io::Error::other)?;
        match std::fs::remove_file(self.path_of(&sha256)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// An upload being received. Dropped before [`Incoming::finish`], its partial file is removed.
pub struct Incoming {
    file: Option<tokio::fs::File>,
    part: PathBuf,
    target: PathBuf,
    hasher: sha2::Sha256,
    written: u64,
    head: Vec<u8>,
    upload: Upload,
}

impl Incoming {
    /// Appends `chunk`; refuses as soon as the bytes pass the announced size.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), ReceiveError> {
        self.written += chunk.len() as u64;
        if self.written > self.upload.size {
            return Err(FileRefusal::SizeMismatch { declared: self.upload.size }.into());
        }
        if self.head.len() < SNIFF_HEAD {
            let take = (SNIFF_HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        let file = self.file.as_mut().ok_or_else(|| std::io::Error::other("upload already finished"))?;
        file.write_all(chunk).await?;
        Ok(())
    }

    /// Checks the whole file against the announcement and puts it in place, durably.
    pub async fn finish(mut self) -> Result<FileRef, ReceiveError> {
        let upload = self.upload.clone();
        if self.written != upload.size {
            return Err(FileRefusal::SizeMismatch { declared: upload.size }.into());
        }
        if Sha256::from_digest(&self.hasher.clone().finalize()) != upload.sha256 {
            return Err(FileRefusal::ChecksumMismatch.into());
        }
        let mut file = self.file.take().ok_or_else(|| std::io::Error::other("upload already finished"))?;
        file.flush().await?;
        file.sync_all().await?;
        drop(file);
        let (part, head, size) = (self.part.clone(), std::mem::take(&mut self.head), upload.size);
        let found = tokio::task::spawn_blocking(move || -> std::io::Result<_> {
            let tail = read_tail(&part, size)?;
            Ok(sniff(&head, &tail, size))
        })
        .await
        .map_err(std::io::Error::other)??;
        let found = found?;
        if found != upload.media_type {
            return Err(FileRefusal::TypeMismatch { declared: upload.media_type, found }.into());
        }
        let dir = self.target.parent().map(Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir).await?;
        // The same bytes may be there already (another upload of the same file): the rename
        // replaces them with themselves.
        tokio::fs::rename(&self.part, &self.target).await?;
        self.part = PathBuf::new();
        tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
            .await
            .map_err(std::io::Error::other)??;
        Ok(upload.file())
    }
}

fn read_tail(path: &Path, size: u64) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    let len = size.min(SNIFF_TAIL as u64);
    f.seek(SeekFrom::Start(size - len))?;
    let mut tail = Vec::with_capacity(len as usize);
    f.take(len).read_to_end(&mut tail)?;
    Ok(tail)
}

impl Drop for Incoming {
    fn drop(&mut self) {
        if !self.part.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn target(&self, upload: &Upload, _now: DateTime<Utc>) -> StoreResult<UploadTarget> {
        Ok(UploadTarget {
            method: "PUT".into(),
            url: format!("/v1/uploads/{}/content", upload.id),
            headers: [("Content-Type".to_owned(), upload.media_type.mime().to_owned())].into(),
            expires_at: upload.expires_at(),
        })
    }

    /// Bytes arrive here only through [`Incoming`], which marks the upload stored itself:
    /// a pending upload has nothing (even when another upload holds the same bytes, which
    /// knowing a hash must not buy).
    async fn arrival(&self, _upload: &Upload) -> StoreResult<Arrival> {
        Ok(Arrival::Missing)
    }

    async fn keep(&self, file: &FileRef) -> StoreResult<()> {
        let meta = tokio::fs::metadata(self.path_of(&file.sha256)).await;
        match meta {
            Ok(m) if m.len() == file.size => Ok(()),
            Ok(_) => Err(StoreError::Corrupt(format!("the file {} has the wrong size", file.sha256))),
            Err(e) => Err(StoreError::Unavailable(format!("the file {}: {e}", file.sha256))),
        }
    }

    async fn source(&self, file: &FileRef, _name: &str, _now: DateTime<Utc>) -> StoreResult<FileSource> {
        Ok(FileSource::Path(self.path_of(&file.sha256)))
    }

    async fn read(&self, file: &FileRef, sink: &mut ChunkSink<'_>) -> StoreResult<()> {
        use tokio::io::AsyncReadExt;
        let failed = |e: std::io::Error| StoreError::Unavailable(format!("the file {}: {e}", file.sha256));
        let mut f = tokio::fs::File::open(self.path_of(&file.sha256)).await.map_err(failed)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf).await.map_err(failed)?;
            if n == 0 {
                return Ok(());
            }
            sink(&buf[..n]).map_err(failed)?;
        }
    }

    async fn put(&self, file: &FileRef, bytes: &[u8]) -> StoreResult<()> {
        let failed = |e: std::io::Error| StoreError::Unavailable(format!("the file {}: {e}", file.sha256));
        let target = self.path_of(&file.sha256);
        let part = self.root.join("incoming").join(format!("{}.{:016x}.part", file.id, rand::random::<u64>()));
        let dir = target.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut out = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&part).await.map_err(failed)?;
        out.write_all(bytes).await.map_err(failed)?;
        out.sync_all().await.map_err(failed)?;
        drop(out);
        tokio::fs::create_dir_all(&dir).await.map_err(failed)?;
        // The same bytes may be there already: the rename replaces them with themselves.
        tokio::fs::rename(&part, &target).await.map_err(failed)?;
        tokio::task::spawn_blocking(move || std::fs::File::open(&dir)?.sync_all())
            .await
            .map_err(std::io::Error::other)
            .and_then(|r| r)
            .map_err(failed)
    }

    /// On one machine the server streams the file itself.
    async fn publish(&self, _name: &str, archive: std::fs::File, _now: DateTime<Utc>) -> StoreResult<Published> {
        Ok(Published::File(archive))
    }

    async fn check(&self, file: &FileRef) -> StoreResult<FileCheck> {
        let path = self.path_of(&file.sha256);
        let file = file.clone();
        let checked = tokio::task::spawn_blocking(move || -> std::io::Result<FileCheck> {
            let mut f = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileCheck::Missing),
                Err(e) => return Err(e),
            };
            let mut hasher = sha2::Sha256::new();
            let size = std::io::copy(&mut f, &mut hasher)?;
            let same = size == file.size && Sha256::from_digest(&hasher.finalize()) == file.sha256;
            Ok(if same { FileCheck::Intact } else { FileCheck::Altered })
        });
        checked
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use motcua_domain::documents::kind::samples;
    use motcua_domain::documents::MediaType;

    use super::*;
    use crate::files::pending_upload as upload;

    fn parts(dir: &Path) -> usize {
        std::fs::read_dir(dir.join("incoming")).unwrap().count()
    }

    #[tokio::test]
    async fn a_whole_matching_upload_lands_under_its_hash_in_any_chunking() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::open(dir.path()).unwrap();
        let bytes = samples::pdf();
        let u = upload(&bytes, MediaType::Pdf);
        let mut incoming = files.begin(&u).await.unwrap();
        for chunk in bytes.chunks(7) {
            incoming.write(chunk).await.unwrap();
        }
        let file = incoming.finish().await.unwrap();
        assert_eq!(std::fs::read(files.path_of(&file.sha256)).unwrap(), bytes);
        assert_eq!(parts(dir.path()), 0);
        files.keep(&file).await.unwrap();
    }

    #[tokio::test]
    async fn what_differs_from_the_announcement_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::open(dir.path()).unwrap();
        let bytes = samples::pdf();
        let refused = |e: ReceiveError| match e {
            ReceiveError::Refused(r) => r.code(),
            ReceiveError::Io(e) => panic!("{e}"),
        };
        // Too many bytes, too few, other bytes, another type than declared.
        let mut long = files.begin(&upload(&bytes, MediaType::Pdf)).await.unwrap();
        long.write(&bytes).await.unwrap();
        assert_eq!(refused(long.write(b"x").await.unwrap_err()), "file_size_mismatch");
        drop(long);
        let mut short = files.begin(&upload(&bytes, MediaType::Pdf)).await.unwrap();
        short.write(&bytes[..10]).await.unwrap();
        assert_eq!(refused(short.finish().await.unwrap_err()), "file_size_mismatch");
        let mut other = files.begin(&upload(&bytes, MediaType::Pdf)).await.unwrap();
        let mut changed = bytes.clone();
        changed[20] ^= 1;
        other.write(&changed).await.unwrap();
        assert_eq!(refused(other.finish().await.unwrap_err()), "file_checksum_mismatch");
        let mut lying = files.begin(&upload(&bytes, MediaType::Png)).await.unwrap();
        lying.write(&bytes).await.unwrap();
        assert_eq!(refused(lying.finish().await.unwrap_err()), "file_type_mismatch");
        // Abandoned half way.
        let mut abandoned = files.begin(&upload(&bytes, MediaType::Pdf)).await.unwrap();
        abandoned.write(&bytes[..5]).await.unwrap();
        drop(abandoned);
        assert_eq!(parts(dir.path()), 0);
        assert!(!files.path_of(&Sha256::of(&bytes)).exists());
        assert!(!files.path_of(&Sha256::of(&changed)).exists());
    }

    #[tokio::test]
    async fn partial_files_a_crash_left_are_removed_on_opening() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::open(dir.path()).unwrap();
        let mut incoming = files.begin(&upload(&samples::pdf(), MediaType::Pdf)).await.unwrap();
        incoming.write(b"%PDF").await.unwrap();
        // tokio's file writes in the background: the write must be done before the part's time
        // is set back below, or it would stamp the part fresh again after.
        incoming.file.as_mut().unwrap().flush().await.unwrap();
        let part = incoming.part.clone();
        std::mem::forget(incoming); // as if the process died here
        assert_eq!(parts(dir.path()), 1);
        LocalFiles::open(dir.path()).unwrap();
        assert_eq!(parts(dir.path()), 1, "a part written just now may be an upload in flight");
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        std::fs::File::options().write(true).open(&part).unwrap().set_modified(two_hours_ago).unwrap();
        LocalFiles::open(dir.path()).unwrap();
        assert_eq!(parts(dir.path()), 0);
    }
}
