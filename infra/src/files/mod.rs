//! File storage: a directory on one machine ([`LocalFiles`]); an S3 bucket on AWS.

mod local;
mod s3;

pub use local::{Incoming, LocalFiles, ReceiveError};
pub use s3::S3Files;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::documents::{FileRef, Upload};
use motcua_domain::ports::{Arrival, FileCheck, FileSource, FileStore, StoreError, StoreResult, UploadTarget};

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
}
