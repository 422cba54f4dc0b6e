//! The request bodies of the actions on a dossier, and the command each becomes: one line per
//! action in [`route_of`]. Unknown fields are refused (no mass assignment).

use chrono::{DateTime, FixedOffset};
use motcua_domain::catalogue::Officer;
use motcua_domain::documents::ResultDocument;
use motcua_domain::lifecycle::{Action, Command, FeeReduction, RatingAnswers, ReturnMethod, SubmittedDocument};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::ToSchema;

use super::actions::{applicant_route, description, officer_route};
use super::set::RouteSet;
use crate::service::input::{DocumentInput, ResultInput};
use crate::service::{Refused, ServiceResult};

/// A request body of an action.
pub trait ActionBody: DeserializeOwned + ToSchema + Send + 'static {
    /// The officer the body names (an assignee), looked up before the command is built.
    fn officer_named(&self) -> Option<&str> {
        None
    }

    /// The documents the body hands in, taken out to be checked (their uploads read) before
    /// the command is built.
    fn take_documents(&mut self) -> Vec<DocumentInput> {
        vec![]
    }

    /// The result documents the body issues, taken out likewise.
    fn take_results(&mut self) -> Vec<ResultInput> {
        vec![]
    }
}

/// What a body names, looked up: the officer, the documents and results with their files.
pub struct Named {
    pub officer: Option<Officer>,
    pub documents: Vec<SubmittedDocument>,
    pub results: Vec<ResultDocument>,
}

/// Builds an action's command from its body and what it names.
pub type Build<B> = fn(B, Named) -> ServiceResult<Command>;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub note: Option<String>,
}

/// The fees paid in person at the desk.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRecordRequest {
    /// The amount paid: the whole amount owed (the receipt's `total_fee_vnd`).
    pub amount_vnd: u64,
    /// The receipt's number (số biên lai), at most 50 characters.
    pub receipt: String,
    pub note: Option<String>,
}

impl ActionBody for PaymentRecordRequest {}

/// The channels of the applicant's notices.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticesRequest {
    /// `sms`, `email` or both, each with its contact given at filing; empty: the default rule
    /// (an SMS, the email kept as its fallback).
    pub channels: Vec<motcua_domain::notify::MessageChannel>,
}

impl ActionBody for NoticesRequest {}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveRequest {
    pub note: Option<String>,
    /// Exemptions and reductions of the procedure's fees, each with its legal basis.
    #[serde(default)]
    pub fee_reductions: Vec<FeeReduction>,
}

/// Phê duyệt: a note, and the result documents issued with their signed files.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    pub note: Option<String>,
    #[serde(default)]
    pub results: Vec<ResultInput>,
}

