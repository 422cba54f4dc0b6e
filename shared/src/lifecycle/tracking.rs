//! The tracking card (Phiếu kiểm soát quá trình giải quyết hồ sơ), derived from history: one row
//! per hand-over with agency, given and taken times, giver and taker, step due and timeliness.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Action, Dossier, EventActor, HistoryEvent};
use crate::calendar::{vietnam, Timeliness};
use crate::catalogue::OfficerRef;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrackingRow {
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
    match actor {
        EventActor::Officer { officer, .. } => Some(officer.clone()),
        EventActor::Applicant => None,
    }
}

/// Builds the card from the dossier's events in order.
pub fn tracking_card(dossier: &Dossier, events: &[HistoryEvent]) -> Vec<TrackingRow> {
    let mut rows: Vec<TrackingRow> = Vec::new();
    let finish = |rows: &mut Vec<TrackingRow>, at: DateTime<Utc>, by: Option<OfficerRef>| {
        if let Some(row) = rows.last_mut().filter(|r| r.finished_at.is_none()) {
            if row.taken_at.is_none() {
                row.taken_at = Some(at);
                row.taken_by = by;
            }
            row.finished_at = Some(at);
            row.result =
                row.due_at.map(|due| Timeliness::classify(vietnam::to_local(at).date(), vietnam::to_local(due).date()));
        }
    };
    for e in events {
        let by = officer(&e.actor);
        let step_changed = e.to_step.is_some() && e.to_step != e.from_step;
        match e.action {
            Action::Assign => {
                if let Some(row) = rows.last_mut() {
                    row.taken_at = Some(e.at);
                    row.taken_by = e.assignee.clone();
                }
            }
            Action::Approve | Action::Refuse | Action::Stop | Action::Withdraw => finish(&mut rows, e.at, by.clone()),
            Action::Supplement => {
                if let Some(row) = rows.last_mut() {
                    row.due_at = e.step_due_at;
                }
            }
            _ => {}
        }
        if step_changed {
            finish(&mut rows, e.at, by.clone());
            let index = e.to_step.unwrap_or(0);
            rows.push(TrackingRow {
                step: index,
                step_name: dossier.terms.workflow.get(index).map(|s| s.name.clone()).unwrap_or_default(),
                agency: dossier.step_agency(index).clone(),
                given_at: e.at,
                given_by: by,
                taken_at: e.assignee.as_ref().map(|_| e.at),
                taken_by: e.assignee.clone(),
                due_at: e.step_due_at,
                finished_at: None,
                result: None,
            });
        }
    }
    rows
}
