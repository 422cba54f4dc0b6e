//! Who may see what, beyond the transition table (which decides who may act): an officer reads
//! a dossier of their agency, or one that has been handed to their agency for a step of its
//! workflow (and keeps reading it afterwards: need to know, not need to have known); only an
//! administrator maintains the catalogue; an officer reads the reports of their own agency and
//! those under it, an inspector or an administrator the whole province's.

use crate::catalogue::{Officer, Role};
use crate::lifecycle::{Dossier, HistoryEvent};

/// Why an officer may not read or change something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenied {
    #[error("hồ sơ thuộc cơ quan khác / the dossier belongs to another agency")]
    OtherAgency,
    #[error("cần quyền quản trị / the admin role is required")]
    NotAdmin,
    #[error("hồ sơ đã kết thúc: kho dữ liệu của người nộp chỉ xem khi đang giải quyết hồ sơ / the dossier is finished: the applicant's store is read only while one of their dossiers is in hand")]
    Finished,
}

/// Whether `officer` may read the document store of `d`'s applicant: while handling `d` (they
/// may see it, and it is not finished).
pub fn may_read_store(officer: &Officer, d: &Dossier, history: &[HistoryEvent]) -> Result<(), AccessDenied> {
    may_see(officer, d, history)?;
    if d.status.is_closed() {
        return Err(AccessDenied::Finished);
    }
    Ok(())
}

/// Whether `officer` may read `d` (with its `history`) and its personal data: an officer of
/// the dossier's agency always; an officer of another agency once a step of the workflow has
/// been handed to that agency, or once their opinion was asked (xin ý kiến). A dossier still
/// submitted, or withdrawn before it reached them, stays out of their sight.
pub fn may_see(officer: &Officer, d: &Dossier, history: &[HistoryEvent]) -> Result<(), AccessDenied> {
    let mut handed = d.step.iter().map(|s| s.index).chain(history.iter().filter_map(|e| e.to_step));
    let consulted = d.consultations.iter().any(|c| c.asked_of.id == officer.id);
    if officer.agency == d.agency_code || consulted || handed.any(|i| d.step_agency(i) == &officer.agency) {
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

/// Whose reports an officer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportReach {
    /// Every agency of the province.
    Province,
    /// This agency and every agency under it.
    Agency(crate::codes::AgencyCode),
}

/// What `officer` reads of the reports: the whole province for an inspector or an administrator,
/// else their own agency with those under it.
pub fn report_reach(officer: &Officer) -> ReportReach {
    if officer.has_role(Role::Inspector) || officer.has_role(Role::Admin) {
        ReportReach::Province
    } else {
        ReportReach::Agency(officer.agency.clone())
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::catalogue::{OfficerId, WorkflowStep};
    use crate::codes::{AgencyCode, DossierCode};
    use crate::lifecycle::StepProgress;

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
            arrivals: Default::default(),
        }
    }

    /// GIVEN a dossier of the justice department whose second step belongs to the police.
    fn dossier() -> Dossier {
        let step = |agency: Option<AgencyCode>| WorkflowStep {
            name: "x".into(),
            role: Role::Specialist,
            agency,
            share_percent: 50,
        };
        let dossier_code = DossierCode::new(code("000.00.03.H56"), Utc::now().date_naive(), 1).unwrap();
        let workflow = vec![step(None), step(Some(code("000.00.10.H56")))];
        crate::fixtures::filed(dossier_code, crate::fixtures::citizen("A", None, None), workflow, Utc::now())
    }

    #[test]
    fn a_step_agency_sees_a_dossier_once_handed_to_it_and_after() {
        let mut d = dossier();
        let desk = officer("000.00.03.H56", &[Role::Reception]);
        let police = officer("000.00.10.H56", &[Role::Specialist]);
        let stranger = officer("000.00.11.H56", &[Role::Leader]);
        // Submitted: only the dossier's own agency.
        assert_eq!(may_see(&desk, &d, &[]), Ok(()));
        assert_eq!(may_see(&police, &d, &[]), Err(AccessDenied::OtherAgency));
        // Handed to the police's step.
        let at = Utc::now();
        d.step =
            Some(StepProgress { index: 1, given_at: at, given_by: None, assignee: None, taken_at: None, due_at: at });
        assert_eq!(may_see(&police, &d, &[]), Ok(()));
        // Back at the first step, the police keep their record.
        d.step = Some(StepProgress { index: 0, ..d.step.clone().unwrap() });
        assert_eq!(may_see(&police, &d, &[]), Err(AccessDenied::OtherAgency), "the history says otherwise");
        let handed = crate::lifecycle::HistoryEvent {
            from_step: Some(0),
            to_step: Some(1),
            ..crate::fixtures::event(
                2,
                at,
                crate::lifecycle::Action::Forward,
                crate::lifecycle::EventActor::Applicant,
                crate::lifecycle::Status::Processing,
            )
        };
        assert_eq!(may_see(&police, &d, std::slice::from_ref(&handed)), Ok(()));
        assert_eq!(may_see(&stranger, &d, &[handed]), Err(AccessDenied::OtherAgency));
    }

    #[test]
    fn only_administrators_maintain_the_catalogue() {
        assert_eq!(may_administer(&officer("000.00.03.H56", &[Role::Admin])), Ok(()));
        assert_eq!(may_administer(&officer("000.00.00.H56", &[Role::Inspector])), Err(AccessDenied::NotAdmin));
        let leader = officer("000.00.03.H56", &[Role::Leader, Role::Reception, Role::Specialist]);
        assert_eq!(may_administer(&leader), Err(AccessDenied::NotAdmin));
    }
}
