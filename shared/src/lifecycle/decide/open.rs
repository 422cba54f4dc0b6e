//! Opening a dossier: an online submission by the applicant, or a reception at the desk
//! (direct or postal) that is received at once. The filing is checked against the procedure:
//! channel, applicant, components.

use super::super::table::To;
use super::super::{
    Action, Applicant, Dossier, FeeReduction, HistoryEvent, LifecycleError, ReturnMethod, Status, SubmittedDocument,
    Terms,
};
use super::{authorise, clock, rule_for, text, Actor, Context, Transition};
use crate::catalogue::{ApplicantKind, Channel, OnlineLevel, Procedure};
use crate::codes::DossierCode;
use crate::notify::NoticeKind;

/// The longest applicant name and address, and the most documents one filing lists.
const MAX_NAME: usize = 200;
const MAX_ADDRESS: usize = 500;
const MAX_DOCUMENTS: usize = 100;
/// The longest file name and reference, in bytes.
const MAX_FILE_NAME: usize = 255;
const MAX_REFERENCE: usize = 500;

/// An applicant's or the desk's filing, before it has a code.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub channel: Channel,
    pub applicant: Applicant,
    pub documents: Vec<SubmittedDocument>,
    /// How the applicant wants the result: at the desk (when absent), by post or online.
    pub result_by: Option<ReturnMethod>,
    /// Exemptions and reductions the desk records at a counter reception (none online).
    pub reductions: Vec<FeeReduction>,
    /// A desk or postal filing found incomplete: filed without a receipt, for the desk to answer
    /// with a supplement request or a refusal.
    pub incomplete: bool,
    /// The channels chosen for notices (checked against the contacts given); empty: the
    /// default rule.
    pub notify_by: crate::notify::ChosenChannels,
    /// Where to deliver the result by post (with `result_by` postal, or for it when absent).
    pub delivery_address: Option<crate::postal::PostalAddress>,
}

/// Opens a dossier: online submission or reception at the desk.
pub fn open(
    code: DossierCode,
    new: NewDossier,
    actor: Actor<'_>,
    ctx: &Context<'_>,
) -> Result<Transition, LifecycleError> {
    let action = match actor {
        Actor::Officer(_) if new.incomplete => Action::CounterFile,
        Actor::Officer(_) => Action::CounterReceive,
        Actor::Applicant => Action::Submit,
        Actor::Platform | Actor::PostalOperator | Actor::Agency(_) => {
            return Err(LifecycleError::MissingRole { needed: vec![] })
        }
    };
    if (action == Action::Submit) != (new.channel == Channel::Online) {
        return Err(LifecycleError::ChannelNotOffered);
    }
    let procedure = ctx.procedure;
    let rule = rule_for(action, None)?;
    let role = authorise(rule, &procedure.agency, None, &[], actor)?;
    check_filing(&new, procedure)?;
    let mut new = new;
    if let Some(address) = new.delivery_address.take() {
        new.delivery_address = Some(address.checked()?);
        new.result_by = Some(ReturnMethod::Postal);
    }
    let status = match rule.to {
        To::Status(s) => s,
        To::Decided(_) => Status::Received,
        _ => Status::Submitted,
    };
    let mut terms = Terms::of(procedure, new.channel);
    if !new.reductions.is_empty() {
        if status != Status::Received {
            return Err(LifecycleError::InvalidReduction("only the desk records reductions, at reception"));
        }
        terms.fees = Some(super::super::fee_lines(&procedure.fees, &new.reductions)?);
    }
    let files = attached_files(&new.documents);
    let mut d = Dossier::filed(code, procedure.code.clone(), procedure.agency.clone(), new, terms, ctx.now);
    d.status = status;
    let mut notice = rule.notice;
    if status == Status::Received && super::payment::awaits(&d) {
        d.status = Status::AwaitingPayment;
        d.received_at = Some(ctx.now);
        notice = Some(NoticeKind::PaymentRequested);
    } else if status == Status::Received {
        clock::start(&mut d, ctx.now, actor.officer_ref(), ctx);
    }
    let mut event = HistoryEvent {
        seq: 0,
        at: ctx.now,
        action,
        actor: actor.record(role),
        from_status: None,
        to_status: d.status,
        from_step: None,
        to_step: d.step.as_ref().map(|s| s.index),
        note: None,
        assignee: None,
        step_due_at: d.step.as_ref().map(|s| s.due_at),
        due_at: d.due_at,
        deadline: None,
        files,
        payment: None,
        prev_hash: String::new(),
        hash: String::new(),
    };
    d.history_head = super::super::chain::seal(&d.code, &mut event, super::super::chain::GENESIS);
    Ok(Transition { dossier: d, event, notice })
}

