//! Reading the document axis (`docs/integrations.md`): what waits for this system (status
//! packets, then reply documents) is listed, fetched, parsed and applied to the dossier it answers, then settled on the axis — `done`
//! when applied (or when it was applied before: the axis gives a message again when a
//! settlement is lost), `fail` when refused. A refused message is noted in the axis journal
//! with its reason and never applied; one that cannot be handled now (the store or the axis
//! away) is left on the axis for the next round. Nothing is half-applied: a packet is one
//! transition, committed whole or not at all.

use std::collections::HashSet;

use motcua_domain::axis::exchange::ReplyFile;
use motcua_domain::axis::exchange::UnfitPacket;
use motcua_domain::axis::exchange::{self, Judged};
use motcua_domain::axis::journal::{Direction, JournalEntry, Outcome};
use motcua_domain::axis::{Package, StatusPacket};
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::documents::{check_display_name, sniff, FileRef, Sha256, UploadId, SNIFF_HEAD, SNIFF_TAIL};
use motcua_domain::lifecycle::{Actor, Command, Dossier};
use motcua_domain::ports::{AxisError, AxisMessage, AxisWaiting, DocumentAxis, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use super::{dossiers, Refused, ServiceResult};
use crate::state::AppState;

/// What one round of reading the axis did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct AxisRound {
    /// Applied to their dossiers.
    pub applied: usize,
    /// Applied before (given again by the axis): settled, nothing written.
    pub repeats: usize,
    /// Refused, noted in the journal and answered `fail`.
    pub refused: usize,
    /// Left on the axis for the next round (the store or the axis could not be reached).
    pub left: usize,
}

/// The axis, or `409 axis_not_configured`.
pub fn axis(state: &AppState) -> ServiceResult<&dyn DocumentAxis> {
    state.axis.as_deref().ok_or(Refused::AxisNotConfigured)
}

/// What became of one message.
enum Taken {
    Applied(JournalEntry),
    Repeat(JournalEntry),
    Refused(JournalEntry),
    /// Not now: leave it on the axis.
    Later,
}

/// One round: every status packet, then every document, waiting for this system.
pub async fn receive(state: &AppState) -> ServiceResult<AxisRound> {
    let mut round = AxisRound::default();
    for kind in [AxisMessage::Status, AxisMessage::Document] {
        receive_kind(state, kind, &mut round).await?;
    }
    Ok(round)
}

async fn receive_kind(state: &AppState, kind: AxisMessage, round: &mut AxisRound) -> ServiceResult<()> {
    let axis = axis(state)?;
    let waiting = axis.waiting(kind).await.map_err(unavailable)?;
    let mut seen = HashSet::new();
    for w in waiting.into_iter().filter(|w| seen.insert(w.doc_id.clone())) {
        let bytes = match axis.fetch(&w.doc_id).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(axis_doc = w.doc_id.as_str(), error = %e, "axis: cannot fetch the message now");
                round.left += 1;
                continue;
            }
        };
        let taken = match kind {
            AxisMessage::Status => take_status(state, &w, &bytes).await,
            AxisMessage::Document => take_reply(state, &w, &bytes).await,
        };
        let (entry, applied) = match taken {
            Taken::Applied(e) => {
                round.applied += 1;
                (e, true)
            }
            Taken::Repeat(e) => {
                round.repeats += 1;
                (e, true)
            }
            Taken::Refused(e) => {
                let what = match kind {
                    AxisMessage::Status => "status packet",
                    AxisMessage::Document => "document",
                };
                tracing::warn!(
                    axis_doc = w.doc_id.as_str(),
                    message = what,
                    reason = e.reason.as_deref().unwrap_or(""),
                    "axis: message refused"
                );
                round.refused += 1;
                (e, false)
            }
            Taken::Later => {
                round.left += 1;
                continue;
            }
        };
        // Noted before it is settled: a message off the axis is in the journal.
        if let Err(e) = state.axis_journal.note(&entry).await {
            tracing::warn!(axis_doc = w.doc_id.as_str(), error = %e, "axis: the journal cannot be written now");
            round.left += 1;
            continue;
        }
        if let Err(e) = axis.settle(&w.doc_id, applied).await {
            // Listed again next round: a repeat then (or refused again), never applied twice.
            tracing::warn!(axis_doc = w.doc_id.as_str(), error = %e, "axis: the settlement did not go through");
        }
    }
    Ok(())
}

