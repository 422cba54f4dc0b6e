//! Who may see what, beyond the transition table (which decides who may act): an officer reads
//! a dossier of their agency or of an agency holding one of its workflow steps, and only an
//! administrator maintains the catalogue.

use crate::catalogue::{Officer, Role};
use crate::lifecycle::Dossier;

/// Why an officer may not read or change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error("hồ sơ thuộc cơ quan khác / the dossier belongs to another agency")]
    OtherAgency,
    #[error("cần quyền quản trị / the admin role is required")]
    NotAdmin,
}

/// Whether `officer` may read `d` with its personal data.
pub fn may_see(officer: &Officer, d: &Dossier) -> Result<(), AccessDenied> {
    let works_on =
        officer.agency == d.agency_code || (0..d.terms.workflow.len()).any(|i| d.step_agency(i) == &officer.agency);
    if works_on {
        Ok(())
    } else {
        Err(AccessDenied::OtherAgency)
    }
}

/// Whether `officer` may maintain the catalogue (procedures, agencies, holidays, officers).
pub fn may_administer(officer: &Officer) -> Result<(), AccessDenied> {
    if officer.has_role(Role::Admin) {
        Ok(())
    } else {
        Err(AccessDenied::NotAdmin)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::calendar::{DurationUnit, ProcessingTime};
    use crate::catalogue::{ApplicantKind, Channel, OfficerId, SupplementRule, WorkflowStep};
    use crate::codes::{AgencyCode, DossierCode};
    use crate::lifecycle::{Applicant, NewDossier, Terms};

    fn code(text: &str) -> AgencyCode {
        AgencyCode::parse(text).unwrap()
    }

    fn officer(agency: &str, roles: &[Role]) -> Officer {
        Officer {
            id: OfficerId::parse("x.y").unwrap(),
            name: "X".into(),
            agency: code(agency),
            roles: roles.to_vec(),
            phone: None,
            email: None,
        }
    }

    /// GIVEN a dossier of the justice department whose second step belongs to the police.
    fn dossier() -> Dossier {
        let home = code("000.00.03.H56");
        let step = |agency: Option<AgencyCode>| WorkflowStep {
            name: "x".into(),
            role: Role::Specialist,
            agency,
            share_percent: 50,
        };
        let terms = Terms {
            procedure_name: "x".into(),
            processing_time: ProcessingTime::new(3.0, DurationUnit::WorkingDays).unwrap(),
            cutoff: None,
            supplement_rule: SupplementRule::Recompute,
            allowances: Default::default(),
            postal_return: false,
            workflow: vec![step(None), step(Some(code("000.00.10.H56")))],
        };
        let applicant = Applicant {
            kind: ApplicantKind::Citizen,
            name: "A".into(),
            citizen_id: None,
            tax_code: None,
            phone: None,
            email: None,
            address: None,
            delegate_name: None,
        };
        let new = NewDossier { channel: Channel::Online, applicant, documents: vec![] };
        let dossier_code = DossierCode::new(home.clone(), Utc::now().date_naive(), 1).unwrap();
        Dossier::filed(dossier_code, "1.1".into(), home, new, terms, Utc::now())
    }

    #[test]
    fn officers_see_dossiers_of_their_agency_and_of_its_steps_agencies_only() {
        let d = dossier();
        assert_eq!(may_see(&officer("000.00.03.H56", &[Role::Reception]), &d), Ok(()));
        assert_eq!(may_see(&officer("000.00.10.H56", &[Role::Specialist]), &d), Ok(()));
        assert_eq!(may_see(&officer("000.00.11.H56", &[Role::Leader]), &d), Err(AccessDenied::OtherAgency));
    }

    #[test]
    fn only_administrators_maintain_the_catalogue() {
        assert_eq!(may_administer(&officer("000.00.03.H56", &[Role::Admin])), Ok(()));
        let leader = officer("000.00.03.H56", &[Role::Leader, Role::Reception, Role::Specialist]);
        assert_eq!(may_administer(&leader), Err(AccessDenied::NotAdmin));
    }
}
