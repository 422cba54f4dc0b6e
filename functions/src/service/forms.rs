//! The printed forms of a dossier as PDF: what the form needs beyond the dossier and its
//! history (the procedure, the agency and the authority above it, the place, the lookup
//! address) is read here, and `motcua_forms` lays it out. The routes serve them; the notify
//! path encloses the refusal, supplement request and apology in the email (`enclosures`).

use motcua_domain::catalogue::Agency;
use motcua_domain::lifecycle::{Dossier, HistoryEvent};
use motcua_domain::ports::Catalogue;
use motcua_forms::{Form, FormContext};

use super::{Refused, ServiceResult};
use crate::state::{AppState, FormSettings};

/// The public address a dossier is looked up at, from the API's base address; without one, the
/// QR code holds the dossier code alone.
pub fn lookup_address(base: Option<&str>, d: &Dossier) -> String {
    match base {
        Some(base) => format!("{}/v1/dossiers/{}", base.trim_end_matches('/'), d.code),
        None => d.code.to_string(),
    }
}

/// The name of the authority above `unit` (its parent agency), for a printed sheet's header;
/// none at the top.
pub async fn parent_name(catalogue: &dyn Catalogue, unit: &Agency) -> ServiceResult<Option<String>> {
    Ok(match &unit.parent {
        Some(parent) => catalogue.agency(parent).await?.map(|p| p.name),
        None => None,
    })
}

/// `form` of `d` as a PDF, from the history as given (all of it, or up to a notice's event).
pub async fn render(
    catalogue: &dyn Catalogue,
    settings: &FormSettings,
    d: &Dossier,
    history: &[HistoryEvent],
    form: Form,
    base: Option<&str>,
) -> ServiceResult<Vec<u8>> {
    let procedure = catalogue.procedure(&d.procedure_code).await?.ok_or(Refused::ProcedureNotFound)?;
    let unit = catalogue.agency(&d.agency_code).await?.ok_or_else(|| Refused::AgencyNotFound(d.agency_code.clone()))?;
    let authority = parent_name(catalogue, &unit).await?;
    let ctx = FormContext {
        dossier: d,
        history,
        procedure: &procedure,
        agency: &unit,
        authority: authority.as_deref().unwrap_or(&unit.name),
        place: settings.place.as_deref(),
        lookup: lookup_address(base, d),
    };
    Ok(form.pdf(&ctx)?)
}

/// `form` of `d` as a PDF for a request; `base` is the API's public address for the QR code.
pub async fn pdf(
    state: &AppState,
    d: &Dossier,
    history: &[HistoryEvent],
    form: Form,
    base: &str,
) -> ServiceResult<Vec<u8>> {
    render(state.catalogue.as_ref(), &state.forms, d, history, form, Some(base)).await
}
