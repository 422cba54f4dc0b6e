//! The request bodies of the actions on a dossier, and the command each becomes: one line per
//! action in [`route_of`]. Unknown fields are refused (no mass assignment).

use chrono::{DateTime, FixedOffset};
use motcua_domain::catalogue::Officer;
use motcua_domain::lifecycle::{Action, Command, Rating, ReturnMethod};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use utoipa::ToSchema;

use utoipa_axum::router::UtoipaMethodRouter;

use super::actions::route;
use crate::service::input::{documents, DocumentInput};
use crate::service::{Refused, ServiceResult};
use crate::state::AppState;

/// A request body of an action.
pub trait ActionBody: DeserializeOwned + ToSchema + Send + 'static {
    /// The officer the body names (an assignee), looked up before the command is built.
    fn officer_named(&self) -> Option<&str> {
        None
    }
}

/// Builds an action's command from its body and the officer the body names, if any.
pub type Build<B> = fn(B, Option<Officer>) -> ServiceResult<Command>;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    pub note: Option<String>,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    pub reason: Option<String>,
}

impl ActionBody for NoteRequest {}
impl ActionBody for ReasonRequest {}
impl ActionBody for SupplementRequestBody {}
impl ActionBody for SupplementRequest {}
impl ActionBody for ExtendRequest {}
impl ActionBody for ReturnRequest {}
impl ActionBody for WithdrawRequest {}
impl ActionBody for Rating {}

impl ActionBody for AssignRequest {
    fn officer_named(&self) -> Option<&str> {
        Some(&self.assignee)
    }
}

impl ActionBody for ForwardRequest {
    fn officer_named(&self) -> Option<&str> {
        self.assignee.as_deref()
    }
}

/// An assign body always names its assignee; it was looked up or refused before this.
fn assignee(named: Option<Officer>) -> ServiceResult<Officer> {
    named.ok_or(Refused::AssigneeNotFound)
}

/// The route of `action`: its body type and how the body becomes the command; `None` for the
/// actions that open a dossier (their own routes file it, see `submit` and `receive`).
pub fn route_of(action: Action) -> Option<UtoipaMethodRouter<AppState>> {
    use Action as A;
    Some(match action {
        A::Submit | A::CounterReceive => return None,
        A::Receive => route::<NoteRequest>(action, |b, _| Ok(Command::Receive { note: b.note })),
        A::Refuse => route::<ReasonRequest>(action, |b, _| Ok(Command::Refuse { reason: b.reason })),
        A::RequestSupplement => route::<SupplementRequestBody>(action, |b, _| {
            Ok(Command::RequestSupplement { reason: b.reason, missing: b.missing })
        }),
        A::Supplement => route::<SupplementRequest>(action, |b, _| {
            Ok(Command::Supplement { documents: documents(b.documents), note: b.note })
        }),
        A::Assign => {
            route::<AssignRequest>(action, |b, o| Ok(Command::Assign { assignee: assignee(o)?, note: b.note }))
        }
        A::Forward => route::<ForwardRequest>(action, |b, o| Ok(Command::Forward { assignee: o, note: b.note })),
        A::Approve => route::<NoteRequest>(action, |b, _| Ok(Command::Approve { note: b.note })),
        A::Stop => route::<ReasonRequest>(action, |b, _| Ok(Command::Stop { reason: b.reason })),
        A::Extend => route::<ExtendRequest>(action, |b, _| {
            Ok(Command::Extend { reason: b.reason, new_due_at: b.new_due_at.to_utc() })
        }),
        A::Return => {
            route::<ReturnRequest>(action, |b, _| Ok(Command::Return { method: b.method, waybill: b.waybill }))
        }
        A::Withdraw => route::<WithdrawRequest>(action, |b, _| Ok(Command::Withdraw { reason: b.reason })),
        A::Rate => route::<Rating>(action, |rating, _| Ok(Command::Rate { rating })),
    })
}