impl ActionBody for ApproveRequest {
    fn take_results(&mut self) -> Vec<ResultInput> {
        std::mem::take(&mut self.results)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementRequestBody {
    pub reason: String,
    /// Everything that is missing: the law allows one request, and it must be complete.
    pub missing: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementRequest {
    pub documents: Vec<DocumentInput>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    /// The officer id to give the current step to.
    pub assignee: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    /// The officer id to give the step in hand to instead.
    pub assignee: String,
    /// Why (kept in the history).
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultRequest {
    /// The officer of another agency whose opinion is asked.
    pub officer: String,
    pub question: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionRequest {
    pub opinion: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardRequest {
    /// Optionally, who takes the next step.
    pub assignee: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    pub reason: String,
    /// The new appointment, RFC 3339 (e.g. `2026-03-12T16:00:00+07:00`).
    #[schema(value_type = String, format = DateTime)]
    pub new_due_at: DateTime<FixedOffset>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnRequest {
    pub method: ReturnMethod,
    /// Required for `postal`.
    pub waybill: Option<String>,
}

/// Where the result is to be delivered by post.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostalReturnRequest {
    pub delivery_address: motcua_domain::postal::PostalAddress,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub reason: Option<String>,
}

impl ActionBody for NoteRequest {}
impl ActionBody for ReceiveRequest {}
impl ActionBody for ReasonRequest {}
impl ActionBody for SupplementRequestBody {}
impl ActionBody for SupplementRequest {
    fn take_documents(&mut self) -> Vec<DocumentInput> {
        std::mem::take(&mut self.documents)
    }
}
impl ActionBody for ExtendRequest {}
impl ActionBody for ReturnRequest {}
impl ActionBody for WithdrawRequest {}
impl ActionBody for PostalReturnRequest {}
impl ActionBody for RatingAnswers {}

impl ActionBody for AssignRequest {
    fn officer_named(&self) -> Option<&str> {
        Some(&self.assignee)
    }
}

impl ActionBody for ReassignRequest {
    fn officer_named(&self) -> Option<&str> {
        Some(&self.assignee)
    }
}

impl ActionBody for ConsultRequest {
    fn officer_named(&self) -> Option<&str> {
        Some(&self.officer)
    }
}

impl ActionBody for OpinionRequest {}

impl ActionBody for ForwardRequest {
    fn officer_named(&self) -> Option<&str> {
        self.assignee.as_deref()
    }
}

/// An assign body always names its assignee; it was looked up or refused before this.
fn assignee(named: Named) -> ServiceResult<Officer> {
    named.officer.ok_or(Refused::AssigneeNotFound)
}

/// `set` with the route of `action` in the family numbered `F` (`Family as u8`): its body type
/// and how the body becomes the command. Unchanged for another family's action (each arm's family is a
/// constant, so a family's Lambda links no other family's handlers) and for the actions that
/// open a dossier (their own routes file it, see `submit` and `receive`).
pub fn route_of<const F: u8, R: RouteSet>(set: R, action: Action) -> R {
    use Action as A;
    macro_rules! serve {
        ($action:ident, $body:ty, $build:expr) => {
            if const { A::$action.surface().family as u8 } == F {
                let method = if const { A::$action.by_applicant() } {
                    applicant_route::<$body>(A::$action, $build)
                } else {
                    officer_route::<$body>(A::$action, $build)
                };
                set.described(A::$action.surface().path, method, || description::<$body>(A::$action))
            } else {
                set
            }
        };
    }
    match action {
        // Opening a dossier has its own routes; the platform's confirmation comes through the
        // payment callback, the operator's updates through the postal callback, and posting a
        // result calls the operator before it decides (`routes::postal`); status packets come off
        // the document axis (`routes::axis`).
        A::Submit
        | A::CounterReceive
        | A::CounterFile
        | A::ConfirmPayment
        | A::PostResult
        | A::PostalUpdate
        | A::RequestPostalCollection
        | A::AxisStatus => set,
        A::Receive => serve!(Receive, ReceiveRequest, |b, _| {
            Ok(Command::Receive { note: b.note, reductions: b.fee_reductions })
        }),
        A::Refuse => serve!(Refuse, ReasonRequest, |b, _| Ok(Command::Refuse { reason: b.reason })),
        A::RequestSupplement => serve!(RequestSupplement, SupplementRequestBody, |b, _| {
            Ok(Command::RequestSupplement { reason: b.reason, missing: b.missing })
        }),
        A::Supplement => serve!(Supplement, SupplementRequest, |b, n| {
            Ok(Command::Supplement { documents: n.documents, note: b.note })
        }),
        A::CounterSupplement => serve!(CounterSupplement, SupplementRequest, |b, n| {
            Ok(Command::CounterSupplement { documents: n.documents, note: b.note })
        }),
        A::AcceptSupplement => {
            serve!(AcceptSupplement, NoteRequest, |b, _| Ok(Command::AcceptSupplement { note: b.note }))
        }
        A::ReturnUnsupplemented => {
            serve!(ReturnUnsupplemented, NoteRequest, |b, _| Ok(Command::ReturnUnsupplemented { note: b.note }))
        }
        A::Assign => {
            serve!(Assign, AssignRequest, |b, o| Ok(Command::Assign { assignee: assignee(o)?, note: b.note }))
        }
        A::Forward => {
            serve!(Forward, ForwardRequest, |b, n| Ok(Command::Forward { assignee: n.officer, note: b.note }))
        }
        A::SendBack => serve!(SendBack, ReasonRequest, |b, _| Ok(Command::SendBack { reason: b.reason })),
        A::Reassign => serve!(Reassign, ReassignRequest, |b, o| {
            Ok(Command::Reassign { assignee: assignee(o)?, reason: b.reason })
        }),
        A::Consult => serve!(Consult, ConsultRequest, |b, o| {
            Ok(Command::Consult { officer: assignee(o)?, question: b.question })
        }),
        A::Opinion => serve!(Opinion, OpinionRequest, |b, _| Ok(Command::Opinion { opinion: b.opinion })),
        A::Approve => {
            serve!(Approve, ApproveRequest, |b, n| Ok(Command::Approve { note: b.note, results: n.results }))
        }
        A::Stop => serve!(Stop, ReasonRequest, |b, _| Ok(Command::Stop { reason: b.reason })),
        A::Extend => serve!(Extend, ExtendRequest, |b, _| {
            Ok(Command::Extend { reason: b.reason, new_due_at: b.new_due_at.to_utc() })
        }),
        A::Return => {
            serve!(Return, ReturnRequest, |b, _| Ok(Command::Return { method: b.method, waybill: b.waybill }))
        }
        A::Withdraw => serve!(Withdraw, WithdrawRequest, |b, _| Ok(Command::Withdraw { reason: b.reason })),
        A::Rate => serve!(Rate, RatingAnswers, |answers, _| Ok(Command::Rate { answers })),
        A::RecordPayment => serve!(RecordPayment, PaymentRecordRequest, |b, _| {
            Ok(Command::RecordPayment { amount_vnd: b.amount_vnd, receipt: b.receipt, note: b.note })
        }),
        A::ChooseNotices => {
            serve!(ChooseNotices, NoticesRequest, |b, _| Ok(Command::ChooseNotices { channels: b.channels }))
        }
        A::RequestPostalReturn => serve!(RequestPostalReturn, PostalReturnRequest, |b, _| {
            Ok(Command::RequestPostalReturn { address: b.delivery_address })
        }),
    }
}

#[cfg(test)]
mod tests {
    use motcua_domain::lifecycle::Family;

    use super::*;

    /// A new action without its line in [`route_of`] would be served by no family.
    #[test]
    fn every_action_on_a_dossier_is_served_by_its_own_family_only() {
        for family in Family::ALL {
            let doc = super::super::router_of(family).split_for_parts().1;
            for action in Action::ALL.into_iter().filter(|a| !a.opens_dossier() && !a.by_platform()) {
                let served = doc.paths.paths.contains_key(action.surface().path);
                assert_eq!(served, action.surface().family == family, "{action:?} in {family:?}");
            }
        }
    }
}
