//! Who may take an action: the table's `by` column against the acting officer (or the
//! applicant), with the most specific reason when nobody fits.

use super::super::table::{By, Rule};
use super::super::{LifecycleError, StepProgress};
use super::Actor;
use crate::catalogue::{OfficerRef, Role};
use crate::codes::AgencyCode;

/// The role an officer acts in under `rule`, or why they may not.
pub fn authorise(
    rule: &Rule,
    dossier_agency: &AgencyCode,
    step: Option<(&StepProgress, Role, &AgencyCode)>,
    consulted: &[&OfficerRef],
    actor: Actor<'_>,
) -> Result<Option<Role>, LifecycleError> {
    if rule.by == [By::Platform] && !matches!(actor, Actor::Platform)
        || rule.by == [By::PostalOperator] && !matches!(actor, Actor::PostalOperator)
        || rule.by == [By::Axis] && !matches!(actor, Actor::Agency(_))
    {
        return Err(LifecycleError::PlatformOnly);
    }
    let officer = match actor {
        Actor::Platform if rule.by.contains(&By::Platform) => return Ok(None),
        Actor::PostalOperator if rule.by.contains(&By::PostalOperator) => return Ok(None),
        Actor::Agency(_) if rule.by.contains(&By::Axis) => return Ok(None),
        Actor::Applicant if rule.by.contains(&By::Applicant) => return Ok(None),
        Actor::Applicant | Actor::Platform | Actor::PostalOperator | Actor::Agency(_) => {
            return Err(LifecycleError::MissingRole { needed: needed_roles(rule, step) })
        }
        Actor::Officer(o) => o,
    };
    let mut denial = LifecycleError::ApplicantOnly;
    for by in rule.by {
        let (agency, role, assignee) = match (by, step) {
            (By::Applicant | By::Platform | By::PostalOperator | By::Axis, _) => continue,
            (By::Consulted, _) => {
                if consulted.iter().any(|o| o.id == officer.id) {
                    return Ok(officer.roles.first().copied());
                }
                denial = LifecycleError::NotConsulted;
                continue;
            }
            (By::AgencyRole(role), _) => (dossier_agency, *role, None),
            (By::StepAgencyRole(role), Some((_, _, agency))) => (agency, *role, None),
            (By::StepHolder, Some((progress, role, agency))) => (agency, role, progress.assignee.as_ref()),
            (_, None) => continue,
        };
        let attempt = if &officer.agency != agency {
            LifecycleError::OtherAgency
        } else if !officer.has_role(role) {
            LifecycleError::MissingRole { needed: needed_roles(rule, step) }
        } else if assignee.is_some_and(|a| a.id != officer.id) {
            LifecycleError::NotAssignee
        } else {
            return Ok(Some(role));
        };
        // Keep the most specific reason: agency, then role, then assignment.
        denial = match (&denial, attempt) {
            (LifecycleError::ApplicantOnly | LifecycleError::OtherAgency, e) => e,
            (LifecycleError::MissingRole { .. }, e @ LifecycleError::NotAssignee) => e,
            (_, _) => denial,
        };
    }
    Err(denial)
}

fn needed_roles(rule: &Rule, step: Option<(&StepProgress, Role, &AgencyCode)>) -> Vec<Role> {
    rule.by
        .iter()
        .filter_map(|by| match by {
            By::AgencyRole(r) | By::StepAgencyRole(r) => Some(*r),
            By::StepHolder => step.map(|(_, r, _)| r),
            By::Applicant | By::Platform | By::PostalOperator | By::Axis | By::Consulted => None,
        })
        .collect()
}
