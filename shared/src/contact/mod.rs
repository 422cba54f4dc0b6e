//! Applicant contact details and identifiers, parsed at the edge (personal data: never logged).

mod email;
mod ids;
mod phone;

pub use email::{Email, InvalidEmail};
pub use ids::{CitizenId, InvalidCitizenId, InvalidTaxCode, TaxCode};
pub use phone::{InvalidPhoneNumber, PhoneNumber};
