//! The catalogue: agencies, officers, procedures and their workflows.

mod agency;
mod officer;
mod procedure;

pub use agency::{Agency, AgencyLevel};
pub use officer::{InvalidOfficerId, Officer, OfficerId, OfficerRef, Role};
pub use procedure::{
    is_procedure_code, ApplicantKind, Channel, Component, ComponentForm, Fee, InvalidProcedure, OnlineLevel, Procedure,
    SupplementRule, WorkflowStep,
};