/// The files of `documents`, for the event that attaches them.
pub(super) fn attached_files(documents: &[SubmittedDocument]) -> Vec<crate::documents::FileRef> {
    documents.iter().filter_map(|d| d.file.clone()).collect()
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
    if a.name.chars().count() > MAX_NAME {
        return Err(LifecycleError::TooLong("name"));
    }
    if a.address.as_ref().is_some_and(|x| x.chars().count() > MAX_ADDRESS) {
        return Err(LifecycleError::TooLong("address"));
    }
    if a.delegate_name.as_ref().is_some_and(|x| x.chars().count() > MAX_NAME) {
        return Err(LifecycleError::TooLong("delegate_name"));
    }
    text::plain(&a.name, "name", false)?;
    for (value, what) in [(&a.address, "address"), (&a.delegate_name, "delegate_name")] {
        if let Some(value) = value {
            text::plain(value, what, false)?;
        }
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
    match (new.result_by, &new.delivery_address) {
        (Some(ReturnMethod::Counter | ReturnMethod::Online), Some(_)) => {
            return Err(LifecycleError::AddressWithoutPostalReturn)
        }
        (None, Some(_)) if !procedure.postal_return => return Err(LifecycleError::PostalReturnNotOffered),
        _ => {}
    }
    match new.result_by {
        Some(ReturnMethod::Postal) if !procedure.postal_return => return Err(LifecycleError::PostalReturnNotOffered),
        Some(ReturnMethod::Online) if procedure.online_level != OnlineLevel::Full => {
            return Err(LifecycleError::OnlineResultNotOffered)
        }
        _ => {}
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
    if new.channel == Channel::Online {
        check_online_files(&new.documents, procedure)?;
    }
    Ok(())
}

/// An online filing (possible only at the partial or full level) is the dossier itself, not a
/// promise of papers: each required component must come with its file (Decree 45/2020).
fn check_online_files(documents: &[SubmittedDocument], procedure: &Procedure) -> Result<(), LifecycleError> {
    let without: Vec<String> = procedure
        .components
        .iter()
        .filter(|c| c.required && !documents.iter().any(|d| d.component == c.name && d.file.is_some()))
        .map(|c| c.name.clone())
        .collect();
    if without.is_empty() {
        Ok(())
    } else {
        Err(LifecycleError::MissingFiles(without))
    }
}

/// Checks the documents of a filing or a supplement: each names a component of the procedure
/// and a file.
pub(super) fn check_documents(documents: &[SubmittedDocument], procedure: &Procedure) -> Result<(), LifecycleError> {
    if documents.len() > MAX_DOCUMENTS {
        return Err(LifecycleError::TooLong("documents"));
    }
    for d in documents {
        if !procedure.components.iter().any(|c| c.name == d.component) {
            return Err(LifecycleError::UnknownComponent(d.component.chars().take(MAX_NAME).collect()));
        }
        if d.file_name.trim().is_empty() {
            return Err(LifecycleError::ApplicantDetail("tên tệp / file_name"));
        }
        if d.file_name.len() > MAX_FILE_NAME {
            return Err(LifecycleError::TooLong("file_name"));
        }
        if d.reference.as_ref().is_some_and(|r| r.len() > MAX_REFERENCE) {
            return Err(LifecycleError::TooLong("reference"));
        }
        text::plain(&d.file_name, "file_name", false)?;
        if let Some(reference) = &d.reference {
            text::plain(reference, "reference", false)?;
        }
    }
    Ok(())
}