fn unavailable(e: AxisError) -> Refused {
    Refused::AxisUnavailable(e.to_string())
}

/// Why a message is refused: noted in its journal entry.
fn refuse(mut entry: JournalEntry, why: String) -> Taken {
    entry.reason = Some(why);
    Taken::Refused(entry)
}

/// Reads one status packet and applies it to its dossier if it is news there.
async fn take_status(state: &AppState, w: &AxisWaiting, bytes: &[u8]) -> Taken {
    let now = state.clock.now();
    let mut entry = JournalEntry::of(now, Direction::Received, AxisMessage::Status, &w.doc_id, bytes, Outcome::Refused);
    let packet = match StatusPacket::parse(bytes) {
        Ok(p) => p,
        Err(e) => return refuse(entry, format!("not a status packet: {e}")),
    };
    entry.document_id = Some(packet.document_id.clone());
    entry.agency = Some(packet.from.id.clone());
    entry.status_code = Some(packet.code.code().to_owned());
    let Some((code, from)) = addressed(&mut entry, &packet.document_id, &packet.from.id) else {
        return Taken::Refused(entry);
    };
    let judge = |d: &Dossier| exchange::judge(d, &packet);
    apply(state, &code, &from, entry, judge, || Command::AxisStatus { packet: packet.clone() }).await
}

/// The dossier a message answers (by the DocumentId `answered`) and the agency it comes from
/// (`from`), or why not (noted in `entry`).
fn addressed(entry: &mut JournalEntry, answered: &str, from: &str) -> Option<(DossierCode, AgencyCode)> {
    let Some(code) = exchange::dossier_of(answered) else {
        entry.reason = Some("it answers no document of this system".into());
        return None;
    };
    entry.dossier = Some(code.to_string());
    match AgencyCode::parse(from.trim()) {
        Ok(agency) => Some((code, agency)),
        Err(_) => {
            entry.reason = Some(format!("`{from}` is not an agency code"));
            None
        }
    }
}

/// Applies `command` to dossier `code` as the agency `from` when `judge` finds it news there,
/// reading the dossier again after a conflicting write: what became of the message.
async fn apply(
    state: &AppState,
    code: &DossierCode,
    from: &AgencyCode,
    mut entry: JournalEntry,
    judge: impl Fn(&Dossier) -> Result<Judged, UnfitPacket>,
    command: impl Fn() -> Command,
) -> Taken {
    for _ in 0..3 {
        let loaded = match dossiers::load_with_history(state, code).await {
            Ok(loaded) => loaded,
            Err(Refused::DossierNotFound) => return refuse(entry, "no such dossier".into()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the dossier cannot be read now");
                return Taken::Later;
            }
        };
        match judge(&loaded.0.dossier) {
            Err(unfit) => return refuse(entry, unfit.to_string()),
            Ok(Judged::Repeat) => {
                entry.outcome = Outcome::Repeat;
                return Taken::Repeat(entry);
            }
            Ok(Judged::Take) => {}
        }
        match dossiers::act(state, loaded, Actor::Agency(from), (command(), vec![])).await {
            Ok(_) => {
                tracing::info!(dossier = %code, kind = entry.kind.as_str(), "axis: message applied");
                entry.outcome = Outcome::Applied;
                return Taken::Applied(entry);
            }
            Err(Refused::Store(StoreError::Conflict)) => continue,
            Err(Refused::Lifecycle(e)) => return refuse(entry, e.to_string()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the message cannot be applied now");
                return Taken::Later;
            }
        }
    }
    Taken::Later
}

