//! The SMS gateway's delivery reports (`docs/notifications.md`): a callback proven by its
//! token, read whole before anything is applied, each report settling the message the gateway
//! took under that id if it still awaits one. A repeated callback changes nothing; one the
//! store could not finish is answered 503, and its repeat applies the rest.

use motcua_infra::outbox_worker::{apply_report, Applied};
use motcua_infra::sms_gateway::ReportRefused;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Refused, ServiceResult};
use crate::state::AppState;

/// What a callback's reports did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ReportsTaken {
    /// Messages that left `sending` for the reported outcome.
    pub settled: usize,
    /// Reports about a message settled already (a repeat, or a late report).
    pub unchanged: usize,
    /// Reports naming no message that awaits one here.
    pub unknown: usize,
}

/// Takes a callback carrying `token` and `body`.
pub async fn take(state: &AppState, token: Option<&str>, body: &[u8]) -> ServiceResult<ReportsTaken> {
    let reports = state.sms_reports.as_ref().ok_or(Refused::SmsReportsOff)?;
    reports.config.admits(token)?;
    let read = reports.config.read(body).map_err(ReportRefused::from)?;
    let mut taken = ReportsTaken::default();
    for report in read {
        match apply_report(reports.outbox.as_ref(), &report.provider_id, report.outcome).await? {
            Applied::Settled => taken.settled += 1,
            Applied::Unchanged => taken.unchanged += 1,
            Applied::Unknown => taken.unknown += 1,
        }
    }
    Ok(taken)
}
