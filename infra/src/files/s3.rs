//! Files in an S3 bucket (the AWS home). An upload's bytes go straight from the client to
//! `uploads/<id>` through a presigned `PUT` whose signature fixes the length, the type and the
//! SHA-256 (S3 refuses a body that does not match); a lifecycle rule deletes that prefix after
//! a day. A filing keeps the file by copying it to `files/sha256/<hash>`, which nothing
//! expires; downloads are presigned `GET`s of that copy, five minutes long, named for saving.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{ChecksumAlgorithm, ChecksumMode};
use base64::Engine;
use chrono::{DateTime, Utc};
use motcua_domain::documents::{attachment, sniff, FileRef, FileRefusal, Sha256, Upload, SNIFF_HEAD, SNIFF_TAIL};
use motcua_domain::ports::{
    Arrival, ChunkSink, FileCheck, FileSource, FileStore, Published, StoreError, StoreResult, UploadTarget,
};

/// How long a presigned upload stays usable.
const UPLOAD_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How long a presigned download stays usable.
const DOWNLOAD_WINDOW: Duration = Duration::from_secs(5 * 60);
/// Where published archives go; the bucket's lifecycle rule deletes them after a day.
const EXPORTS: &str = "exports/";

#[derive(Debug, Clone)]
pub struct S3Files {
    client: aws_sdk_s3::Client,
    bucket: String,
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("file bucket: {e}"))
}

fn upload_key(upload: &Upload) -> String {
    format!("uploads/{}", upload.id)
}

fn kept_key(sha256: &Sha256) -> String {
    format!("files/sha256/{}", sha256.as_str())
}

fn base64_of(sha256: &Sha256) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha256.bytes())
}

impl S3Files {
    /// The bucket `bucket` through `config`; a local endpoint (moto) is addressed by path.
    pub fn new(config: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        let mut s3 = aws_sdk_s3::config::Builder::from(config)
            // Only the checksum we sign: no extra one computed over an empty presigned body.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            // Range reads are checked here, not against the whole object's checksum.
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if config.endpoint_url().is_some() {
            s3 = s3.force_path_style(true);
        }
        Self { client: aws_sdk_s3::Client::from_conf(s3.build()), bucket: bucket.into() }
    }

    /// Creates the bucket (tests against moto; the stack creates the real one).
    pub async fn create_bucket(&self) -> StoreResult<()> {
        let created = self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::ApSoutheast1)
                    .build(),
            )
            .send()
            .await;
        match created {
            Ok(_) => Ok(()),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_bucket_already_owned_by_you()) => Ok(()),
            Err(e) => Err(unavailable(aws_sdk_s3::error::DisplayErrorContext(e))),
        }
    }

    /// `len` bytes of `key` from `start`.
    async fn range(&self, key: &str, start: u64, len: u64) -> StoreResult<Vec<u8>> {
        let end = start + len.max(1) - 1;
        let out = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(format!("bytes={start}-{end}"))
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let bytes = out.body.collect().await.map_err(unavailable)?;
        Ok(bytes.into_bytes().to_vec())
    }

    async fn discard(&self, key: &str) {
        if let Err(e) = self.client.delete_object().bucket(&self.bucket).key(key).send().await {
            tracing::warn!(error = %aws_sdk_s3::error::DisplayErrorContext(e), "could not delete a refused upload");
        }
    }
}

#[async_trait]
impl FileStore for S3Files {
    async fn target(&self, upload: &Upload, now: DateTime<Utc>) -> StoreResult<UploadTarget> {
        let presigning = PresigningConfig::expires_in(UPLOAD_WINDOW).map_err(unavailable)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(upload_key(upload))
            .content_length(i64::try_from(upload.size).map_err(unavailable)?)
            .content_type(upload.media_type.mime())
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .checksum_sha256(base64_of(&upload.sha256))
            .presigned(presigning)
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let headers = request
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        Ok(UploadTarget {
            method: request.method().to_owned(),
            url: request.uri().to_owned(),
            headers,
            expires_at: now + chrono::Duration::from_std(UPLOAD_WINDOW).unwrap_or_default(),
        })
    }

