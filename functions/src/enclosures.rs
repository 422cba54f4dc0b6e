//! The printed forms an email carries: the refusal (form 03) with the refusal notice, the
//! supplement request (02) with its notice, the apology (04) with the apology, each rendered
//! from the dossier's history up to the notice's own event, so a retry or a late send encloses
//! the same document. A store that cannot answer is a temporary failure (the message is tried
//! again); a form that cannot be printed is logged and the notice goes without it, since the
//! notice matters more than its copy of the form.

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::codes::DossierCode;
use motcua_domain::notify::{MessageChannel, OutgoingMessage};
use motcua_domain::ports::{Catalogue, DossierStore, Enclosure, Enclosures, NotifyError};
use motcua_forms::Form;

use crate::service::{forms, Refused};
use crate::state::FormSettings;

pub struct PrintedForms {
    pub dossiers: Arc<dyn DossierStore>,
    pub catalogue: Arc<dyn Catalogue>,
    pub settings: FormSettings,
}

fn unavailable(e: impl std::fmt::Display) -> NotifyError {
    NotifyError::Temporary(format!("the form's dossier cannot be read now: {e}"))
}

#[async_trait]
impl Enclosures for PrintedForms {
    async fn of(&self, m: &OutgoingMessage) -> Result<Vec<Enclosure>, NotifyError> {
        let Some(form) = Form::enclosed_in(m.kind).filter(|_| m.channel == MessageChannel::Email) else {
            return Ok(Vec::new());
        };
        let (Ok(code), Some(seq)) = (DossierCode::parse(&m.dossier_code), m.event_seq()) else {
            tracing::warn!(message = m.id.as_str(), "a notice without its dossier's event: sent without its form");
            return Ok(Vec::new());
        };
        let dossier = self.dossiers.get(&code).await.map_err(unavailable)?;
        let Some(stored) = dossier else { return Ok(Vec::new()) };
        let mut history = self.dossiers.history(&code).await.map_err(unavailable)?;
        history.retain(|e| e.seq <= seq);
        let base = self.settings.public_url.as_deref();
        match forms::render(self.catalogue.as_ref(), &self.settings, &stored.dossier, &history, form, base).await {
            Ok(bytes) => Ok(vec![Enclosure {
                file_name: format!("{}-{}.pdf", form.name(), code.to_string().replace('.', "-")),
                media_type: "application/pdf",
                bytes,
            }]),
            Err(Refused::Store(e)) => Err(unavailable(e)),
            Err(e) => {
                tracing::warn!(message = m.id.as_str(), error = %e, "the form could not be printed: sent without it");
                Ok(Vec::new())
            }
        }
    }
}
