//! The dossier (hồ sơ) and what it carries: applicant, documents, the terms in force when it was
//! received, the current workflow step, a paused clock, the result and the rating.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Rating, Status};
use crate::calendar::{ProcessingTime, Remaining};
use crate::catalogue::{
    Allowances, ApplicantKind, Channel, Component, OfficerRef, OnlineLevel, Procedure, SupplementRule, WorkflowStep,
};
use crate::codes::{AgencyCode, DossierCode};
use crate::contact::{CitizenId, Email, PhoneNumber, TaxCode};

/// The applicant (personal data: shown only to officers handling the dossier and to the holder
/// of the lookup secret; never logged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    #[schema(value_type = Option<String>, example = "079203001234")]
    pub citizen_id: Option<CitizenId>,
    #[schema(value_type = Option<String>, example = "0101234567")]
    pub tax_code: Option<TaxCode>,
    #[schema(value_type = Option<String>, example = "+84912345678")]
    pub phone: Option<PhoneNumber>,
    #[schema(value_type = Option<String>)]
    pub email: Option<Email>,
    pub address: Option<String>,
    /// A delegate who files on the applicant's behalf (người được ủy quyền).
    pub delegate_name: Option<String>,
}

/// A document handed in for one component (metadata; files live in document storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubmittedDocument {
    /// The component's name, as in the procedure.
    pub component: String,
    pub file_name: String,
    /// Where the file is kept, or the number of a digitised document already held.
    #[serde(default)]
    pub reference: Option<String>,
    /// The file itself, when one was uploaded (its hash is also in the history chain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<crate::documents::FileRef>,
    /// What the desk read off the paper it digitised (number, notation, issuer, dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub particulars: Option<crate::documents::Particulars>,
    /// The stored document this one reuses instead of a new file, and where that came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused: Option<crate::documents::Reused>,
}

/// The procedure's rules as they stood when the dossier was received: later catalogue changes
/// do not move its deadlines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Terms {
    pub procedure_name: String,
    pub processing_time: ProcessingTime,
    pub cutoff: Option<NaiveTime>,
    pub supplement_rule: SupplementRule,
    /// Dossiers received before allowances existed had today's defaults.
    #[serde(default)]
    pub allowances: Allowances,
    pub postal_return: bool,
    pub workflow: Vec<WorkflowStep>,
    /// The procedure's online level when filed, for the reports (absent in records kept before:
    /// the reports count those as not offered online).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_level: Option<OnlineLevel>,
    /// The components asked for, as listed then (absent in records kept before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<Component>>,
    /// What the dossier owes, line by line, with any reduction the desk recorded (absent in
    /// records kept before: those read the catalogue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees: Option<Vec<super::FeeLine>>,
    /// The fees are paid before processing: the clock starts once they are.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fees_first: bool,
}

impl Terms {
    pub fn of(procedure: &Procedure, channel: Channel) -> Self {
        Self {
            components: Some(procedure.components.clone()),
            fees: Some(super::fees::listed(&procedure.fees)),
            procedure_name: procedure.name.clone(),
            processing_time: procedure.processing_time_for(channel),
            cutoff: procedure.cutoff,
            supplement_rule: procedure.supplement_rule,
            allowances: procedure.allowances,
            postal_return: procedure.postal_return,
            workflow: procedure.workflow.clone(),
            online_level: Some(procedure.online_level),
            fees_first: procedure.fees_first,
        }
    }
}

/// The workflow step in hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepProgress {
    pub index: usize,
    pub given_at: DateTime<Utc>,
    pub given_by: Option<OfficerRef>,
    pub assignee: Option<OfficerRef>,
    pub taken_at: Option<DateTime<Utc>>,
    pub due_at: DateTime<Utc>,
}

/// A stopped clock while the applicant supplements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pause {
    pub paused_at: DateTime<Utc>,
    pub resume_to: Status,
    /// What was left of a running clock; none when paused before reception.
    pub remaining: Option<Remaining>,
    /// What was left before the original (statutory) due time, when an extension moved the
    /// dossier's; none when the two are the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_remaining: Option<Remaining>,
    /// Working minutes that were left of the step in hand, on its agency's hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_remaining: Option<i64>,
    /// When the supplement is due (hạn bổ sung); none for pauses recorded before deadlines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// When documents were last brought (online or at the desk), waiting to be accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplied_at: Option<DateTime<Utc>>,
}

/// A workflow step as it finished: its agency and whether it kept its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinishedStep {
    pub index: usize,
    pub agency: AgencyCode,
    pub timeliness: crate::calendar::Timeliness,
    /// Who held the step when it finished (its assignee, else whoever finished it); absent in
    /// records kept before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<OfficerRef>,
    /// Working minutes from its hand-over to its finish, on its agency's hours (absent before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
}

