//! The tracking card (Phiếu kiểm soát quá trình giải quyết hồ sơ), derived from history: one row
//! per hand-over with agency, given and taken times, giver and taker, step due and timeliness,
//! and a row for each supplement request going out (due at its deadline, finished when the
//! documents come back) and each supplement brought (taken when the desk or the step holder
//! accepts it); the step's row then shows its due time after the pause. A step sent back closes
//! its row and opens the previous step's again; a step re-assigned closes its row and opens one
//! for the new holder. An opinion asked of another agency has its row, from the question to the
//! answer.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Action, Dossier, EventActor, HistoryEvent};
use crate::calendar::Timeliness;
use crate::catalogue::OfficerRef;

/// What a row of the card records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A workflow step, from its hand-over to its finish.
    Step,
    /// A request for a supplement, from the request to the supplement (its due: the deadline).
    SupplementRequested,
    /// The applicant's supplement, received.
    SupplementReceived,
    /// An opinion asked of another agency's officer, from the question to the answer.
    Consultation,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrackingRow {
    pub kind: RowKind,
    pub step: usize,
    pub step_name: String,
    #[schema(value_type = String)]
    pub agency: crate::codes::AgencyCode,
    pub given_at: DateTime<Utc>,
    pub given_by: Option<OfficerRef>,
    pub taken_at: Option<DateTime<Utc>>,
    pub taken_by: Option<OfficerRef>,
    pub due_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Early / on time / late, once the step is finished.
    pub result: Option<Timeliness>,
}

fn officer(actor: &EventActor) -> Option<OfficerRef> {
    actor.officer().cloned()
}

fn classify(at: DateTime<Utc>, due: Option<DateTime<Utc>>) -> Option<Timeliness> {
    due.map(|due| Timeliness::of(at, due))
}

/// Closes an open row at `at`: taken then if nobody took it, finished, classified.
fn finish(row: &mut TrackingRow, at: DateTime<Utc>, by: Option<OfficerRef>) {
    if row.finished_at.is_some() {
        return;
    }
    if row.taken_at.is_none() {
        row.taken_at = Some(at);
        row.taken_by = by;
    }
    row.finished_at = Some(at);
    row.result = classify(at, row.due_at);
}

/// Builds the card from the dossier's events in order.
pub fn tracking_card(dossier: &Dossier, events: &[HistoryEvent]) -> Vec<TrackingRow> {
    let mut rows: Vec<TrackingRow> = Vec::new();
    // The rows of the step in hand, of the open supplement request and of a supplement brought
    // but not yet accepted.
    let (mut step, mut request, mut brought): (Option<usize>, Option<usize>, Option<usize>) = (None, None, None);
    // The rows of opinions awaited, by the officer asked.
    let mut asked: Vec<(String, usize)> = Vec::new();
    let agency_of = |e: &HistoryEvent| e.acting_agency().cloned().unwrap_or_else(|| dossier.agency_code.clone());
    let row =
        |kind: RowKind, index: usize, name: String, agency: crate::codes::AgencyCode, e: &HistoryEvent| TrackingRow {
            kind,
            step: index,
            step_name: name,
            agency,
            given_at: e.at,
            given_by: officer(&e.actor),
            taken_at: None,
            taken_by: None,
            due_at: None,
            finished_at: None,
            result: None,
        };
    for e in events {
        let by = officer(&e.actor);
        let index = e.to_step.or(e.from_step).unwrap_or(0);
        match e.action {
            Action::Assign => {
                if let Some(r) = step.map(|i| &mut rows[i]) {
                    r.taken_at = Some(e.at);
                    r.taken_by = e.assignee.clone();
                }
            }
            Action::Reassign => {
                // The step changes hands: its row closes, a row of the same step opens for the
                // new holder with the same due time.
                if let Some(i) = step {
                    let held = rows[i].taken_by.clone();
                    finish(&mut rows[i], e.at, held);
                    let mut r = row(RowKind::Step, index, rows[i].step_name.clone(), rows[i].agency.clone(), e);
                    (r.taken_at, r.taken_by, r.due_at) = (Some(e.at), e.assignee.clone(), e.step_due_at);
                    step = Some(rows.len());
                    rows.push(r);
                }
            }
            Action::Consult => {
                if let Some(of) = &e.assignee {
                    let agency =
                        dossier.consultations.iter().find(|c| c.asked_of.id == of.id).map(|c| c.agency.clone());
                    let mut r = row(
                        RowKind::Consultation,
                        index,
                        "Xin ý kiến".into(),
                        agency.unwrap_or_else(|| agency_of(e)),
                        e,
                    );
                    r.taken_by = Some(of.clone());
                    asked.push((of.id.to_string(), rows.len()));
                    rows.push(r);
                }
            }
            Action::Opinion => {
                let me = by.as_ref().map(|o| o.id.to_string());
                if let Some(at) = asked.iter().position(|(id, _)| Some(id) == me.as_ref()) {
                    let (_, i) = asked.remove(at);
                    (rows[i].taken_at, rows[i].finished_at) = (Some(e.at), Some(e.at));
                }
            }
            Action::Approve | Action::Refuse | Action::Stop | Action::Withdraw | Action::ReturnUnsupplemented => {
                for i in [step, request, brought].into_iter().flatten() {
                    finish(&mut rows[i], e.at, by.clone());
                }
            }
            Action::RequestSupplement => {
                let mut r = row(RowKind::SupplementRequested, index, "Yêu cầu bổ sung hồ sơ".into(), agency_of(e), e);
                r.due_at = e.deadline;
                request = Some(rows.len());
                rows.push(r);
            }
            Action::Supplement | Action::CounterSupplement => {
                if let Some(i) = request.take() {
                    rows[i].taken_at = Some(e.at);
                    rows[i].finished_at = Some(e.at);
                    rows[i].result = classify(e.at, rows[i].due_at);
                }
                brought.get_or_insert_with(|| {
                    rows.push(row(RowKind::SupplementReceived, index, "Bổ sung hồ sơ".into(), agency_of(e), e));
                    rows.len() - 1
                });
            }
            Action::AcceptSupplement => {
                if let Some(i) = brought.take() {
                    (rows[i].taken_at, rows[i].taken_by, rows[i].finished_at) = (Some(e.at), by.clone(), Some(e.at));
                }
                if let Some(i) = step {
                    rows[i].due_at = e.step_due_at;
                }
            }
            _ => {}
        }
        if e.to_step.is_some() && e.to_step != e.from_step {
            if let Some(i) = step {
                finish(&mut rows[i], e.at, by.clone());
            }
            let name = dossier.terms.workflow.get(index).map(|s| s.name.clone()).unwrap_or_default();
            let mut r = row(RowKind::Step, index, name, dossier.step_agency(index).clone(), e);
            r.taken_at = e.assignee.as_ref().map(|_| e.at);
            r.taken_by = e.assignee.clone();
            r.due_at = e.step_due_at;
            step = Some(rows.len());
            rows.push(r);
        }
    }
    rows
}