/// Reads one document and, when it replies to a hand-over of ours and is news for its dossier,
/// keeps its files and records it there.
async fn take_reply(state: &AppState, w: &AxisWaiting, bytes: &[u8]) -> Taken {
    let now = state.clock.now();
    let mut entry =
        JournalEntry::of(now, Direction::Received, AxisMessage::Document, &w.doc_id, bytes, Outcome::Refused);
    let package = match Package::parse(bytes) {
        Ok(p) => p,
        Err(e) => return refuse(entry, format!("not a package of the standard: {e}")),
    };
    entry.document_id = Some(package.document_id());
    entry.agency = Some(package.from.id.clone());
    let Some(answered) = package.response_for.as_ref().map(|r| r.document_id.clone()) else {
        return refuse(
            entry,
            "it replies to no document (no ResponseFor): documents go to the document-management system".into(),
        );
    };
    let Some((code, from)) = addressed(&mut entry, &answered, &package.from.id) else {
        return Taken::Refused(entry);
    };
    let files = match reply_files(state, &package) {
        Ok(files) => files,
        Err(why) => return refuse(entry, why),
    };
    let judge = |d: &Dossier| exchange::judge_reply(d, &package);
    // Judged before its bytes are kept: a repeat or a refused reply keeps nothing. (Judged news
    // here and not by `apply` a moment later, its bytes stay unnamed: the store is by content.)
    match dossiers::load(state, &code).await.map(|s| judge(&s.dossier)) {
        Ok(Ok(Judged::Take)) => {}
        Ok(Ok(Judged::Repeat)) => {
            entry.outcome = Outcome::Repeat;
            return Taken::Repeat(entry);
        }
        Ok(Err(unfit)) => return refuse(entry, unfit.to_string()),
        Err(Refused::DossierNotFound) => return refuse(entry, "no such dossier".into()),
        Err(e) => {
            tracing::warn!(dossier = %code, error = %e, "axis: the dossier cannot be read now");
            return Taken::Later;
        }
    }
    for (f, bytes) in &files {
        if let Err(e) = state.files.put(&f.file, bytes).await {
            tracing::warn!(dossier = %code, error = %e, "axis: a reply's file cannot be kept now");
            return Taken::Later;
        }
    }
    let header = Package { attachments: vec![], ..package.clone() };
    let kept: Vec<ReplyFile> = files.iter().map(|(f, _)| f.clone()).collect();
    apply(state, &code, &from, entry, judge, || Command::AxisReply {
        package: Box::new(header.clone()),
        files: kept.clone(),
    })
    .await
}

/// The reply's files as the dossier would keep them (type read from the bytes, size capped,
/// name checked), with their bytes; or why the reply is refused.
fn reply_files<'a>(state: &AppState, package: &'a Package) -> Result<Vec<(ReplyFile, &'a Vec<u8>)>, String> {
    let mut files = Vec::with_capacity(package.attachments.len());
    for a in &package.attachments {
        let size = a.bytes.len() as u64;
        let tail = &a.bytes[a.bytes.len().saturating_sub(SNIFF_TAIL)..];
        let media_type = sniff(&a.bytes[..a.bytes.len().min(SNIFF_HEAD)], tail, size)
            .map_err(|e| format!("its file {} is refused: {e}", a.name))?;
        if size > state.file_limits.per_file {
            return Err(format!("its file {} is larger than a file may be", a.name));
        }
        check_display_name(&a.name).map_err(|_| "a file name that cannot be kept".to_owned())?;
        let file =
            FileRef { id: UploadId::from_random(rand::random()), sha256: Sha256::of(&a.bytes), size, media_type };
        files.push((ReplyFile { name: a.name.trim().to_owned(), file }, &a.bytes));
    }
    Ok(files)
}