/// How the result reached the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnMethod {
    /// At the one-stop desk.
    Counter,
    /// By post, with a waybill.
    Postal,
    /// Electronically (a downloadable result document).
    Online,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDelivery {
    pub method: ReturnMethod,
    pub waybill: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    pub code: DossierCode,
    pub procedure_code: String,
    pub agency_code: AgencyCode,
    pub channel: Channel,
    pub status: Status,
    /// Bumped by every transition; a write is conditioned on the version it read.
    pub version: u64,
    pub applicant: Applicant,
    pub documents: Vec<SubmittedDocument>,
    pub terms: Terms,
    pub submitted_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment the applicant holds now: the statutory one, or the date an extension
    /// (with its apology) set.
    pub due_at: Option<DateTime<Utc>>,
    /// The statutory appointment, before any extension: statistics classify against it.
    /// Absent in records from before it was kept (then it is `due_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_due_at: Option<DateTime<Utc>>,
    /// Working minutes between the clock's start and the statutory appointment, on the
    /// dossier agency's hours: what the workflow's steps share out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_minutes: Option<i64>,
    pub finished_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub step: Option<StepProgress>,
    pub pause: Option<Pause>,
    pub supplement_requests: u32,
    /// Of those, the requests made after reception (one stage; before reception is the other).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub processing_supplement_requests: u32,
    /// Extensions granted so far (stored as `extended`, once a flag: `true` reads as 1).
    #[serde(rename = "extended", deserialize_with = "count_or_flag")]
    pub extensions: u32,
    /// How the applicant asked to get the result (at the desk when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_by: Option<ReturnMethod>,
    /// The channels the applicant chose for notices; empty: the default rule.
    #[serde(default, skip_serializing_if = "crate::notify::ChosenChannels::is_default")]
    pub notify_by: crate::notify::ChosenChannels,
    pub result: Option<ResultDelivery>,
    /// Where the applicant has the result delivered by post (personal data, as the applicant's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<crate::postal::PostalAddress>,
    /// The result's shipments by post, oldest first: at most one live at a time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipments: Vec<crate::postal::Shipment>,
    /// The result documents issued at approval (kết quả điện tử).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<crate::documents::ResultDocument>,
    /// Workflow steps finished so far, with their agency and timeliness (for the rating's
    /// time-per-agency indicator and the per-agency reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finished_steps: Vec<FinishedStep>,
    /// Agencies that asked the applicant for something (supplements), besides the desk.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asking_agencies: Vec<AgencyCode>,
    pub rating: Option<Rating>,
    /// The fees paid, and how.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<super::Payment>,
    /// Opinions asked of other agencies' officers (xin ý kiến), answered or not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consultations: Vec<super::Consultation>,
    /// Steps handed to agencies that run their own systems, over the document axis.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exchanges: Vec<crate::axis::Exchange>,
    /// Number of history events so far; the next event's sequence number.
    pub events: u32,
    /// The hash of the last history event: the head of the chain (see [`super::chain`]).
    #[serde(default)]
    pub history_head: String,
}

impl Dossier {
    /// A dossier as filed, before any transition: submitted, version 1, its opening event only.
    pub fn filed(
        code: DossierCode,
        procedure_code: String,
        agency_code: AgencyCode,
        new: super::NewDossier,
        terms: Terms,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            code,
            procedure_code,
            agency_code,
            channel: new.channel,
            status: Status::Submitted,
            version: 1,
            applicant: new.applicant,
            documents: new.documents,
            terms,
            submitted_at: at,
            received_at: None,
            due_at: None,
            original_due_at: None,
            budget_minutes: None,
            finished_at: None,
            returned_at: None,
            step: None,
            pause: None,
            supplement_requests: 0,
            processing_supplement_requests: 0,
            extensions: 0,
            result_by: new.result_by,
            notify_by: new.notify_by,
            result: None,
            delivery_address: new.delivery_address,
            shipments: vec![],
            results: vec![],
            finished_steps: vec![],
            asking_agencies: vec![],
            rating: None,
            payments: vec![],
            consultations: vec![],
            exchanges: vec![],
            events: 1,
            history_head: String::new(),
        }
    }

    /// The workflow step in hand and its definition.
    pub fn current_step(&self) -> Option<(&StepProgress, &WorkflowStep)> {
        let progress = self.step.as_ref()?;
        Some((progress, self.terms.workflow.get(progress.index)?))
    }

    /// The agency whose queue the dossier is in now: the current step's agency while it is in
    /// the workflow (an inter-agency step sits with the other agency), else the dossier's own.
    pub fn handling_agency(&self) -> &AgencyCode {
        match &self.step {
            Some(step) if self.status.is_in_hand() => self.step_agency(step.index),
            _ => &self.agency_code,
        }
    }

    /// The statutory appointment (before extensions), once received.
    pub fn statutory_due_at(&self) -> Option<DateTime<Utc>> {
        self.original_due_at.or(self.due_at)
    }

    /// The agency in charge of workflow step `index`.
    pub fn step_agency(&self, index: usize) -> &AgencyCode {
        self.terms.workflow.get(index).and_then(|s| s.agency.as_ref()).unwrap_or(&self.agency_code)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A count that older records kept as a yes/no flag.
fn count_or_flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum CountOrFlag {
        Count(u32),
        Flag(bool),
    }
    Ok(match CountOrFlag::deserialize(d)? {
        CountOrFlag::Count(n) => n,
        CountOrFlag::Flag(f) => u32::from(f),
    })
}
