//! Officers' workload (docs/reports.md "Workload"): per officer and per agency, what is in hand
//! now (read from the work queues: an agency's, each officer's own) and the steps finished in the
//! period (from the counters).

use std::collections::BTreeMap;

use motcua_domain::access::ReportReach;
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::Officer;
use motcua_domain::codes::AgencyCode;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::ports::QueueQuery;
use motcua_domain::reports::{Period, Pressure, StepsFinished, TallyQuery, Workload, SOON_MINUTES};
use serde::Serialize;
use utoipa::ToSchema;

use super::indicators::Stated;
use super::reports::{all_agencies, coverage, today};
use super::ServiceResult;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct OfficerLoad {
    pub officer: String,
    pub name: String,
    #[serde(flatten)]
    pub load: Workload,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyLoad {
    pub agency: String,
    pub name: String,
    /// Everything the agency handles, assigned or not.
    #[serde(flatten)]
    pub load: Workload,
    pub officers: Vec<OfficerLoad>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkloadReport {
    #[serde(flatten)]
    pub stated: Stated,
    /// When the dossiers in hand were counted.
    pub counted_at: chrono::DateTime<chrono::Utc>,
    pub agencies: Vec<AgencyLoad>,
}

/// The most dossiers a queue page reads.
const PAGE: usize = 1000;

/// Every open dossier of a queue, page after page.
async fn whole_queue(state: &AppState, query: QueueQuery) -> ServiceResult<Vec<Dossier>> {
    let position = |d: &Dossier| (d.due_at, d.code.to_string());
    super::every(PAGE, position, |after| {
        let query = QueueQuery { after, limit: PAGE, ..query.clone() };
        async move { state.dossiers.queue(query).await }
    })
    .await
}

/// Every officer of `agency`.
async fn officers_of(state: &AppState, agency: &AgencyCode) -> ServiceResult<Vec<Officer>> {
    super::every(
        200,
        |o: &Officer| o.id.to_string(),
        |after| async move { state.catalogue.officers(Some(agency), after.as_deref(), 200).await },
    )
    .await
}

fn held(dossiers: &[Dossier], now: chrono::DateTime<chrono::Utc>, soon: chrono::DateTime<chrono::Utc>) -> Workload {
    let mut load = Workload::default();
    for p in dossiers.iter().filter_map(|d| Pressure::of(d, now, soon)) {
        load.hold(p);
    }
    load
}

/// The workload of the covered agencies and their officers.
pub async fn workload(
    state: &AppState,
    reach: &ReportReach,
    agency: Option<&AgencyCode>,
    period: Period,
) -> ServiceResult<WorkloadReport> {
    let coverage = coverage(state, reach, agency).await?;
    let now = state.clock.now();
    let query = |officers| TallyQuery {
        agencies: coverage.agencies.clone(),
        from: Some(period.from),
        to: period.to,
        officers,
        measures: None,
    };
    let by_agency: BTreeMap<AgencyCode, _> =
        state.counters.summed(&query(false)).await?.into_iter().fold(BTreeMap::new(), |mut m, s| {
            m.entry(s.agency).or_insert_with(motcua_domain::reports::Counts::new).add_all(&s.counts);
            m
        });
    let mut by_officer: BTreeMap<String, motcua_domain::reports::Counts> = BTreeMap::new();
    for s in state.counters.summed(&query(true)).await? {
        if let Some(o) = s.officer {
            by_officer.entry(o.to_string()).or_default().add_all(&s.counts);
        }
    }
    let agencies = match &coverage.agencies {
        Some(list) => list.clone(),
        None => all_agencies(state).await?,
    };
    let mut rows = vec![];
    for code in agencies {
        let Some(agency) = state.catalogue.agency(&code).await? else { continue };
        let calendar = super::calendar(state, &agency).await?;
        let soon = vietnam::from_local(
            calendar.add_working_minutes(calendar.clock_start(vietnam::to_local(now)), SOON_MINUTES),
        );
        let queue = whole_queue(state, QueueQuery { agency: Some(code.clone()), ..QueueQuery::default() }).await?;
        let mut load = held(&queue, now, soon);
        load.finished = by_agency.get(&code).map(StepsFinished::of).unwrap_or_default();
        let mut officers = vec![];
        for officer in officers_of(state, &code).await? {
            let own =
                whole_queue(state, QueueQuery { assignee: Some(officer.id.clone()), ..QueueQuery::default() }).await?;
            let mut load = held(&own, now, soon);
            load.finished = by_officer.get(officer.id.as_str()).map(StepsFinished::of).unwrap_or_default();
            if load != Workload::default() {
                officers.push(OfficerLoad { officer: officer.id.to_string(), name: officer.name, load });
            }
        }
        if load != Workload::default() || !officers.is_empty() {
            rows.push(AgencyLoad { agency: code.to_string(), name: agency.name, load, officers });
        }
    }
    let stated = Stated { period, as_of: period.as_of(today(state)), scope: coverage.scope };
    Ok(WorkloadReport { stated, counted_at: now, agencies: rows })
}
