//! How each action is reached from outside: its path, the family (Lambda) that serves it,
//! whether it takes a body, the line that describes it, and whether the applicant reads its
//! note. The HTTP layer builds every action route and its OpenAPI operation from this and the
//! transition table; nothing here knows HTTP types.

use super::table::{Action, By, From, TRANSITIONS};

/// An action family: the routes one Lambda serves on AWS (all of them together in `motcua
/// serve`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Submit,
    Receive,
    Assign,
    Approve,
    Rate,
    /// Reads: catalogue, lookups, queues, and the operations routes.
    Query,
    Admin,
    /// Reports and published statistics.
    Reports,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Submit,
        Family::Receive,
        Family::Assign,
        Family::Approve,
        Family::Rate,
        Family::Query,
        Family::Admin,
        Family::Reports,
    ];

    /// The family's name, which is also its Lambda binary's name and its OpenAPI tag.
    pub const fn name(self) -> &'static str {
        match self {
            Family::Submit => "submit",
            Family::Receive => "receive",
            Family::Assign => "assign",
            Family::Approve => "approve",
            Family::Rate => "rate",
            Family::Query => "query",
            Family::Admin => "admin",
            Family::Reports => "reports",
        }
    }

    /// Whether the family files new dossiers (online or at the desk), and so derives lookup
    /// secrets from the server key.
    pub fn files_dossiers(self) -> bool {
        Action::ALL.iter().any(|a| a.surface().family == self && a.opens_dossier())
    }

    /// Whether the family commits actions that add to the applicants' document store (and so
    /// needs the server key the store spells owners with, see [`crate::documents::Owner::digest`]).
    pub fn keeps_documents(self) -> bool {
        Action::ALL.iter().any(|a| a.surface().family == self && crate::documents::keeps_documents(*a))
    }
}

/// Whether an action's request body may be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Every field is optional; an empty request is an empty body.
    Optional,
    Required,
}

/// The outside of one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Surface {
    /// `POST` path; `{code}` is the dossier code.
    pub path: &'static str,
    /// The OpenAPI `operationId` (client generators name their methods after it).
    pub operation: &'static str,
    pub family: Family,
    pub body: Body,
    /// One line: the Vietnamese term, then what it does.
    pub summary: &'static str,
    /// Whether the applicant's timeline shows the event's note (a reason, the missing list,
    /// the waybill); other notes are internal to the agency.
    pub note_to_applicant: bool,
}

impl Action {
    /// Whether the action creates the dossier (its rules start from [`From::New`]).
    pub fn opens_dossier(self) -> bool {
        TRANSITIONS.iter().any(|r| r.action == self && r.from == From::New)
    }

    /// Whether only the applicant takes the action (proven by the lookup secret), rather than
    /// an officer. A `const fn`, so the HTTP layer builds only the one handler an action needs.
    pub const fn by_applicant(self) -> bool {
        let (mut i, mut any) = (0, false);
        while i < TRANSITIONS.len() {
            let rule = &TRANSITIONS[i];
            if rule.action as u8 == self as u8 {
                if !(rule.by.len() == 1 && matches!(rule.by[0], By::Applicant)) {
                    return false;
                }
                any = true;
            }
            i += 1;
        }
        any
    }

    /// Whether only an outside system takes the action, the payment platform or the postal
    /// operator (no route of the generic action paths: its own callback route decides it).
    pub const fn by_platform(self) -> bool {
        let mut i = 0;
        while i < TRANSITIONS.len() {
            let rule = &TRANSITIONS[i];
            if rule.action as u8 == self as u8 {
                return rule.by.len() == 1 && matches!(rule.by[0], By::Platform | By::PostalOperator | By::Axis);
            }
            i += 1;
        }
        false
    }
}

/// The actions' surfaces as Markdown, for `docs/lifecycle.md` (a test keeps that file in step).
pub fn to_markdown() -> String {
    let mut out = String::from(
        "| action | route | family (Lambda) | who | body | the applicant reads its note |\n|---|---|---|---|---|---|\n",
    );
    for a in Action::ALL {
        let s = a.surface();
        let who = match (a.by_applicant(), a.opens_dossier(), a.by_platform()) {
            (_, _, true) if a == Action::PostalUpdate => "postal operator (signed callback)",
            (_, _, true) if a == Action::AxisStatus => "agency over the document axis (status packet)",
            (_, _, true) => "payment platform (signed callback)",
            (true, true, _) => "applicant",
            (true, false, _) => "applicant (`X-Lookup-Secret`)",
            (false, _, _) => "officer (bearer token)",
        };
        let body = match s.body {
            Body::Optional => "optional",
            Body::Required => "required",
        };
        let note = if s.note_to_applicant { "yes" } else { "no" };
        out.push_str(&format!(
            "| {} | `POST {}` | {} | {who} | {body} | {note} |\n",
            a.as_str(),
            s.path,
            s.family.name()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_documented_routes_are_the_surfaces() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/lifecycle.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let table = to_markdown();
        assert!(doc.contains(&table), "docs/lifecycle.md is out of date; replace its routes table with:\n{table}");
    }

    #[test]
    fn every_action_has_its_own_path_and_operation() {
        let paths: HashSet<_> = Action::ALL.iter().map(|a| a.surface().path).collect();
        let operations: HashSet<_> = Action::ALL.iter().map(|a| a.surface().operation).collect();
        assert_eq!(paths.len(), Action::ALL.len());
        assert_eq!(operations.len(), Action::ALL.len());
        for a in Action::ALL {
            let s = a.surface();
            // The platform's callback names its transaction, which names the dossier.
            let names_dossier = !a.opens_dossier() && !a.by_platform();
            assert_eq!(s.path.contains("{code}"), names_dossier, "{a:?}: an action on a dossier names it");
            assert!(!s.summary.is_empty() && s.summary.ends_with('.'), "{a:?}");
        }
    }

    #[test]
    fn action_all_lists_every_variant_of_the_schema() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(Action::schema()).unwrap();
        let names: Vec<String> = serde_json::from_value(schema["enum"].clone()).unwrap();
        assert_eq!(names, Action::ALL.map(|a| a.as_str().to_owned()));
    }

    #[test]
    fn applicant_actions_are_exactly_those_the_table_gives_the_applicant() {
        let applicant: Vec<Action> = Action::ALL.into_iter().filter(|a| a.by_applicant()).collect();
        assert_eq!(
            applicant,
            [
                Action::Submit,
                Action::Supplement,
                Action::Withdraw,
                Action::Rate,
                Action::ChooseNotices,
                Action::RequestPostalReturn,
                Action::RequestPostalCollection
            ]
        );
        assert!(Family::Submit.files_dossiers() && Family::Receive.files_dossiers());
        assert!(!Family::ALL.iter().any(|f| f.files_dossiers() && !matches!(f, Family::Submit | Family::Receive)));
    }
}
