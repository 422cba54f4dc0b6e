//! Files: announcing an upload, receiving its bytes (one machine), attaching uploads to a
//! filing or supplement, and finding a dossier's file for a download.

use http_body_util::BodyExt;
use motcua_domain::documents::{
    check_display_name, AttachRefusal, FileRef, FileRefusal, MediaType, Owner, ResultDocument, Reused, Sha256,
    StoredDocument, Upload, UploadId, UploadState, Uploader,
};
use motcua_domain::lifecycle::{Dossier, SubmittedDocument};
use motcua_domain::ports::{Arrival, FileSource, StoreError, UploadTarget};
use motcua_infra::files::ReceiveError;

use super::input::{DocumentInput, ResultInput};
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

/// The upload `id` referenced with `sha256`, checked for attaching by `by` (arrived, theirs,
/// that hash, not already in `taken`) and its file kept before the commit that attaches it.
async fn attachable(
    state: &AppState,
    id: &str,
    sha256: Option<&str>,
    by: &Uploader,
    taken: &[Upload],
) -> ServiceResult<(FileRef, Upload)> {
    let id = parse_id(id)?;
    let sha256 = Sha256::parse(sha256.unwrap_or(""))?;
    if taken.iter().any(|u| u.id == id) {
        return Err(AttachRefusal::Repeated(id).into());
    }
    let found = state.uploads.upload(&id).await?.ok_or_else(|| AttachRefusal::NotFound(id.clone()))?;
    let upload = arrived(state, found).await?;
    let file = upload.attachable(by, &sha256, state.clock.now())?;
    state.files.keep(&file).await?;
    Ok((file, upload))
}

/// The documents of a filing or supplement, with the uploads they attach: each referenced
/// upload must have arrived, be `by`'s, match the `sha256` given and be used once; each reused
/// stored document must be `owner`'s and still valid. Only officers give particulars.
pub async fn documents(
    state: &AppState,
    inputs: Vec<DocumentInput>,
    by: &Uploader,
    owner: Option<&Owner>,
) -> ServiceResult<(Vec<SubmittedDocument>, Vec<Upload>)> {
    let mut documents: Vec<SubmittedDocument> = Vec::with_capacity(inputs.len());
    let mut attach: Vec<Upload> = Vec::new();
    for input in inputs {
        let reference = input.reference.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
        let component = input.component.trim().to_owned();
        let given_name = input.file_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let particulars = match (input.particulars, by) {
            (None, _) => None,
            (Some(_), Uploader::Public) => return Err(Refused::ParticularsFromDeskOnly),
            (Some(p), Uploader::Officer { .. }) => Some(p.checked()?),
        };
        let mut document = SubmittedDocument {
            component,
            file_name: given_name.clone().unwrap_or_default(),
            reference,
            file: None,
            particulars,
            reused: None,
        };
        match (input.upload, input.stored) {
            (Some(_), Some(_)) => return Err(Refused::DocumentFileAmbiguous),
            (Some(id), None) => {
                let (file, upload) = attachable(state, &id, input.sha256.as_deref(), by, &attach).await?;
                document.file_name = given_name.unwrap_or_else(|| upload.file_name.clone());
                document.file = Some(file);
                attach.push(upload);
            }
            (None, Some(id)) => {
                let record = reusable(state, &id, owner).await?;
                if documents.iter().any(|d| d.reused.as_ref().is_some_and(|r| r.id == record.id)) {
                    return Err(AttachRefusal::Repeated(record.id).into());
                }
                document.file_name = given_name.unwrap_or_else(|| record.name.clone());
                document.reference = document.reference.or_else(|| record.particulars.number.clone());
                document.particulars = Some(record.particulars.clone());
                document.reused = Some(Reused::of(&record));
                document.file = Some(record.file);
            }
            (None, None) => {}
        }
        documents.push(document);
    }
    Ok((documents, attach))
}

/// `owner`'s stored document `id`, valid today (Vietnam time).
async fn reusable(state: &AppState, id: &str, owner: Option<&Owner>) -> ServiceResult<StoredDocument> {
    let id = UploadId::parse(id).map_err(|_| Refused::StoredDocumentNotFound)?;
    let owner = owner.ok_or(Refused::StoredDocumentNotFound)?;
    let record = state.stored.stored_document(owner, &id).await?.ok_or(Refused::StoredDocumentNotFound)?;
    if !record.valid_on(motcua_domain::calendar::vietnam::to_local(state.clock.now()).date()) {
        return Err(Refused::StoredDocumentExpired);
    }
    Ok(record)
}

/// The result documents of an approval, with the uploads of their files (as for documents).
pub async fn results(
    state: &AppState,
    inputs: Vec<ResultInput>,
    by: &Uploader,
) -> ServiceResult<(Vec<ResultDocument>, Vec<Upload>)> {
    let mut results = Vec::with_capacity(inputs.len());
    let mut attach: Vec<Upload> = Vec::new();
    for r in inputs {
        let file = match &r.upload {
            Some(id) => {
                let (file, upload) = attachable(state, id, r.sha256.as_deref(), by, &attach).await?;
                attach.push(upload);
                Some(file)
            }
            None => None,
        };
        results.push(ResultDocument {
            name: r.name,
            number: r.number,
            notation: r.notation,
            issued_on: r.issued_on,
            signer: r.signer,
            valid_until: r.valid_until,
            issuer: r.issuer,
            file,
        });
    }
    Ok((results, attach))
}

/// Checks that `adding` fits beside the files `d` holds.
pub fn check_dossier_size(state: &AppState, d: Option<&Dossier>, adding: &[Upload]) -> ServiceResult<()> {
    let held = d.into_iter().flat_map(|d| d.documents.iter().filter_map(|x| x.file.as_ref()));
    let adding: Vec<FileRef> = adding.iter().map(Upload::file).collect();
    Ok(state.file_limits.check_dossier(held, adding.iter())?)
}

/// Who reads a dossier's file: the applicant sees result files once the result is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Applicant,
    Officer,
}

/// The file `id` of dossier `d` (a document, a result document, or a file of another agency's
/// reply) with its display name,
/// and where to read it.
pub async fn source(
    state: &AppState,
    d: &Dossier,
    id: &str,
    reader: Reader,
) -> ServiceResult<(FileRef, String, FileSource)> {
    let id = UploadId::parse(id).map_err(|_| Refused::FileNotFound)?;
    let wanted = |f: &Option<FileRef>| f.as_ref().filter(|f| f.id == id).cloned();
    let document = d.documents.iter().find_map(|doc| Some((wanted(&doc.file)?, doc.file_name.clone())));
    let results_visible = reader == Reader::Officer || d.result.is_some();
    let result = || {
        d.results.iter().filter(|_| results_visible).find_map(|r| {
            let file = wanted(&r.file)?;
            let name = format!("{}.{}", r.name, file.media_type.extension());
            Some((file, name))
        })
    };
    // The other agencies' replies are between agencies: officers only.
    let reply = || {
        d.exchanges
            .iter()
            .flat_map(|x| &x.replies)
            .flat_map(|r| &r.files)
            .filter(|_| reader == Reader::Officer)
            .find_map(|f| Some((wanted(&Some(f.file.clone()))?, f.name.clone())))
    };
    let (file, name) = document.or_else(result).or_else(reply).ok_or(Refused::FileNotFound)?;
    let source = state.files.source(&file, &name, state.clock.now()).await?;
    Ok((file, name, source))
}
