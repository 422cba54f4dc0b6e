//! History events (nhật ký xử lý): one per transition, attributed to one actor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Action, Status};
use crate::catalogue::{OfficerRef, Role};

/// Who acted. On the wire a flat object tagged by `kind`; its OpenAPI schema (below) says so
/// with a discriminator over two plain object schemas, which client generators read whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventActor {
    Applicant,
    Officer {
        #[serde(flatten)]
        officer: OfficerRef,
        role: Role,
    },
    /// The postal operator, by a verified status update.
    PostalOperator,
    /// An agency that runs its own system, by a status packet over the document axis.
    Agency {
        #[serde(rename = "agency")]
        agency: crate::codes::AgencyCode,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEvent {
    /// 0, 1, 2, … within the dossier.
    pub seq: u32,
    pub at: DateTime<Utc>,
    pub action: Action,
    pub actor: EventActor,
    pub from_status: Option<Status>,
    pub to_status: Status,
    pub from_step: Option<usize>,
    pub to_step: Option<usize>,
    /// Reason, note or list of what is missing.
    pub note: Option<String>,
    /// The officer the step was given to, for assign and forward.
    pub assignee: Option<OfficerRef>,
    /// The due time of the step in hand after this event.
    pub step_due_at: Option<DateTime<Utc>>,
    /// The dossier's due time after this event.
    pub due_at: Option<DateTime<Utc>>,
    /// A deadline set for the applicant: when a requested supplement is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// The files this event attached (a filing's, a supplement's): the chain commits to
    /// their hashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<crate::documents::FileRef>,
    /// The payment this event records (the desk's, the platform's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<super::Payment>,
    /// The hash of the event before (see [`super::chain`]); all zeros for the first.
    #[serde(default)]
    pub prev_hash: String,
    /// SHA-256 of this event's canonical content, `prev_hash` included.
    #[serde(default)]
    pub hash: String,
}

impl EventActor {
    /// The officer who acted; none for the applicant and the systems outside.
    pub fn officer(&self) -> Option<&OfficerRef> {
        match self {
            EventActor::Officer { officer, .. } => Some(officer),
            EventActor::Applicant | EventActor::PostalOperator | EventActor::Agency { .. } => None,
        }
    }
}

impl HistoryEvent {
    /// The note as the applicant's timeline shows it: only where the action's surface gives it
    /// to the applicant (a reason, the missing list, the waybill), never an internal note.
    pub fn note_for_applicant(&self) -> Option<&str> {
        self.note.as_deref().filter(|_| self.action.surface().note_to_applicant)
    }

    /// The agency that acted; none for the applicant's own actions.
    pub fn acting_agency(&self) -> Option<&crate::codes::AgencyCode> {
        match &self.actor {
            EventActor::Officer { officer, .. } => Some(&officer.agency),
            EventActor::Agency { agency } => Some(agency),
            EventActor::Applicant | EventActor::PostalOperator => None,
        }
    }
}

mod schema {
    //! The OpenAPI description of [`EventActor`]: `oneOf` two plain objects, discriminated by
    //! `kind` (a derived schema would make the officer member an `allOf`, which some client
    //! generators drop together with every schema that contains it).

    use utoipa::openapi::schema::{Discriminator, ObjectBuilder, OneOfBuilder, Type};
    use utoipa::openapi::{Ref, RefOr, Schema};
    use utoipa::{PartialSchema, ToSchema};

    use super::EventActor;
    use crate::catalogue::Role;

    const APPLICANT: &str = "ApplicantActor";
    const OFFICER: &str = "OfficerActor";
    const POSTAL: &str = "PostalOperatorActor";
    const AGENCY: &str = "AgencyActor";

    fn kind(tag: &str) -> ObjectBuilder {
        ObjectBuilder::new().schema_type(Type::String).enum_values(Some([tag]))
    }

    fn text(description: &str) -> ObjectBuilder {
        ObjectBuilder::new().schema_type(Type::String).description(Some(description))
    }

    fn applicant() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("The applicant acted, proven by the dossier's lookup secret."))
            .property("kind", kind("applicant"))
            .required("kind")
            .into()
    }

    fn postal() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("The postal operator, by a verified status update about a shipment."))
            .property("kind", kind("postal_operator"))
            .required("kind")
            .into()
    }

    fn agency() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(
                "An agency that runs its own system, by a status packet over the national document axis.",
            ))
            .property("kind", kind("agency"))
            .property("agency", text("the agency's code"))
            .required("kind")
            .required("agency")
            .into()
    }

    fn officer() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some("An officer acted, in one role."))
            .property("kind", kind("officer"))
            .property("id", text("the officer's id"))
            .property("name", text("the officer's display name"))
            .property("agency", text("the officer's agency code"))
            .property("role", Ref::from_schema_name(Role::name()))
            .required("kind")
            .required("id")
            .required("name")
            .required("agency")
            .required("role")
            .into()
    }

    fn reference(name: &str) -> String {
        format!("#/components/schemas/{name}")
    }

    impl PartialSchema for EventActor {
        fn schema() -> RefOr<Schema> {
            let mapping = [
                ("applicant", reference(APPLICANT)),
                ("officer", reference(OFFICER)),
                ("postal_operator", reference(POSTAL)),
                ("agency", reference(AGENCY)),
            ];
            OneOfBuilder::new()
                .item(Ref::from_schema_name(APPLICANT))
                .item(Ref::from_schema_name(OFFICER))
                .item(Ref::from_schema_name(POSTAL))
                .item(Ref::from_schema_name(AGENCY))
                .discriminator(Some(Discriminator::with_mapping("kind", mapping)))
                .description(Some("Who acted."))
                .into()
        }
    }

    impl ToSchema for EventActor {
        fn name() -> std::borrow::Cow<'static, str> {
            "EventActor".into()
        }

        fn schemas(out: &mut Vec<(String, RefOr<Schema>)>) {
            out.push((APPLICANT.into(), applicant()));
            out.push((OFFICER.into(), officer()));
            out.push((POSTAL.into(), postal()));
            out.push((AGENCY.into(), agency()));
            out.push((Role::name().into_owned(), Role::schema()));
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::catalogue::{OfficerId, OfficerRef};
        use crate::codes::AgencyCode;

        /// Every field the wire form of an actor has is a property of its member schema.
        #[test]
        fn the_schema_describes_the_wire_form() {
            let officer_actor = EventActor::Officer {
                officer: OfficerRef {
                    id: OfficerId::parse("tuphap.lanhdao").unwrap(),
                    name: "L".into(),
                    agency: AgencyCode::parse("000.00.03.H56").unwrap(),
                },
                role: Role::Leader,
            };
            let members = [
                (EventActor::Applicant, applicant()),
                (officer_actor, officer()),
                (EventActor::PostalOperator, postal()),
                (EventActor::Agency { agency: AgencyCode::parse("000.00.21.H56").unwrap() }, agency()),
            ];
            for (actor, member) in members {
                let wire = serde_json::to_value(&actor).unwrap();
                let schema = serde_json::to_value(member).unwrap();
                let mut fields: Vec<&String> = wire.as_object().unwrap().keys().collect();
                let mut required: Vec<String> = serde_json::from_value(schema["required"].clone()).unwrap();
                fields.sort();
                required.sort();
                assert_eq!(fields, required.iter().collect::<Vec<_>>());
                let kind = &schema["properties"]["kind"]["enum"][0];
                assert_eq!(&wire["kind"], kind);
                let mapped = serde_json::to_value(EventActor::schema()).unwrap()["discriminator"]["mapping"]
                    [kind.as_str().unwrap()]
                .clone();
                let name = match kind.as_str().unwrap() {
                    "officer" => OFFICER,
                    "postal_operator" => POSTAL,
                    "agency" => AGENCY,
                    _ => APPLICANT,
                };
                assert!(mapped.as_str().unwrap().ends_with(name));
            }
        }
    }
}
