//! Reading the document axis (`docs/integrations.md`): what waits for this system (status
//! packets, then reply documents) is listed, fetched, parsed and applied to the dossier it answers, then settled on the axis — `done`
//! when applied (or when it was applied before: the axis gives a message again when a
//! settlement is lost), `fail` when refused. A refused message is noted in the axis journal
//! with its reason and never applied; one that cannot be handled now (the store or the axis
//! away) is left on the axis for the next round. Nothing is half-applied: a packet is one
//! transition, committed whole or not at all.

use std::collections::HashSet;

use motcua_domain::axis::exchange::ReplyFile;
use motcua_domain::axis::exchange::{self, Judged};
use motcua_domain::axis::journal::{Direction, JournalEntry, Outcome};
use motcua_domain::axis::{Package, StatusPacket};
use motcua_domain::codes::AgencyCode;
use motcua_domain::documents::{check_display_name, sniff, FileRef, Sha256, UploadId, SNIFF_HEAD, SNIFF_TAIL};
use motcua_domain::lifecycle::{Actor, Command};
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
                tracing::warn!(
                    axis_doc = w.doc_id.as_str(),
                    reason = e.reason.as_deref().unwrap_or(""),
                    "axis: status packet refused"
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

/// Reads one status packet and applies it to its dossier if it is news there.
async fn take_status(state: &AppState, w: &AxisWaiting, bytes: &[u8]) -> Taken {
    let now = state.clock.now();
    let mut entry = JournalEntry::of(now, Direction::Received, AxisMessage::Status, &w.doc_id, bytes, Outcome::Refused);
    let refuse = |mut entry: JournalEntry, why: String| {
        entry.reason = Some(why);
        Taken::Refused(entry)
    };
    let packet = match StatusPacket::parse(bytes) {
        Ok(p) => p,
        Err(e) => return refuse(entry, format!("not a status packet: {e}")),
    };
    entry.document_id = Some(packet.document_id.clone());
    entry.agency = Some(packet.from.id.clone());
    entry.status_code = Some(packet.code.code().to_owned());
    let Some(code) = exchange::dossier_of(&packet.document_id) else {
        return refuse(entry, "it answers no document of this system".into());
    };
    entry.dossier = Some(code.to_string());
    let Ok(from) = AgencyCode::parse(packet.from.id.trim()) else {
        return refuse(entry, format!("`{}` is not an agency code", packet.from.id));
    };
    for _ in 0..3 {
        let loaded = match dossiers::load_with_history(state, &code).await {
            Ok(loaded) => loaded,
            Err(Refused::DossierNotFound) => return refuse(entry, "no such dossier".into()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the dossier cannot be read now");
                return Taken::Later;
            }
        };
        match exchange::judge(&loaded.0.dossier, &packet) {
            Err(unfit) => return refuse(entry, unfit.to_string()),
            Ok(Judged::Repeat) => {
                entry.outcome = Outcome::Repeat;
                return Taken::Repeat(entry);
            }
            Ok(Judged::Take) => {}
        }
        let command = (Command::AxisStatus { packet: packet.clone() }, vec![]);
        match dossiers::act(state, loaded, Actor::Agency(&from), command).await {
            Ok(_) => {
                tracing::info!(dossier = %code, status = packet.code.code(), "axis: status packet applied");
                entry.outcome = Outcome::Applied;
                return Taken::Applied(entry);
            }
            Err(Refused::Store(StoreError::Conflict)) => continue,
            Err(Refused::Lifecycle(e)) => return refuse(entry, e.to_string()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the packet cannot be applied now");
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
    let refuse = |mut entry: JournalEntry, why: String| {
        entry.reason = Some(why);
        Taken::Refused(entry)
    };
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
    let Some(code) = exchange::dossier_of(&answered) else {
        return refuse(entry, "it replies to no document of this system".into());
    };
    entry.dossier = Some(code.to_string());
    let Ok(from) = AgencyCode::parse(package.from.id.trim()) else {
        return refuse(entry, format!("`{}` is not an agency code", package.from.id));
    };
    // Each file must be one the dossier may keep: its type read from its bytes, its size capped.
    let mut files = Vec::with_capacity(package.attachments.len());
    for a in &package.attachments {
        let size = a.bytes.len() as u64;
        let tail = &a.bytes[a.bytes.len().saturating_sub(SNIFF_TAIL)..];
        let media_type = match sniff(&a.bytes[..a.bytes.len().min(SNIFF_HEAD)], tail, size) {
            Ok(t) => t,
            Err(e) => return refuse(entry, format!("its file {} is refused: {e}", a.name)),
        };
        if size > state.file_limits.per_file {
            return refuse(entry, format!("its file {} is larger than a file may be", a.name));
        }
        if check_display_name(&a.name).is_err() {
            return refuse(entry, "a file name that cannot be kept".into());
        }
        let file =
            FileRef { id: UploadId::from_random(rand::random()), sha256: Sha256::of(&a.bytes), size, media_type };
        files.push((ReplyFile { name: a.name.trim().to_owned(), file }, &a.bytes));
    }
    for _ in 0..3 {
        let loaded = match dossiers::load_with_history(state, &code).await {
            Ok(loaded) => loaded,
            Err(Refused::DossierNotFound) => return refuse(entry, "no such dossier".into()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the dossier cannot be read now");
                return Taken::Later;
            }
        };
        match exchange::judge_reply(&loaded.0.dossier, &package) {
            Err(unfit) => return refuse(entry, unfit.to_string()),
            Ok(Judged::Repeat) => {
                entry.outcome = Outcome::Repeat;
                return Taken::Repeat(entry);
            }
            Ok(Judged::Take) => {}
        }
        // The bytes first (kept again, the same, on a retry), then the record that names them.
        for (f, bytes) in &files {
            if let Err(e) = state.files.put(&f.file, bytes).await {
                tracing::warn!(dossier = %code, error = %e, "axis: a reply's file cannot be kept now");
                return Taken::Later;
            }
        }
        let header = Package { attachments: vec![], ..package.clone() };
        let command = (
            Command::AxisReply { package: Box::new(header), files: files.iter().map(|(f, _)| f.clone()).collect() },
            vec![],
        );
        match dossiers::act(state, loaded, Actor::Agency(&from), command).await {
            Ok(_) => {
                tracing::info!(dossier = %code, files = files.len(), "axis: reply document kept");
                entry.outcome = Outcome::Applied;
                return Taken::Applied(entry);
            }
            Err(Refused::Store(StoreError::Conflict)) => continue,
            Err(Refused::Lifecycle(e)) => return refuse(entry, e.to_string()),
            Err(e) => {
                tracing::warn!(dossier = %code, error = %e, "axis: the reply cannot be recorded now");
                return Taken::Later;
            }
        }
    }
    Taken::Later
}
