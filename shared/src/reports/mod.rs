//! Reports (docs/reports.md): what each transition adds to the counters ([`tally`]), the
//! measures counted ([`Measure`]), report periods, and the reports built from summed counters:
//! the II.06a form ([`ii06a`]), the seed's rates ([`Rates`]), the Decision 766 score card
//! ([`score_card`]) and satisfaction ([`Satisfaction`]). Pure: the stores keep and sum the counters, the routes render.

pub mod ii06a;
mod measure;
mod period;
mod rates;
mod ratio;
mod satisfaction;
mod scorecard;
mod span;
mod tally;
#[cfg(test)]
mod tests;
mod workload;

use std::collections::BTreeMap;

use chrono::NaiveDate;

pub use measure::{Counts, Measure};
pub use period::{Period, PeriodError, MAX_YEARS};
pub use rates::{Offer, Rates, Unmeasured};
pub use ratio::Ratio;
pub use satisfaction::{IndicatorMean, Satisfaction};
pub use scorecard::{score_card, Input, ScoreCard, ScoreComponent};
pub use span::{month_of, Span};
pub use tally::{tally, Tally, TallyKey};
pub use workload::{Pressure, StepsFinished, Workload, SOON_MINUTES};

use crate::catalogue::OfficerId;
use crate::codes::AgencyCode;

/// Counters summed over a range of days, for one agency, procedure and (in officers' counts)
/// officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summed {
    pub agency: AgencyCode,
    pub procedure: String,
    pub officer: Option<OfficerId>,
    pub counts: Counts,
}

/// Which counters to sum: those of `agencies` (every agency when none), from `from` (the first
/// day ever when none) to `to`, both included; the officers' counts (keyed by officer) or the
/// agencies' (not); only `measures` when given (the others read as 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyQuery {
    pub agencies: Option<Vec<AgencyCode>>,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub officers: bool,
    pub measures: Option<Vec<Measure>>,
}

impl TallyQuery {
    /// The measures asked for.
    pub fn measures(&self) -> &[Measure] {
        self.measures.as_deref().unwrap_or(Measure::ALL)
    }
}

/// The in-hand counts' measures: all a sum up to a date needs.
pub const IN_HAND: [Measure; 2] = [Measure::WithinDelta, Measure::OverdueDelta];

/// Adds up summed counters per (agency, procedure, officer): what a store that cannot sum in one
/// request (or sums per partition) hands back.
pub fn merge(parts: impl IntoIterator<Item = Summed>) -> Vec<Summed> {
    let mut by_key: BTreeMap<(AgencyCode, String, Option<OfficerId>), Counts> = BTreeMap::new();
    for s in parts {
        by_key.entry((s.agency, s.procedure, s.officer)).or_default().add_all(&s.counts);
    }
    by_key
        .into_iter()
        .filter(|(_, c)| !c.is_zero())
        .map(|((agency, procedure, officer), counts)| Summed { agency, procedure, officer, counts })
        .collect()
}

/// The three sums of a period per (agency, procedure): the flows within it, and the in-hand
/// counts up to its eve and up to `as_of`.
pub fn period_sums(
    flows: Vec<Summed>,
    to_eve: Vec<Summed>,
    to_end: Vec<Summed>,
) -> BTreeMap<(AgencyCode, String), ii06a::Sums> {
    let mut out: BTreeMap<(AgencyCode, String), ii06a::Sums> = BTreeMap::new();
    for s in flows {
        out.entry((s.agency, s.procedure)).or_default().flows.add_all(&s.counts);
    }
    for s in to_eve {
        out.entry((s.agency, s.procedure)).or_default().to_eve.add_all(&s.counts);
    }
    for s in to_end {
        out.entry((s.agency, s.procedure)).or_default().to_end.add_all(&s.counts);
    }
    out
}
