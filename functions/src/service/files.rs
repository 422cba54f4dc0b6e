//! Files: announcing an upload, receiving its bytes (one machine), attaching uploads to a
//! filing or supplement, and finding a dossier's file for a download.

use http_body_util::BodyExt;
use motcua_domain::documents::{
    check_display_name, AttachRefusal, FileRef, FileRefusal, MediaType, Sha256, Upload, UploadId, UploadState, Uploader,
};
use motcua_domain::lifecycle::{Dossier, SubmittedDocument};
use motcua_domain::ports::{Arrival, FileSource, StoreError, UploadTarget};
use motcua_infra::files::ReceiveError;

use super::input::DocumentInput;
use super::{Refused, ServiceResult};
use crate::extract::ClientAddress;
use crate::state::AppState;

/// What a client says of a file before sending it.
pub struct Announcement {
    pub file_name: String,
    pub size: u64,
    pub media_type: MediaType,
    pub sha256: Sha256,
}

/// Records a new upload by `uploader` (an applicant's counts against their address's limit)
/// and answers where to send its bytes.
pub async fn announce(
    state: &AppState,
    a: Announcement,
    uploader: Uploader,
    client: Option<&ClientAddress>,
) -> ServiceResult<(Upload, UploadTarget)> {
    let file_name = a.file_name.trim().to_owned();
    check_display_name(&file_name)?;
    state.file_limits.check_file(a.size)?;
    let now = state.clock.now();
    if let Some(client) = client {
        let limit = state.public_limits.uploads.use_of(format!("uploads:{}", client.0), now);
        if !state.limits.take(&limit).await? {
            let retry = (limit.window_start + limit.window - now).num_seconds();
            return Err(Refused::TooManyUploads { retry_after_seconds: retry });
        }
    }
    let upload = Upload {
        id: UploadId::from_random(rand::random()),
        uploader,
        file_name,
        size: a.size,
        media_type: a.media_type,
        sha256: a.sha256,
        created_at: now,
        state: UploadState::Pending,
    };
    state.uploads.announce(&upload).await?;
    let target = state.files.target(&upload, now).await?;
    Ok((upload, target))
}

fn parse_id(text: &str) -> ServiceResult<UploadId> {
    UploadId::parse(text).map_err(|_| FileRefusal::BadUploadId.into())
}

/// The upload `id`, its arrival checked when still pending (on AWS the bytes go to S3 and
/// nothing tells the API: whoever reads the upload first notices them).
pub async fn upload(state: &AppState, id: &str) -> ServiceResult<Upload> {
    let id = parse_id(id)?;
    let upload = state.uploads.upload(&id).await?.ok_or(Refused::UploadNotFound)?;
    arrived(state, upload).await
}

async fn arrived(state: &AppState, mut upload: Upload) -> ServiceResult<Upload> {
    if upload.state != UploadState::Pending {
        return Ok(upload);
    }
    match state.files.arrival(&upload).await? {
        Arrival::Missing => Ok(upload),
        Arrival::Refused(why) => Err(why.into()),
        Arrival::Arrived => {
            state.uploads.mark_stored(&upload.id).await?;
            upload.state = UploadState::Stored;
            Ok(upload)
        }
    }
}

/// Receives the bytes of upload `id` from `body` into the data directory (one machine).
pub async fn receive(state: &AppState, id: &str, body: axum::body::Body) -> ServiceResult<Upload> {
    let local = state.local_files.as_ref().ok_or(Refused::UploadNotFound)?;
    let id = parse_id(id)?;
    let mut upload = state.uploads.upload(&id).await?.ok_or(Refused::UploadNotFound)?;
    if upload.state != UploadState::Pending {
        return Err(Refused::UploadAlreadyReceived);
    }
    if state.clock.now() >= upload.expires_at() {
        return Err(AttachRefusal::Expired(id).into());
    }
    let failed = |e: ReceiveError| match e {
        ReceiveError::Refused(why) => Refused::File(why),
        ReceiveError::Io(e) => StoreError::Unavailable(format!("file store: {e}")).into(),
    };
    let mut incoming = local.begin(&upload).await.map_err(failed)?;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        // A client that stops sending ends here; the partial file goes with `incoming`.
        let frame = frame.map_err(|_| FileRefusal::SizeMismatch { declared: upload.size })?;
        if let Some(chunk) = frame.data_ref() {
            incoming.write(chunk).await.map_err(failed)?;
        }
    }
    incoming.finish().await.map_err(failed)?;
    state.uploads.mark_stored(&upload.id).await?;
    upload.state = UploadState::Stored;
    tracing::info!(upload = %upload.id, size = upload.size, "upload received");
    Ok(upload)
}

/// The documents of a filing or supplement, with the uploads they attach: each referenced
/// upload must have arrived, be `by`'s, match the `sha256` given and be used once. Their
/// files are kept before the commit that attaches them.
pub async fn documents(
    state: &AppState,
    inputs: Vec<DocumentInput>,
    by: &Uploader,
) -> ServiceResult<(Vec<SubmittedDocument>, Vec<Upload>)> {
    let now = state.clock.now();
    let mut documents = Vec::with_capacity(inputs.len());
    let mut attach: Vec<Upload> = Vec::new();
    for input in inputs {
        let reference = input.reference.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let component = input.component.trim().to_owned();
        let Some(id) = input.upload else {
            let file_name = input.file_name.unwrap_or_default().trim().to_owned();
            documents.push(SubmittedDocument { component, file_name, reference, file: None });
            continue;
        };
        let id = parse_id(&id)?;
        let sha256 = Sha256::parse(input.sha256.as_deref().unwrap_or(""))?;
        if attach.iter().any(|u| u.id == id) {
            return Err(AttachRefusal::Repeated(id).into());
        }
        let found = state.uploads.upload(&id).await?.ok_or_else(|| AttachRefusal::NotFound(id.clone()))?;
        let upload = arrived(state, found).await?;
        let file = upload.attachable(by, &sha256, now)?;
        state.files.keep(&file).await?;
        let file_name = input.file_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        documents.push(SubmittedDocument {
            component,
            file_name: file_name.unwrap_or_else(|| upload.file_name.clone()),
            reference,
            file: Some(file),
        });
        attach.push(upload);
    }
    Ok((documents, attach))
}

/// Checks that `adding` fits beside the files `d` holds.
pub fn check_dossier_size(state: &AppState, d: Option<&Dossier>, adding: &[Upload]) -> ServiceResult<()> {
    let held = d.into_iter().flat_map(|d| d.documents.iter().filter_map(|x| x.file.as_ref()));
    let adding: Vec<FileRef> = adding.iter().map(Upload::file).collect();
    Ok(state.file_limits.check_dossier(held, adding.iter())?)
}

/// The file `id` of dossier `d` with its display name, and where to read it.
pub async fn source(state: &AppState, d: &Dossier, id: &str) -> ServiceResult<(FileRef, String, FileSource)> {
    let id = UploadId::parse(id).map_err(|_| Refused::FileNotFound)?;
    let document =
        d.documents.iter().find(|doc| doc.file.as_ref().is_some_and(|f| f.id == id)).ok_or(Refused::FileNotFound)?;
    let file = document.file.clone().ok_or(Refused::FileNotFound)?;
    let source = state.files.source(&file, &document.file_name, state.clock.now()).await?;
    Ok((file, document.file_name.clone(), source))
}
