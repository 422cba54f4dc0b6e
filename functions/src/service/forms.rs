//! The printed forms of a dossier as PDF: what the form needs beyond the dossier and its
//! history (the procedure, the agency and the authority above it, the place, the lookup
//! address) is read here, and `motcua_forms` lays it out.

use motcua_domain::lifecycle::{Dossier, HistoryEvent};
use motcua_forms::{Form, FormContext};

use super::{agency, procedure, ServiceResult};
use crate::state::AppState;

/// The public address a dossier is looked up at, from the API's base address.
pub fn lookup_address(base: &str, d: &Dossier) -> String {
    format!("{}/v1/dossiers/{}", base.trim_end_matches('/'), d.code)
}

/// `form` of `d` as a PDF; `base` is the API's public address for the QR code.
pub async fn pdf(
    state: &AppState,
    d: &Dossier,
    history: &[HistoryEvent],
    form: Form,
    base: &str,
) -> ServiceResult<Vec<u8>> {
    let procedure = procedure(state, &d.procedure_code).await?;
    let unit = agency(state, &d.agency_code).await?;
    let authority = match &unit.parent {
        Some(parent) => state.catalogue.agency(parent).await?.map(|p| p.name),
        None => None,
    };
    let ctx = FormContext {
        dossier: d,
        history,
        procedure: &procedure,
        agency: &unit,
        authority: authority.as_deref().unwrap_or(&unit.name),
        place: state.forms.place.as_deref(),
        lookup: lookup_address(base, d),
    };
    Ok(form.pdf(&ctx)?)
}