    async fn arrival(&self, upload: &Upload) -> StoreResult<Arrival> {
        let key = upload_key(upload);
        let head =
            self.client.head_object().bucket(&self.bucket).key(&key).checksum_mode(ChecksumMode::Enabled).send().await;
        let head = match head {
            Ok(h) => h,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => return Ok(Arrival::Missing),
            Err(e) => return Err(unavailable(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        let size = head.content_length().and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
        let refused = if size != upload.size {
            Some(FileRefusal::SizeMismatch { declared: upload.size })
        } else if head.checksum_sha256() != Some(base64_of(&upload.sha256).as_str()) {
            Some(FileRefusal::ChecksumMismatch)
        } else {
            let first = self.range(&key, 0, size.min(SNIFF_HEAD as u64)).await?;
            let tail_len = size.min(SNIFF_TAIL as u64);
            let last = self.range(&key, size - tail_len, tail_len).await?;
            // S3 checked the signed checksum; a file read whole is checked here too.
            let whole_differs = tail_len == size && Sha256::of(&last) != upload.sha256;
            match sniff(&first, &last, size) {
                _ if whole_differs => Some(FileRefusal::ChecksumMismatch),
                Ok(found) if found == upload.media_type => None,
                Ok(found) => Some(FileRefusal::TypeMismatch { declared: upload.media_type, found }),
                Err(why) => Some(why),
            }
        };
        match refused {
            None => Ok(Arrival::Arrived),
            Some(why) => {
                self.discard(&key).await;
                Ok(Arrival::Refused(why))
            }
        }
    }

    async fn keep(&self, file: &FileRef) -> StoreResult<()> {
        let source = format!("{}/uploads/{}", self.bucket, file.id);
        self.client
            .copy_object()
            .bucket(&self.bucket)
            .key(kept_key(&file.sha256))
            .copy_source(source)
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    async fn check(&self, file: &FileRef) -> StoreResult<FileCheck> {
        let head = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(kept_key(&file.sha256))
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await;
        let head = match head {
            Ok(h) => h,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => return Ok(FileCheck::Missing),
            Err(e) => return Err(unavailable(aws_sdk_s3::error::DisplayErrorContext(e))),
        };
        let size = head.content_length().and_then(|n| u64::try_from(n).ok());
        let same = size == Some(file.size) && head.checksum_sha256() == Some(base64_of(&file.sha256).as_str());
        Ok(if same { FileCheck::Intact } else { FileCheck::Altered })
    }

    async fn source(&self, file: &FileRef, name: &str, now: DateTime<Utc>) -> StoreResult<FileSource> {
        let presigning = PresigningConfig::expires_in(DOWNLOAD_WINDOW).map_err(unavailable)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(kept_key(&file.sha256))
            .response_content_type(file.media_type.mime())
            .response_content_disposition(attachment(name))
            .presigned(presigning)
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(FileSource::Url {
            url: request.uri().to_owned(),
            expires_at: now + chrono::Duration::from_std(DOWNLOAD_WINDOW).unwrap_or_default(),
        })
    }

    async fn read(&self, file: &FileRef, sink: &mut ChunkSink<'_>) -> StoreResult<()> {
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(kept_key(&file.sha256))
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let mut body = object.body;
        while let Some(chunk) = body.try_next().await.map_err(unavailable)? {
            sink(&chunk).map_err(unavailable)?;
        }
        Ok(())
    }

    async fn put(&self, file: &FileRef, bytes: &[u8]) -> StoreResult<()> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(kept_key(&file.sha256))
            .content_type(file.media_type.mime())
            .checksum_sha256(base64_of(&file.sha256))
            .body(aws_sdk_s3::primitives::ByteStream::from(bytes.to_vec()))
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(())
    }

    /// Uploads the archive under `exports/` (the bucket's lifecycle rule deletes it after a day)
    /// and answers a presigned `GET` offering it as `name`.
    async fn publish(&self, name: &str, mut archive: std::fs::File, now: DateTime<Utc>) -> StoreResult<Published> {
        std::io::Seek::rewind(&mut archive).map_err(unavailable)?;
        let key = format!("{EXPORTS}{}-{name}", now.format("%Y%m%dT%H%M%S%.f"));
        let body = aws_sdk_s3::primitives::ByteStream::read_from()
            .file(tokio::fs::File::from_std(archive))
            .build()
            .await
            .map_err(unavailable)?;
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .content_type("application/zip")
            .body(body)
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        let presigning = PresigningConfig::expires_in(DOWNLOAD_WINDOW).map_err(unavailable)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .response_content_disposition(attachment(name))
            .presigned(presigning)
            .await
            .map_err(|e| unavailable(aws_sdk_s3::error::DisplayErrorContext(e)))?;
        Ok(Published::Url {
            url: request.uri().to_owned(),
            expires_at: now + chrono::Duration::from_std(DOWNLOAD_WINDOW).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use motcua_domain::documents::kind::samples;
    use motcua_domain::documents::MediaType;

    use super::*;
    use crate::aws::{local_config, moto_endpoint, unique_table};
    use crate::files::pending_upload as upload;

    async fn bucket() -> S3Files {
        let files = S3Files::new(&local_config(&moto_endpoint()), unique_table("files"));
        files.create_bucket().await.unwrap();
        files
    }

    /// Sends `body` as the presigned request says, on a blocking thread.
    async fn put(target: UploadTarget, body: Vec<u8>) -> u16 {
        tokio::task::spawn_blocking(move || {
            let mut request = ureq::put(&target.url);
            for (name, value) in &target.headers {
                if !name.eq_ignore_ascii_case("content-length") {
                    request = request.set(name, value);
                }
            }
            match request.send_bytes(&body) {
                Ok(r) => r.status(),
                Err(ureq::Error::Status(code, _)) => code,
                Err(_) => 0,
            }
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_presigned_upload_arrives_is_kept_and_read_back() {
        let files = bucket().await;
        let bytes = samples::pdf();
        let u = upload(&bytes, MediaType::Pdf);
        assert_eq!(files.arrival(&u).await.unwrap(), Arrival::Missing);
        let target = files.target(&u, Utc::now()).await.unwrap();
        assert_eq!(target.method, "PUT");
        assert!(target.headers.keys().any(|k| k.eq_ignore_ascii_case("x-amz-checksum-sha256")), "{:?}", target.headers);
        assert_eq!(put(target, bytes.clone()).await, 200);
        assert_eq!(files.arrival(&u).await.unwrap(), Arrival::Arrived);
        files.keep(&u.file()).await.unwrap();
        files.keep(&u.file()).await.unwrap();
        let FileSource::Url { url, .. } = files.source(&u.file(), "Tờ khai.pdf", Utc::now()).await.unwrap() else {
            panic!("S3 answers an address")
        };
        let (body, disposition) = tokio::task::spawn_blocking(move || {
            let r = ureq::get(&url).call().unwrap();
            let d = r.header("content-disposition").map(str::to_owned);
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut r.into_reader(), &mut body).unwrap();
            (body, d)
        })
        .await
        .unwrap();
        assert_eq!(body, bytes);
        assert_eq!(disposition.as_deref(), Some(attachment("Tờ khai.pdf").as_str()));
    }

    #[tokio::test]
    async fn bytes_that_are_not_what_was_announced_are_refused_and_removed() {
        let files = bucket().await;
        let bytes = samples::pdf();
        // Announced as PNG, sent as PDF (with the PNG upload's own signed headers).
        let lying = upload(&bytes, MediaType::Png);
        assert_eq!(put(files.target(&lying, Utc::now()).await.unwrap(), bytes.clone()).await, 200);
        assert_eq!(
            files.arrival(&lying).await.unwrap(),
            Arrival::Refused(FileRefusal::TypeMismatch { declared: MediaType::Png, found: MediaType::Pdf })
        );
        assert_eq!(files.arrival(&lying).await.unwrap(), Arrival::Missing, "the refused bytes are gone");
        // Other bytes than the checksum signed: S3 refuses the request, or the check does.
        let u = upload(&bytes, MediaType::Pdf);
        let mut other = bytes.clone();
        other[12] ^= 1;
        let status = put(files.target(&u, Utc::now()).await.unwrap(), other).await;
        let arrival = files.arrival(&u).await.unwrap();
        assert!(
            status >= 400 && arrival == Arrival::Missing || arrival == Arrival::Refused(FileRefusal::ChecksumMismatch),
            "{status} {arrival:?}"
        );
    }
}
