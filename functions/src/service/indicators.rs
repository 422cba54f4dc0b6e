//! The reports beyond the II.06a (docs/reports.md): the seed's rates and the Decision 766 score
//! card per agency and for the scope, satisfaction per agency, procedure or officer, and the
//! published statistics per agency and field. All from the counters, like the II.06a.

use std::collections::{BTreeMap, BTreeSet};

use motcua_domain::access::ReportReach;
use motcua_domain::catalogue::{OnlineLevel, Procedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::ProcedureQuery;
use motcua_domain::reports::ii06a::{Figures, Scope, Sums};
use motcua_domain::reports::{
    score_card, Counts, Measure, Offer, Period, Rates, Ratio, Satisfaction, ScoreCard, TallyQuery,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::reports::{coverage, sums, today, Coverage, Names, UNKNOWN_FIELD};
use super::ServiceResult;
use crate::state::AppState;

/// A period as reports state it: its dates and when the in-hand counts were taken.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Stated {
    pub period: Period,
    pub as_of: chrono::NaiveDate,
    pub scope: Scope,
}

/// The period's sums per agency and procedure, and how the period is stated.
async fn per_agency(
    state: &AppState,
    coverage: &Coverage,
    period: Period,
) -> ServiceResult<(Stated, BTreeMap<(AgencyCode, String), Sums>)> {
    let as_of = period.as_of(today(state));
    let sums = sums(state, &coverage.agencies, period, as_of).await?;
    Ok((Stated { period, as_of, scope: coverage.scope.clone() }, sums))
}

fn add(into: &mut Sums, s: &Sums) {
    into.flows.add_all(&s.flows);
    into.to_eve.add_all(&s.to_eve);
    into.to_end.add_all(&s.to_end);
}

/// The agencies' sums, and the scope's.
fn by_agency(sums: &BTreeMap<(AgencyCode, String), Sums>) -> (BTreeMap<AgencyCode, Sums>, Sums) {
    let (mut agencies, mut total): (BTreeMap<AgencyCode, Sums>, Sums) = Default::default();
    for ((agency, _), s) in sums {
        add(agencies.entry(agency.clone()).or_default(), s);
        add(&mut total, s);
    }
    (agencies, total)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyRates {
    pub agency: String,
    pub name: String,
    pub rates: Rates,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatesReport {
    #[serde(flatten)]
    pub stated: Stated,
    /// The covered agencies that have procedures or dossiers, in code order.
    pub agencies: Vec<AgencyRates>,
    pub total: Rates,
}

/// Every procedure of `agency` the catalogue offers online (partly or fully).
async fn online_procedures(state: &AppState, agency: &AgencyCode) -> ServiceResult<Vec<String>> {
    let all = super::every(
        200,
        |p: &Procedure| p.code.clone(),
        |after| {
            let query = ProcedureQuery { agency: Some(agency.clone()), after, limit: 200, ..Default::default() };
            async move { state.catalogue.procedures(query).await }
        },
    )
    .await?;
    Ok(all.into_iter().filter(|p| p.online_level != OnlineLevel::Information).map(|p| p.code).collect())
}

/// The seed's rates of `period`, per agency of `reach` (or the one named) and for the scope.
pub async fn rates(
    state: &AppState,
    reach: &ReportReach,
    agency: Option<&AgencyCode>,
    period: Period,
) -> ServiceResult<RatesReport> {
    let coverage = coverage(state, reach, agency).await?;
    let (stated, sums) = per_agency(state, &coverage, period).await?;
    let used: BTreeSet<(&AgencyCode, &str)> = sums
        .iter()
        .filter(|(_, s)| s.flows.get(Measure::ReceivedOnline) > 0)
        .map(|((a, p), _)| (a, p.as_str()))
        .collect();
    let (per, total) = by_agency(&sums);
    let agencies: Vec<AgencyCode> = match &coverage.agencies {
        Some(list) => list.clone(),
        None => super::reports::all_agencies(state).await?,
    };
    let (mut rows, mut offer_total) = (vec![], Offer::default());
    let mut names = Names::default();
    for agency in agencies {
        let online = online_procedures(state, &agency).await?;
        let offer = Offer {
            online_procedures: online.len() as i64,
            online_procedures_used: online.iter().filter(|p| used.contains(&(&agency, p.as_str()))).count() as i64,
        };
        let flows = per.get(&agency).map(|s| s.flows.clone()).unwrap_or_default();
        if offer.online_procedures == 0 && flows.is_zero() {
            continue;
        }
        offer_total.online_procedures += offer.online_procedures;
        offer_total.online_procedures_used += offer.online_procedures_used;
        let name = names.agency(state, &agency).await?;
        rows.push(AgencyRates { agency: agency.to_string(), name, rates: Rates::of(&flows, &offer) });
    }
    rows.sort_by(|a, b| a.agency.cmp(&b.agency));
    Ok(RatesReport { stated, agencies: rows, total: Rates::of(&total.flows, &offer_total) })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyScoreCard {
    pub agency: String,
    pub name: String,
    pub score_card: ScoreCard,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreCardReport {
    #[serde(flatten)]
    pub stated: Stated,
    pub agencies: Vec<AgencyScoreCard>,
    pub total: ScoreCard,
}

/// The Decision 766 score card of `period`, per agency with dossiers and for the scope.
pub async fn score_cards(
    state: &AppState,
    reach: &ReportReach,
    agency: Option<&AgencyCode>,
    period: Period,
) -> ServiceResult<ScoreCardReport> {
    let coverage = coverage(state, reach, agency).await?;
    let (stated, sums) = per_agency(state, &coverage, period).await?;
    let (per, total) = by_agency(&sums);
    let mut names = Names::default();
    let mut agencies = vec![];
    for (agency, s) in per {
        let name = names.agency(state, &agency).await?;
        agencies.push(AgencyScoreCard {
            agency: agency.to_string(),
            name,
            score_card: score_card(&s.flows, &s.to_end),
        });
    }
    Ok(ScoreCardReport { stated, agencies, total: score_card(&total.flows, &total.to_end) })
}

/// What satisfaction rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatedBy {
    Agency,
    Procedure,
    Officer,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionRow {
    /// The agency's code, the procedure's code or the officer's id.
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub satisfaction: Satisfaction,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionReport {
    #[serde(flatten)]
    pub stated: Stated,
    pub rows: Vec<SatisfactionRow>,
    /// The scope's ratings (each rating once).
    pub total: Satisfaction,
}

/// The ratings given in `period`, per agency, procedure or officer (a rating counts for every
/// officer who took a step of the dossier).
pub async fn satisfaction(
    state: &AppState,
    reach: &ReportReach,
    agency: Option<&AgencyCode>,
    period: Period,
    by: RatedBy,
) -> ServiceResult<SatisfactionReport> {
    let coverage = coverage(state, reach, agency).await?;
    let as_of = period.as_of(today(state));
    let query = |officers| TallyQuery {
        agencies: coverage.agencies.clone(),
        from: Some(period.from),
        to: period.to,
        officers,
        measures: None,
    };
    let dossiers = state.counters.summed(&query(false)).await?;
    let mut total = Counts::new();
    let mut rows: BTreeMap<String, (String, Counts)> = BTreeMap::new();
    let mut names = Names::default();
    for s in &dossiers {
        total.add_all(&s.counts);
        let (key, name) = match by {
            RatedBy::Agency => (s.agency.to_string(), names.agency(state, &s.agency).await?),
            RatedBy::Procedure => {
                let name =
                    names.procedure(state, &s.procedure).await?.map_or_else(|| s.procedure.clone(), |p| p.name.clone());
                (s.procedure.clone(), name)
            }
            RatedBy::Officer => continue,
        };
        rows.entry(key).or_insert_with(|| (name, Counts::new())).1.add_all(&s.counts);
    }
    if by == RatedBy::Officer {
        for s in state.counters.summed(&query(true)).await? {
            let Some(officer) = &s.officer else { continue };
            if !rows.contains_key(officer.as_str()) {
                let name = state.catalogue.officer(officer).await?.map_or_else(|| officer.to_string(), |o| o.name);
                rows.insert(officer.to_string(), (name, Counts::new()));
            }
            if let Some(row) = rows.get_mut(officer.as_str()) {
                row.1.add_all(&s.counts);
            }
        }
    }
    let rows = rows
        .into_iter()
        .filter(|(_, (_, c))| c.get(Measure::Ratings) > 0)
        .map(|(key, (name, c))| SatisfactionRow { key, name, satisfaction: Satisfaction::of(&c) })
        .collect();
    Ok(SatisfactionReport {
        stated: Stated { period, as_of, scope: coverage.scope },
        rows,
        total: Satisfaction::of(&total),
    })
}

/// One published row: an agency's dossiers of one field.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicRow {
    pub agency: String,
    pub agency_name: String,
    pub field: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// Early or on time, of those resolved.
    pub on_time: Ratio,
    /// Filed online, of those newly received.
    pub online: Ratio,
}

/// The published statistics: counts and rates only, no dossier and no person.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PublicStats {
    #[serde(flatten)]
    pub stated: Stated,
    pub rows: Vec<PublicRow>,
    pub licence: &'static str,
    /// The version of the rows' layout (docs/reports.md "Open data").
    pub schema: &'static str,
}

/// The open data's licence, stated with every copy.
pub const LICENCE: &str = "Dữ liệu mở, Creative Commons Ghi công 4.0 (CC BY 4.0): được sao chép, sử dụng, ghi nguồn. / Open data under Creative Commons Attribution 4.0 (CC BY 4.0).";
pub const SCHEMA: &str = "motcua-public-stats/1";

fn public_row(agency: &AgencyCode, agency_name: String, field: String, s: &Sums) -> PublicRow {
    let figures = Figures::of(s);
    let (r, d) = (&figures.received, &figures.resolved);
    PublicRow {
        agency: agency.to_string(),
        agency_name,
        field,
        on_time: Ratio::of(d.early + d.on_time, d.total),
        online: Ratio::of(r.online, r.online + r.direct_or_postal),
        figures,
    }
}

/// The statistics of `period` per agency and field, for the province or one agency and those
/// under it.
pub async fn public_stats(state: &AppState, agency: Option<&AgencyCode>, period: Period) -> ServiceResult<PublicStats> {
    let coverage = coverage(state, &ReportReach::Province, agency).await?;
    let (stated, sums) = per_agency(state, &coverage, period).await?;
    let mut grouped: BTreeMap<(AgencyCode, String), Sums> = BTreeMap::new();
    let mut names = Names::default();
    for ((agency, procedure), s) in &sums {
        let field = names.procedure(state, procedure).await?.map_or(UNKNOWN_FIELD.to_owned(), |p| p.field.clone());
        add(grouped.entry((agency.clone(), field)).or_default(), s);
    }
    let mut rows = vec![];
    for ((agency, field), s) in grouped {
        let row = public_row(&agency, names.agency(state, &agency).await?, field, &s);
        if !row.figures.is_empty() {
            rows.push(row);
        }
    }
    Ok(PublicStats { stated, rows, licence: LICENCE, schema: SCHEMA })
}
