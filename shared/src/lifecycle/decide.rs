//! Applies the transition table: checks the move and the actor, then computes the new state,
//! the history event and the notice. Pure: the caller supplies the time, calendar and procedure.

use chrono::{DateTime, Utc};

use super::table::{rules_for, By, Rule, To};
use super::{
    Action, Applicant, Command, Dossier, EventActor, HistoryEvent, LifecycleError, NoticeKind, Pause, Rating,
    ResultDelivery, ReturnMethod, Status, StepProgress, SubmittedDocument, Terms,
};
use crate::calendar::{vietnam, Calendar};
use crate::catalogue::{ApplicantKind, Channel, Officer, OfficerRef, Procedure, Role};
use crate::codes::{AgencyCode, DossierCode};

/// Who is acting.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Applicant,
    Officer(&'a Officer),
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
}

impl<'a> Context<'a> {
    /// Everything at the dossier's agency.
    pub fn new(now: DateTime<Utc>, calendar: &'a Calendar, procedure: &'a Procedure) -> Self {
        Self { now, calendar, step_calendars: &[], procedure }
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

/// An applicant's or the desk's filing, before it has a code.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub channel: Channel,
    pub applicant: Applicant,
    pub documents: Vec<SubmittedDocument>,
}

const MAX_TEXT: usize = 2000;

fn rule_for(action: Action, status: Option<Status>) -> Result<&'static Rule, LifecycleError> {
    rules_for(action, status)
        .next()
        .ok_or(LifecycleError::InvalidTransition { action, status: status.unwrap_or(Status::Submitted) })
}

/// The role an officer acts in under `rule`, or why they may not.
pub fn authorise(
    rule: &Rule,
    dossier_agency: &AgencyCode,
    step: Option<(&StepProgress, Role, &AgencyCode)>,
    actor: Actor<'_>,
) -> Result<Option<Role>, LifecycleError> {
    let officer = match actor {
        Actor::Applicant if rule.by.contains(&By::Applicant) => return Ok(None),
        Actor::Applicant => return Err(LifecycleError::MissingRole { needed: needed_roles(rule, step) }),
        Actor::Officer(o) => o,
    };
    let mut denial = LifecycleError::ApplicantOnly;
    for by in rule.by {
        let (agency, role, assignee) = match (by, step) {
            (By::Applicant, _) => continue,
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
            By::Applicant => None,
        })
        .collect()
}

fn actor_record(actor: Actor<'_>, role: Option<Role>) -> EventActor {
    match (actor, role) {
        (Actor::Officer(o), Some(role)) => EventActor::Officer { officer: o.reference(), role },
        _ => EventActor::Applicant,
    }
}

fn required_text(text: &str, what: &'static str) -> Result<String, LifecycleError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(LifecycleError::ReasonRequired);
    }
    optional_text(Some(t), what).map(|t| t.unwrap_or_default())
}

fn optional_text(text: Option<&str>, what: &'static str) -> Result<Option<String>, LifecycleError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > MAX_TEXT => Err(LifecycleError::TooLong(what)),
        other => Ok(other.map(str::to_owned)),
    }
}

/// Checks a filing against the procedure: channel, applicant, components.
fn check_filing(new: &NewDossier, procedure: &Procedure) -> Result<(), LifecycleError> {
    if !procedure.channels.contains(&new.channel) {
        return Err(LifecycleError::ChannelNotOffered);
    }
    let a = &new.applicant;
    if !procedure.applicant_kinds.contains(&a.kind) {
        return Err(LifecycleError::ApplicantKindNotAccepted);
    }
    if a.name.trim().is_empty() {
        return Err(LifecycleError::ApplicantDetail("họ tên / name"));
    }
    if a.name.chars().count() > 200 || a.address.as_ref().is_some_and(|x| x.chars().count() > 500) {
        return Err(LifecycleError::TooLong("applicant"));
    }
    match a.kind {
        ApplicantKind::Citizen if a.citizen_id.is_none() => {
            return Err(LifecycleError::ApplicantDetail("số CCCD / citizen_id"))
        }
        ApplicantKind::Organisation if a.tax_code.is_none() => {
            return Err(LifecycleError::ApplicantDetail("mã số thuế / tax_code"))
        }
        _ => {}
    }
    if new.channel == Channel::Online && a.phone.is_none() && a.email.is_none() {
        return Err(LifecycleError::ApplicantDetail("số điện thoại hoặc email / phone or email"));
    }
    check_documents(&new.documents, procedure)?;
    let missing: Vec<String> = procedure
        .components
        .iter()
        .filter(|c| c.required && !new.documents.iter().any(|d| d.component == c.name))
        .map(|c| c.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(LifecycleError::MissingComponents(missing));
    }
    Ok(())
}

