//! Applies the transition table: checks the move and the actor, then lets the action's own
//! small function (one file each, named after the action) compute the new state; the history
//! event and the notice follow from the table. Pure: the caller supplies the time, calendar and
//! procedure.

mod approve;
mod assign;
mod authorise;
mod axis;
mod clock;
mod close;
mod consult;
mod extend;
mod forward;
mod open;
mod payment;
mod postal;
mod rate;
mod receive;
mod return_result;
mod supplement;
mod text;

use chrono::{DateTime, Utc};

pub use authorise::authorise;
pub use open::{open, NewDossier};

use super::table::{rules_for, Rule, To};
use super::{Action, Command, Dossier, EventActor, HistoryEvent, LifecycleError, NoticeKind, Status};
use crate::calendar::Calendar;
use crate::catalogue::{OfficerRef, Procedure, Role};
use crate::codes::{AgencyCode, DossierCode};

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Applicant,
    Officer(&'a crate::catalogue::Officer),
    /// The payment platform, its confirmation verified by the caller.
    Platform,
    /// The postal operator, its update verified by the caller.
    PostalOperator,
    /// The agency a step was handed to over the document axis, by a status packet the caller
    /// read off the axis and judged news ([`crate::axis::exchange::judge`]).
    Agency(&'a AgencyCode),
}

impl Actor<'_> {
    /// The officer's reference, for step records; none for the applicant.
    fn officer_ref(self) -> Option<OfficerRef> {
        match self {
            Actor::Officer(o) => Some(o.reference()),
            Actor::Applicant | Actor::Platform | Actor::PostalOperator | Actor::Agency(_) => None,
        }
    }

    /// How the history names the actor, in the role they acted in.
    fn record(self, role: Option<Role>) -> EventActor {
        match (self, role) {
            (Actor::Officer(o), Some(role)) => EventActor::Officer { officer: o.reference(), role },
            (Actor::PostalOperator, _) => EventActor::PostalOperator,
            (Actor::Agency(agency), _) => EventActor::Agency { agency: agency.clone() },
            _ => EventActor::Applicant,
        }
    }
}

/// What a decision needs from the world.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    /// The calendar of the dossier's agency.
    pub calendar: &'a Calendar,
    /// Calendars of the other agencies in the workflow (inter-agency steps keep their own
    /// agency's hours); an agency missing here uses the dossier agency's calendar.
    pub step_calendars: &'a [(AgencyCode, Calendar)],
    /// The procedure as the catalogue has it now (its terms are copied at reception).
    pub procedure: &'a Procedure,
    /// The workflow's agencies that run their own systems, reached through the document axis:
    /// a step of theirs is handed over as a package, not to an officer.
    pub external: &'a [AgencyCode],
}

impl<'a> Context<'a> {
    /// Everything at the dossier's agency.
    pub fn new(now: DateTime<Utc>, calendar: &'a Calendar, procedure: &'a Procedure) -> Self {
        Self { now, calendar, step_calendars: &[], procedure, external: &[] }
    }

    /// The working-time calendar of `agency`.
    pub fn calendar_of(&self, agency: &AgencyCode) -> &'a Calendar {
        self.step_calendars.iter().find(|(a, _)| a == agency).map(|(_, c)| c).unwrap_or(self.calendar)
    }
}

/// The outcome of an accepted action: commit all of it together, conditioned on the old version.
#[derive(Debug, Clone)]
pub struct Transition {
    pub dossier: Dossier,
    pub event: HistoryEvent,
    pub notice: Option<NoticeKind>,
}

impl Transition {
    /// The opening of a dossier under the code its store allocated (the decision was made
    /// before the code was known): the first event is sealed again under that code.
    pub fn opened_as(mut self, code: DossierCode) -> Self {
        self.dossier.code = code;
        self.dossier.history_head = super::chain::seal(&self.dossier.code, &mut self.event, super::chain::GENESIS);
        self
    }
}

/// A transition being worked out: the dossier as it will be, and what the event records
/// besides the change itself.
pub(super) struct Draft<'a> {
    pub d: Dossier,
    pub note: Option<String>,
    /// The officer a step was given to (assign, forward).
    pub assignee: Option<OfficerRef>,
    /// The acting officer, for step records.
    pub by: Option<OfficerRef>,
    /// A deadline the action sets for the applicant (a supplement's).
    pub deadline: Option<DateTime<Utc>>,
    /// The files the action attaches, for the event (and so the chain).
    pub files: Vec<crate::documents::FileRef>,
    /// The payment the action records.
    pub payment: Option<super::Payment>,
    /// The notice, when the action's rule decides another than the table's.
    pub notice: Option<NoticeKind>,
    pub ctx: &'a Context<'a>,
}

impl Draft<'_> {
    fn now(&self) -> DateTime<Utc> {
        self.ctx.now
    }

    /// Refuses the action as not possible in the dossier's state.
    fn invalid(&self, action: Action) -> LifecycleError {
        LifecycleError::InvalidTransition { action, status: self.d.status }
    }
}

