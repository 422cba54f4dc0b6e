//! The catalogue: agencies, officers, procedures and their workflows.

mod agency;
mod holidays;
pub mod import;
mod officer;
mod procedure;
pub mod versions;

pub use agency::{Agency, AgencyLevel, InvalidAgency};
pub use holidays::{check_holidays, holiday_year, Holiday, InvalidHolidays};
pub use officer::{InvalidOfficer, InvalidOfficerId, Officer, OfficerId, OfficerRef, Role};
pub use procedure::{
    is_procedure_code, Allowances, ApplicantKind, Channel, Component, ComponentForm, Fee, FeeKind, InvalidProcedure,
    OnlineLevel, Procedure, SupplementRule, WorkflowStep,
};