fn check_documents(documents: &[SubmittedDocument], procedure: &Procedure) -> Result<(), LifecycleError> {
    if documents.len() > 100 {
        return Err(LifecycleError::TooLong("documents"));
    }
    for d in documents {
        if !procedure.components.iter().any(|c| c.name == d.component) {
            return Err(LifecycleError::UnknownComponent(d.component.chars().take(200).collect()));
        }
        if d.file_name.trim().is_empty()
            || d.file_name.len() > 255
            || d.reference.as_ref().is_some_and(|r| r.len() > 500)
        {
            return Err(LifecycleError::ApplicantDetail("tên tệp / file_name"));
        }
    }
    Ok(())
}

/// Sets the clock running from `at`: the dossier's due time and the first step.
fn start_clock(d: &mut Dossier, at: DateTime<Utc>, by: Option<OfficerRef>, ctx: &Context<'_>) {
    let cal = ctx.calendar;
    let start = cal.reception_start(vietnam::to_local(at), d.terms.cutoff);
    d.received_at = Some(at);
    d.due_at = Some(vietnam::from_local(cal.due(start, d.terms.processing_time)));
    d.step = Some(step_progress(d, 0, at, by, ctx));
}

fn step_progress(
    d: &Dossier,
    index: usize,
    at: DateTime<Utc>,
    by: Option<OfficerRef>,
    ctx: &Context<'_>,
) -> StepProgress {
    let cal = ctx.calendar_of(d.step_agency(index));
    let share = d.terms.workflow.get(index).map(|s| s.share_percent).unwrap_or(0);
    let minutes = d.terms.processing_time.share_minutes(share, cal.hours().day_minutes());
    let due = cal.add_working_minutes(vietnam::to_local(at), minutes);
    StepProgress { index, given_at: at, given_by: by, assignee: None, taken_at: None, due_at: vietnam::from_local(due) }
}

