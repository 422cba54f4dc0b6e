//! Sends hand-overs to other agencies over the national document axis: the outbox's `axis`
//! messages ([`motcua_domain::axis::exchange::handover`]) name a dossier and the DocumentId of
//! its hand-over; the package is built when it is sent, from the dossier as it stands, the two
//! agencies' names and the dossier's files, and handed to the axis. A failure to reach the axis
//! is temporary (the outbox tries again, with backoff): a package sent twice after a lost answer
//! carries the same DocumentId, which the receiving system takes once.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::axis::journal::{Direction, JournalEntry, Outcome};
use motcua_domain::axis::{exchange, Attachment};
use motcua_domain::codes::DossierCode;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{
    AxisError, AxisJournal, AxisMessage, Catalogue, Clock, DocumentAxis, DossierStore, Enclosure, FileStore, Notifier,
    NotifyError,
};

/// The files one package may carry, in bytes (base64 makes them a third larger; the axis
/// takes packages of up to [`motcua_domain::axis::MAX_PACKAGE_BYTES`]).
pub const MOST_FILE_BYTES: u64 = 40 * 1024 * 1024;

pub struct AxisSender {
    pub axis: Arc<dyn DocumentAxis>,
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn Catalogue>,
    pub files: Arc<dyn FileStore>,
    /// Where each package sent is noted with its SHA-256.
    pub journal: Arc<dyn AxisJournal>,
    pub clock: Arc<dyn Clock>,
    /// Where the documents are issued (Nơi ban hành): the province's place name.
    pub place: String,
}

fn unavailable(e: impl std::fmt::Display) -> NotifyError {
    NotifyError::Temporary(format!("the hand-over's dossier cannot be read now: {e}"))
}

impl AxisSender {
    /// The name `code` has in the catalogue (its code when the catalogue lacks it).
    async fn name_of(&self, code: &motcua_domain::codes::AgencyCode) -> Result<String, NotifyError> {
        let agency = self.catalogue.agency(code).await.map_err(unavailable)?;
        Ok(agency.map(|a| a.name).unwrap_or_else(|| code.to_string()))
    }

    /// The dossier's files, as attachments.
    async fn attachments(&self, d: &motcua_domain::lifecycle::Dossier) -> Result<Vec<Attachment>, NotifyError> {
        let mut out = Vec::new();
        let total: u64 = d.documents.iter().filter_map(|doc| doc.file.as_ref()).map(|f| f.size).sum();
        if total > MOST_FILE_BYTES {
            return Err(NotifyError::Permanent(format!(
                "the dossier's files ({total} bytes) are more than one package carries ({MOST_FILE_BYTES})"
            )));
        }
        for (i, doc) in d.documents.iter().enumerate() {
            let Some(file) = &doc.file else { continue };
            let mut bytes = Vec::with_capacity(file.size as usize);
            let mut sink = |chunk: &[u8]| {
                bytes.extend_from_slice(chunk);
                Ok(())
            };
            self.files.read(file, &mut sink).await.map_err(unavailable)?;
            out.push(Attachment {
                content_id: format!("{:04}", i + 1),
                name: doc.file_name.clone(),
                content_type: file.media_type.mime().to_owned(),
                description: doc.component.clone(),
                bytes,
            });
        }
        Ok(out)
    }
}

#[async_trait]
impl Notifier for AxisSender {
    async fn deliver(&self, m: &OutgoingMessage, _: &[Enclosure]) -> Result<String, NotifyError> {
        if m.channel != MessageChannel::Axis {
            return Err(NotifyError::Permanent(format!("the axis carries no {} message", m.channel.as_str())));
        }
        let code = DossierCode::parse(&m.dossier_code)
            .map_err(|e| NotifyError::Permanent(format!("a hand-over without its dossier: {e}")))?;
        let stored = self.dossiers.get(&code).await.map_err(unavailable)?;
        let d = stored.ok_or_else(|| NotifyError::Permanent(format!("dossier {code} is gone")))?.dossier;
        let x = d
            .exchanges
            .iter()
            .find(|x| x.document_id == m.text)
            .ok_or_else(|| NotifyError::Permanent(format!("dossier {code} has no hand-over {}", m.text)))?;
        let names = (self.name_of(&d.agency_code).await?, self.name_of(&x.agency).await?);
        let attachments = self.attachments(&d).await?;
        let bytes = exchange::package(&d, x, (&names.0, &names.1), &self.place, attachments).to_xml();
        match self.axis.send(&[x.agency.to_string()], AxisMessage::Document, bytes.clone()).await {
            Ok(doc_id) => {
                tracing::info!(dossier = %code, axis_doc = doc_id.as_str(), "hand-over sent over the document axis");
                let mut entry = JournalEntry::of(
                    self.clock.now(),
                    Direction::Sent,
                    AxisMessage::Document,
                    &doc_id,
                    &bytes,
                    Outcome::Sent,
                );
                entry.document_id = Some(x.document_id.clone());
                entry.dossier = Some(code.to_string());
                entry.agency = Some(x.agency.to_string());
                if let Err(e) = self.journal.note(&entry).await {
                    // Sent all the same: the outbox records the DocId as the message's receipt.
                    tracing::warn!(dossier = %code, error = %e, "the package sent could not be noted in the axis journal");
                }
                Ok(doc_id)
            }
            Err(AxisError::Unavailable(e)) => Err(NotifyError::Temporary(e)),
            Err(AxisError::Refused(e)) => Err(NotifyError::Permanent(e)),
        }
    }

    fn awaits_delivery_reports(&self, _: MessageChannel) -> bool {
        false
    }

    fn idempotent(&self) -> bool {
        // The receiving system takes a DocumentId once.
        true
    }
}
