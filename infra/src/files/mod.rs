//! File storage: a directory on one machine ([`LocalFiles`]); an S3 bucket on AWS.

mod local;
mod s3;

pub use local::{Incoming, LocalFiles, ReceiveError};
pub use s3::S3Files;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::documents::{FileRef, Upload};
use motcua_domain::ports::{
    Arrival, ChunkSink, FileCheck, FileSource, FileStore, Published, StoreError, StoreResult, UploadTarget,
};

/// A pending upload of `bytes` by the public, announced now, for the tests of the stores.
#[cfg(any(test, feature = "test-support"))]
pub fn pending_upload(bytes: &[u8], media_type: motcua_domain::documents::MediaType) -> Upload {
    use motcua_domain::documents::{Sha256, UploadId, UploadState, Uploader};
    Upload {
        id: UploadId::from_random(rand::random()),
        uploader: Uploader::Public,
        file_name: "Tờ khai.pdf".into(),
        size: bytes.len() as u64,
        media_type,
        sha256: Sha256::of(bytes),
        created_at: Utc::now(),
        state: UploadState::Pending,
    }
}

/// The file store of a Lambda whose routes never touch files (assign, approve, rate, admin):
/// it links no S3 client, and answers "unavailable" should a route ever ask.
pub struct NoFiles;

fn none<T>() -> StoreResult<T> {
    Err(StoreError::Unavailable("this function keeps no files".into()))
}

#[async_trait]
impl FileStore for NoFiles {
    async fn target(&self, _: &Upload, _: DateTime<Utc>) -> StoreResult<UploadTarget> {
        none()
    }
    async fn arrival(&self, _: &Upload) -> StoreResult<Arrival> {
        none()
    }
    async fn keep(&self, _: &FileRef) -> StoreResult<()> {
        none()
    }
    async fn source(&self, _: &FileRef, _: &str, _: DateTime<Utc>) -> StoreResult<FileSource> {
        none()
    }
    async fn check(&self, _: &FileRef) -> StoreResult<FileCheck> {
        none()
    }
    async fn read(&self, _: &FileRef, _: &mut ChunkSink<'_>) -> StoreResult<()> {
        none()
    }
    async fn put(&self, _: &FileRef, _: &[u8]) -> StoreResult<()> {
        none()
    }
    async fn publish(&self, _: &str, _: std::fs::File, _: DateTime<Utc>) -> StoreResult<Published> {
        none()
    }
}
