//! A dossier's record for the agency's archive (lưu trữ hồ sơ): one ZIP holding, under the
//! dossier's code, the dossier and its history as JSON, every file it holds (each checked
//! against the SHA-256 its history recorded on the way in: a swapped file stops the export),
//! the printed forms that apply, and `manifest.sha256` (the `sha256sum -c` format) listing every
//! other entry. It is built in an unnamed temporary file, then published by the file store: on
//! one machine the server streams it, on AWS it goes to the bucket and the caller gets a
//! short-lived address. See `docs/documents.md`.

pub mod unzip;
pub mod zip;

use std::collections::BTreeSet;

use motcua_domain::calendar::vietnam;
use motcua_domain::documents::{FileRef, Sha256};
use motcua_domain::lifecycle::{Dossier, HistoryEvent};
use motcua_domain::ports::{Published, StoreError};
use sha2::Digest;

use self::zip::{Method, ZipWriter};
use crate::service::{forms, Refused, ServiceResult};
use crate::state::AppState;

/// The archive as published, and the name it is offered under.
pub struct Archive {
    pub file_name: String,
    pub published: Published,
}

fn io(e: std::io::Error) -> Refused {
    StoreError::Unavailable(format!("archive: {e}")).into()
}

/// Every file `d` holds, once each, with the name it gets in the archive: `files/<id>-<name>`,
/// the display name with anything that could be read as a path replaced.
fn files_of(d: &Dossier) -> Vec<(String, FileRef)> {
    let documents = d.documents.iter().filter_map(|x| x.file.as_ref().map(|f| (x.file_name.as_str(), f)));
    let results = d.results.iter().filter_map(|r| r.file.as_ref().map(|f| (r.name.as_str(), f)));
    let mut seen = BTreeSet::new();
    documents
        .chain(results)
        .filter(|(_, f)| seen.insert(f.id.clone()))
        .map(|(name, f)| {
            let safe: String = name
                .chars()
                .map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':') { '_' } else { c })
                .take(100)
                .collect();
            (format!("files/{}-{}", f.id, safe.trim_start_matches('.')), f.clone())
        })
        .collect()
}

/// Builds and publishes `d`'s archive; `base` is the public address the forms' QR codes name.
pub async fn export(state: &AppState, d: &Dossier, history: &[HistoryEvent], base: &str) -> ServiceResult<Archive> {
    let last = history.last().map_or(d.submitted_at, |e| e.at);
    let file = tempfile::tempfile().map_err(io)?;
    let mut zip = ZipWriter::new(file, vietnam::to_local(last));
    let code = d.code.to_string();
    let mut manifest: Vec<(String, Sha256)> = vec![];
    let mut add = |zip: &mut ZipWriter<std::fs::File>, path: &str, method: Method, bytes: &[u8]| {
        manifest.push((path.to_owned(), Sha256::of(bytes)));
        zip.bytes(&format!("{code}/{path}"), method, bytes).map_err(io)
    };
    add(&mut zip, "dossier.json", Method::Deflated, &pretty(d)?)?;
    add(&mut zip, "history.json", Method::Deflated, &pretty(&history)?)?;
    for form in motcua_forms::Form::ALL {
        match forms::pdf(state, d, history, form, base).await {
            Ok(pdf) => add(&mut zip, &format!("forms/{}.pdf", form.name()), Method::Stored, &pdf)?,
            Err(Refused::Form(_)) => {}
            Err(e) => return Err(e),
        }
    }
    for (path, file) in files_of(d) {
        zip.begin(&format!("{code}/{path}")).map_err(io)?;
        let mut hasher = sha2::Sha256::new();
        let mut size = 0u64;
        state
            .files
            .read(&file, &mut |chunk: &[u8]| {
                hasher.update(chunk);
                size += chunk.len() as u64;
                zip.write(chunk)
            })
            .await?;
        zip.end().map_err(io)?;
        if size != file.size || Sha256::from_digest(&hasher.finalize()) != file.sha256 {
            tracing::error!(dossier = %d.code, file = %file.id, "a kept file is not the one the history recorded");
            return Err(Refused::ArchiveFileAltered);
        }
        manifest.push((path, file.sha256.clone()));
    }
    let listing: String = manifest.iter().map(|(path, sum)| format!("{}  {code}/{path}\n", sum.as_str())).collect();
    zip.bytes(&format!("{code}/manifest.sha256"), Method::Stored, listing.as_bytes()).map_err(io)?;
    let file = zip.finish().map_err(io)?;
    let file_name = format!("{code}.zip");
    let published = state.files.publish(&file_name, file, state.clock.now()).await?;
    tracing::info!(dossier = %d.code, entries = manifest.len() + 1, "archive exported");
    Ok(Archive { file_name, published })
}

fn pretty<T: serde::Serialize>(value: &T) -> ServiceResult<Vec<u8>> {
    serde_json::to_vec_pretty(value).map_err(|e| io(std::io::Error::other(e)))
}
