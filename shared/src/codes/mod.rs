//! Identifier codes printed on forms: agency codes and dossier codes.

mod agency_code;
mod dossier_code;

pub use agency_code::{AgencyCode, InvalidAgencyCode};
pub use dossier_code::{DossierCode, InvalidDossierCode};