fn rule_for(action: Action, status: Option<Status>) -> Result<&'static Rule, LifecycleError> {
    rules_for(action, status)
        .next()
        .ok_or(LifecycleError::InvalidTransition { action, status: status.unwrap_or(Status::Submitted) })
}

/// Decides an action on an existing dossier.
pub fn decide(
    current: &Dossier,
    actor: Actor<'_>,
    command: Command,
    ctx: &Context<'_>,
) -> Result<Transition, LifecycleError> {
    let action = command.action();
    let rule = rule_for(action, Some(current.status))?;
    let step = current.current_step().map(|(progress, def)| (progress, def.role, current.step_agency(progress.index)));
    let consulted: Vec<&OfficerRef> =
        current.consultations.iter().filter(|c| c.is_open()).map(|c| &c.asked_of).collect();
    axis::not_while_away(current, action)?;
    let role = authorise(rule, &current.agency_code, step, &consulted, actor)?;
    let mut draft = Draft {
        d: current.clone(),
        note: None,
        assignee: None,
        by: actor.officer_ref(),
        deadline: None,
        files: vec![],
        payment: None,
        notice: None,
        ctx,
    };
    match command {
        Command::Receive { note, reductions } => receive::receive(&mut draft, note, &reductions)?,
        Command::Refuse { reason } => close::refuse(&mut draft, &reason)?,
        Command::Stop { reason } => close::with_reason(&mut draft, &reason)?,
        Command::Withdraw { reason } => close::withdraw(&mut draft, reason)?,
        Command::RequestSupplement { reason, missing } => supplement::request(&mut draft, &reason, &missing)?,
        Command::Supplement { documents, note } | Command::CounterSupplement { documents, note } => {
            supplement::supplement(&mut draft, documents, note)?
        }
        Command::AcceptSupplement { note } => supplement::accept(&mut draft, note)?,
        Command::ReturnUnsupplemented { note } => supplement::return_unsupplemented(&mut draft, note)?,
        Command::Assign { assignee, note } => assign::assign(&mut draft, current, &assignee, note)?,
        Command::Forward { assignee, note } => forward::forward(&mut draft, assignee.as_ref(), note)?,
        Command::SendBack { reason } => forward::send_back(&mut draft, &reason)?,
        Command::Reassign { assignee, reason } => assign::reassign(&mut draft, current, &assignee, &reason)?,
        Command::Consult { officer, question } => consult::ask(&mut draft, &officer, &question)?,
        Command::Opinion { opinion } => consult::answer(&mut draft, &opinion)?,
        Command::Approve { note, results } => approve::approve(&mut draft, note, results)?,
        Command::Extend { reason, new_due_at } => extend::extend(&mut draft, &reason, new_due_at)?,
        Command::Return { method, waybill } => return_result::return_result(&mut draft, method, waybill)?,
        Command::Rate { answers } => rate::rate(&mut draft, answers)?,
        Command::RecordPayment { amount_vnd, receipt, note } => {
            payment::record(&mut draft, amount_vnd, &receipt, note)?
        }
        Command::ConfirmPayment { payment } => payment::confirm(&mut draft, payment)?,
        Command::ChooseNotices { channels } => {
            draft.d.notify_by = crate::notify::ChosenChannels::of(channels, &draft.d.applicant)?;
        }
        Command::RequestPostalReturn { address } => postal::request(&mut draft, address)?,
        Command::PostResult { reference, placed } => postal::post(&mut draft, reference, placed)?,
        Command::RequestPostalCollection { reference, placed, address } => {
            postal::collect(&mut draft, reference, placed, address)?
        }
        Command::PostalUpdate { update } => postal::update(&mut draft, update)?,
        Command::AxisStatus { packet } => axis::status(&mut draft, &packet)?,
        Command::AxisReply { package, files } => axis::reply(&mut draft, &package, files)?,
    }
    let Draft { mut d, note, assignee, deadline, files, payment, notice, .. } = draft;
    d.status = match rule.to {
        To::Status(s) => s,
        To::Resume => d.status,
        To::Unchanged => current.status,
        To::Decided(states) if states.contains(&d.status) => d.status,
        To::Decided(states) => states[0],
    };
    d.version = current.version + 1;
    d.events = current.events + 1;
    let mut event = HistoryEvent {
        seq: current.events,
        at: ctx.now,
        action,
        actor: actor.record(role),
        from_status: Some(current.status),
        to_status: d.status,
        from_step: current.step.as_ref().map(|s| s.index),
        to_step: d.step.as_ref().map(|s| s.index),
        note,
        assignee,
        step_due_at: d.step.as_ref().map(|s| s.due_at),
        due_at: d.due_at,
        deadline,
        files,
        payment,
        prev_hash: String::new(),
        hash: String::new(),
    };
    d.history_head = super::chain::seal(&d.code, &mut event, &current.history_head);
    Ok(Transition { dossier: d, event, notice: notice.or(rule.notice) })
}
