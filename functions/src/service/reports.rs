//! Reports (docs/reports.md): whom a report may cover, the counters it sums, and the rows it
//! groups them into, with names from the catalogue.

use std::collections::HashMap;

use motcua_domain::access::{report_reach, ReportReach};
use motcua_domain::calendar::vietnam;
use motcua_domain::catalogue::{Agency, Officer, Procedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::ProcedureQuery;
use motcua_domain::reports::ii06a::{GroupBy, Report, Scope, Sums};
use motcua_domain::reports::{period_sums, Measure, Period, TallyQuery, IN_HAND};

use super::{Refused, ServiceResult};
use crate::state::AppState;

/// What an II.06a request asks for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The agency (with those under it); the officer's reach when none.
    pub agency: Option<AgencyCode>,
    pub period: Period,
    pub group_by: GroupBy,
    /// Only the procedures of this field.
    pub field: Option<String>,
}

/// The agencies a report covers: `agency` and every agency under it, or the province (none).
pub struct Coverage {
    pub scope: Scope,
    pub agencies: Option<Vec<AgencyCode>>,
}

/// The agencies a report covers for a reader reaching `reach`: the one named (inside the reach,
/// else [`Refused::ReportAgencyNotFound`], as if it did not exist), or all of the reach.
pub async fn coverage(state: &AppState, reach: &ReportReach, agency: Option<&AgencyCode>) -> ServiceResult<Coverage> {
    let root = match (agency, reach) {
        (None, ReportReach::Province) => {
            return Ok(Coverage { scope: Scope { agency: None, name: "Toàn tỉnh".into() }, agencies: None })
        }
        (None, ReportReach::Agency(own)) => own.clone(),
        (Some(a), _) => a.clone(),
    };
    let found = state.catalogue.agency(&root).await?.ok_or(Refused::ReportAgencyNotFound)?;
    let agencies = coverage_of(state, &root).await?;
    if let ReportReach::Agency(own) = reach {
        // Inside the reach: the officer's agency, or one under it.
        if &root != own && !coverage_of(state, own).await?.contains(&root) {
            return Err(Refused::ReportAgencyNotFound);
        }
    }
    Ok(Coverage { scope: Scope { agency: Some(root.to_string()), name: found.name }, agencies: Some(agencies) })
}

/// Every agency under `root` (itself included).
async fn coverage_of(state: &AppState, root: &AgencyCode) -> ServiceResult<Vec<AgencyCode>> {
    let mut agencies = vec![root.clone()];
    let mut next = 0;
    while next < agencies.len() {
        let parent = agencies[next].clone();
        next += 1;
        let children = super::every(
            200,
            |a: &Agency| a.code.to_string(),
            |after| {
                let parent = parent.clone();
                async move { state.catalogue.agencies(Some(&parent), after.as_deref(), 200).await }
            },
        )
        .await?;
        agencies.extend(children.into_iter().map(|c| c.code).filter(|c| c != &parent));
    }
    Ok(agencies)
}

/// Every agency of the catalogue, in code order.
pub async fn all_agencies(state: &AppState) -> ServiceResult<Vec<AgencyCode>> {
    let all = super::every(
        200,
        |a: &Agency| a.code.to_string(),
        |after| async move { state.catalogue.agencies(None, after.as_deref(), 200).await },
    )
    .await?;
    Ok(all.into_iter().map(|a| a.code).collect())
}

/// Today's date in Vietnam.
pub fn today(state: &AppState) -> chrono::NaiveDate {
    vietnam::to_local(state.clock.now()).date()
}

/// The three sums of `period` for the covered agencies, per (agency, procedure).
pub async fn sums(
    state: &AppState,
    agencies: &Option<Vec<AgencyCode>>,
    period: Period,
    as_of: chrono::NaiveDate,
) -> ServiceResult<std::collections::BTreeMap<(AgencyCode, String), Sums>> {
    let query = |from: Option<chrono::NaiveDate>, to, measures: Option<&[Measure]>| TallyQuery {
        agencies: agencies.clone(),
        from,
        to,
        officers: false,
        measures: measures.map(<[Measure]>::to_vec),
    };
    let flows = state.counters.summed(&query(Some(period.from), period.to, None)).await?;
    // The in-hand counts are sums over all history: only their two measures are read.
    let to_eve = state.counters.summed(&query(None, period.eve(), Some(&IN_HAND))).await?;
    let to_end = state.counters.summed(&query(None, as_of, Some(&IN_HAND))).await?;
    Ok(period_sums(flows, to_eve, to_end))
}

/// Names from the catalogue, each looked up once.
#[derive(Default)]
pub struct Names {
    procedures: HashMap<String, Option<Procedure>>,
    agencies: HashMap<AgencyCode, String>,
}

impl Names {
    pub async fn procedure(&mut self, state: &AppState, code: &str) -> ServiceResult<Option<&Procedure>> {
        if !self.procedures.contains_key(code) {
            let found = state.catalogue.procedure(code).await?;
            self.procedures.insert(code.to_owned(), found);
        }
        Ok(self.procedures.get(code).and_then(Option::as_ref))
    }

    pub async fn agency(&mut self, state: &AppState, code: &AgencyCode) -> ServiceResult<String> {
        if !self.agencies.contains_key(code) {
            let name = state.catalogue.agency(code).await?.map_or_else(|| code.to_string(), |a| a.name);
            self.agencies.insert(code.clone(), name);
        }
        Ok(self.agencies[code].clone())
    }
}

/// The field a procedure no longer in the catalogue is listed under.
pub const UNKNOWN_FIELD: &str = "Không xác định";

/// Biểu II.06a for `officer`.
pub async fn ii06a(state: &AppState, officer: &Officer, request: Request) -> ServiceResult<Report> {
    let coverage = coverage(state, &report_reach(officer), request.agency.as_ref()).await?;
    if let Some(field) = &request.field {
        let query = ProcedureQuery { field: Some(field.clone()), limit: 1, ..ProcedureQuery::default() };
        if state.catalogue.procedures(query).await?.is_empty() {
            return Err(Refused::UnknownField(field.clone()));
        }
    }
    let as_of = request.period.as_of(today(state));
    let sums = sums(state, &coverage.agencies, request.period, as_of).await?;
    let mut names = Names::default();
    let mut parts = Vec::with_capacity(sums.len());
    for ((agency, procedure), s) in sums {
        let found = names.procedure(state, &procedure).await?;
        let field = found.map_or(UNKNOWN_FIELD.to_owned(), |p| p.field.clone());
        if request.field.as_ref().is_some_and(|f| f != &field) {
            continue;
        }
        let row = match request.group_by {
            GroupBy::Field => (field.clone(), field),
            GroupBy::Procedure => {
                let name = found.map_or_else(|| procedure.clone(), |p| p.name.clone());
                (procedure, name)
            }
            GroupBy::Agency => (agency.to_string(), names.agency(state, &agency).await?),
        };
        parts.push((row, s));
    }
    Ok(Report::build(request.period, as_of, coverage.scope, request.group_by, parts))
}