/// Opens a dossier: online submission or reception at the desk.
pub fn open(
    code: DossierCode,
    new: NewDossier,
    actor: Actor<'_>,
    ctx: &Context<'_>,
) -> Result<Transition, LifecycleError> {
    let action = if matches!(actor, Actor::Officer(_)) { Action::CounterReceive } else { Action::Submit };
    if (action == Action::Submit) != (new.channel == Channel::Online) {
        return Err(LifecycleError::ChannelNotOffered);
    }
    let procedure = ctx.procedure;
    let rule = rule_for(action, None)?;
    let role = authorise(rule, &procedure.agency, None, actor)?;
    check_filing(&new, procedure)?;
    let status = match rule.to {
        To::Status(s) => s,
        _ => Status::Submitted,
    };
    let terms = Terms::of(procedure, new.channel);
    let mut d = Dossier::filed(code, procedure.code.clone(), procedure.agency.clone(), new, terms, ctx.now);
    d.status = status;
    if status == Status::Received {
        let by = match actor {
            Actor::Officer(o) => Some(o.reference()),
            Actor::Applicant => None,
        };
        start_clock(&mut d, ctx.now, by, ctx);
    }
    let event = HistoryEvent {
        seq: 0,
        at: ctx.now,
        action,
        actor: actor_record(actor, role),
        from_status: None,
        to_status: d.status,
        from_step: None,
        to_step: d.step.as_ref().map(|s| s.index),
        note: None,
        assignee: None,
        step_due_at: d.step.as_ref().map(|s| s.due_at),
        due_at: d.due_at,
        prev_hash: String::new(),
        hash: String::new(),
    };
    let mut event = event;
    d.history_head = super::chain::seal(&d.code, &mut event, super::chain::GENESIS);
    Ok(Transition { dossier: d, event, notice: rule.notice })
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
    let role = authorise(rule, &current.agency_code, step, actor)?;
    let officer_ref = match actor {
        Actor::Officer(o) => Some(o.reference()),
        Actor::Applicant => None,
    };
    let now = ctx.now;
    let cal = ctx.calendar;
    let mut d = current.clone();
    let mut note = None;
    let mut assignee_ref = None;

    match command {
        Command::Receive { note: n } => {
            note = optional_text(n.as_deref(), "note")?;
            d.terms = Terms::of(ctx.procedure, d.channel);
            start_clock(&mut d, now, officer_ref.clone(), ctx);
        }
        Command::Refuse { reason } | Command::Stop { reason } => {
            note = Some(required_text(&reason, "reason")?);
            d.finished_at = Some(now);
            d.pause = None;
        }
        Command::RequestSupplement { reason, missing } => {
            let reason = required_text(&reason, "reason")?;
            let missing: Vec<String> = missing.iter().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()).collect();
            if missing.is_empty() {
                return Err(LifecycleError::MissingListRequired);
            }
            if missing.len() > 50 || missing.iter().any(|m| m.chars().count() > 300) {
                return Err(LifecycleError::TooLong("missing"));
            }
            if d.supplement_requests > 0 {
                return Err(LifecycleError::SupplementAlreadyRequested);
            }
            let remaining = d
                .due_at
                .map(|due| cal.remaining(vietnam::to_local(now), vietnam::to_local(due), d.terms.processing_time.unit));
            d.pause = Some(Pause { paused_at: now, resume_to: d.status, remaining });
            d.supplement_requests += 1;
            note = Some(format!("{reason}\n- {}", missing.join("\n- ")));
        }
        Command::Supplement { documents, note: n } => {
            if documents.is_empty() {
                return Err(LifecycleError::DocumentsRequired);
            }
            check_documents(&documents, ctx.procedure)?;
            note = optional_text(n.as_deref(), "note")?;
            let pause = d.pause.take();
            d.status = pause.as_ref().map(|p| p.resume_to).unwrap_or(Status::Submitted);
            if let Some(remaining) = pause.and_then(|p| p.remaining) {
                let due = match d.terms.supplement_rule {
                    crate::catalogue::SupplementRule::Recompute => {
                        cal.due(cal.clock_start(vietnam::to_local(now)), d.terms.processing_time)
                    }
                    crate::catalogue::SupplementRule::Resume => cal.resume(vietnam::to_local(now), remaining),
                };
                d.due_at = Some(vietnam::from_local(due));
                if let Some(step) = &d.step {
                    let restarted = step_progress(&d, step.index, now, step.given_by.clone(), ctx);
                    d.step =
                        Some(StepProgress { assignee: step.assignee.clone(), taken_at: step.taken_at, ..restarted });
                }
            }
            d.documents.extend(documents);
        }
        Command::Assign { assignee, note: n } => {
            note = optional_text(n.as_deref(), "note")?;
            let Some(step) = d.step.as_mut() else {
                return Err(LifecycleError::InvalidTransition { action, status: d.status });
            };
            let def = current.terms.workflow.get(step.index);
            let eligible = def
                .is_some_and(|def| &assignee.agency == current.step_agency(step.index) && assignee.has_role(def.role));
            if !eligible {
                return Err(LifecycleError::AssigneeNotEligible);
            }
            step.assignee = Some(assignee.reference());
            step.taken_at = Some(now);
            assignee_ref = Some(assignee.reference());
        }
        Command::Forward { assignee, note: n } => {
            note = optional_text(n.as_deref(), "note")?;
            let index = d.step.as_ref().map(|s| s.index).unwrap_or(0);
            let next = index + 1;
            let Some(next_def) = d.terms.workflow.get(next) else {
                return Err(LifecycleError::LastStep);
            };
            let mut progress = step_progress(&d, next, now, officer_ref.clone(), ctx);
            if let Some(a) = assignee {
                if &a.agency != d.step_agency(next) || !a.has_role(next_def.role) {
                    return Err(LifecycleError::AssigneeNotEligible);
                }
                progress.assignee = Some(a.reference());
                progress.taken_at = Some(now);
                assignee_ref = Some(a.reference());
            }
            d.step = Some(progress);
        }
        Command::Approve { note: n } => {
            note = optional_text(n.as_deref(), "note")?;
            let index = d.step.as_ref().map(|s| s.index).unwrap_or(0);
            if index + 1 != d.terms.workflow.len() {
                return Err(LifecycleError::NotLastStep);
            }
            d.finished_at = Some(now);
        }
        Command::Extend { reason, new_due_at } => {
            note = Some(required_text(&reason, "reason")?);
            if d.extended {
                return Err(LifecycleError::AlreadyExtended);
            }
            let due = d.due_at.ok_or(LifecycleError::InvalidTransition { action, status: d.status })?;
            if now > due {
                return Err(LifecycleError::DeadlinePassed);
            }
            if new_due_at <= due {
                return Err(LifecycleError::NewDueNotLater);
            }
            d.due_at = Some(new_due_at);
            d.extended = true;
        }
        Command::Return { method, waybill } => {
            let waybill = waybill.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
            if method == ReturnMethod::Postal {
                if !d.terms.postal_return {
                    return Err(LifecycleError::PostalReturnNotOffered);
                }
                match &waybill {
                    None => return Err(LifecycleError::WaybillRequired),
                    Some(w) if w.len() > 64 => return Err(LifecycleError::TooLong("waybill")),
                    Some(_) => {}
                }
            }
            note = waybill.clone();
            d.result = Some(ResultDelivery { method, waybill: waybill.filter(|_| method == ReturnMethod::Postal) });
            d.returned_at = Some(now);
        }
        Command::Withdraw { reason } => {
            note = optional_text(reason.as_deref(), "reason")?;
            d.finished_at = Some(now);
            d.pause = None;
        }
        Command::Rate { rating } => {
            if d.rating.is_some() {
                return Err(LifecycleError::AlreadyRated);
            }
            check_rating(&rating)?;
            d.rating = Some(rating);
        }
    }

    d.status = match rule.to {
        To::Status(s) => s,
        To::Resume => d.status,
        To::Unchanged => current.status,
    };
    d.version = current.version + 1;
    d.events = current.events + 1;
    let event = HistoryEvent {
        seq: current.events,
        at: now,
        action,
        actor: actor_record(actor, role),
        from_status: Some(current.status),
        to_status: d.status,
        from_step: current.step.as_ref().map(|s| s.index),
        to_step: d.step.as_ref().map(|s| s.index),
        note,
        assignee: assignee_ref,
        step_due_at: d.step.as_ref().map(|s| s.due_at),
        due_at: d.due_at,
        prev_hash: String::new(),
        hash: String::new(),
    };
    let mut event = event;
    d.history_head = super::chain::seal(&d.code, &mut event, &current.history_head);
    Ok(Transition { dossier: d, event, notice: rule.notice })
}

fn check_rating(rating: &Rating) -> Result<(), LifecycleError> {
    if rating.indicators.len() != 9 {
        return Err(LifecycleError::InvalidRating("indicators must have nine scores"));
    }
    if rating.indicators.iter().any(|&s| s > 2) {
        return Err(LifecycleError::InvalidRating("each indicator is scored 0, 1 or 2"));
    }
    if rating.ease_of_use.is_some_and(|e| !(1..=5).contains(&e)) {
        return Err(LifecycleError::InvalidRating("ease_of_use is 1 to 5"));
    }
    if rating.comment.as_ref().is_some_and(|c| c.chars().count() > MAX_TEXT) {
        return Err(LifecycleError::TooLong("comment"));
    }
    Ok(())
}
