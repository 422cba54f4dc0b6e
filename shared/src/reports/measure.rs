//! What the reports count: one fixed list of measures, summed per agency, procedure, officer and
//! day. Each home keeps the sums as they are ([`Counts`] in the same order): SQLite as one column
//! per measure, DynamoDB as one attribute per measure of a counter item.

use serde::{Deserialize, Serialize};

macro_rules! measures {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// One counted quantity (docs/reports.md gives each its rule).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Measure {
            $($(#[$doc])* $variant,)*
        }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$variant,)*];

            /// Its stored name (a SQLite column, a DynamoDB attribute).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Measure::$variant => $name,)*
                }
            }
        }
    };
}

measures! {
    /// Dossiers received (tiếp nhận) that were filed online.
    ReceivedOnline = "received_online",
    /// Dossiers received at the desk.
    ReceivedDirect = "received_direct",
    /// Dossiers received by post.
    ReceivedPostal = "received_postal",
    /// Dossiers received of a procedure offered fully online (toàn trình) when filed.
    ReceivedFullEligible = "received_full_eligible",
    /// Of those, the ones filed online.
    ReceivedOnlineFull = "received_online_full",
    /// Dossiers received online of a procedure offered partly online (một phần).
    ReceivedOnlinePartial = "received_online_partial",
    /// Received dossiers finished before their statutory due date.
    ResolvedEarly = "resolved_early",
    /// … on it (withdrawn and returned-for-want-of-a-supplement dossiers count here).
    ResolvedOnTime = "resolved_on_time",
    /// … after it.
    ResolvedLate = "resolved_late",
    /// The change, from this day on, of dossiers in hand within their deadline (a difference
    /// array: the sum over every day up to D is the count at the end of D).
    WithinDelta = "within_delta",
    /// The same for dossiers in hand past their deadline.
    OverdueDelta = "overdue_delta",
    /// Dossiers resolved with at least one electronic result document.
    ResultsElectronic = "results_electronic",
    /// Documents handed in with the dossiers received.
    Components = "components",
    /// Of those, the ones with a file (uploaded, or scanned at the desk).
    ComponentsDigitised = "components_digitised",
    /// Of those, the ones reused from the applicant's document store.
    ComponentsReused = "components_reused",
    /// Workflow steps finished before their due date.
    StepsEarly = "steps_early",
    StepsOnTime = "steps_on_time",
    StepsLate = "steps_late",
    /// Working minutes the finished steps took (with their count, the average).
    StepMinutes = "step_minutes",
    /// Ratings given.
    Ratings = "ratings",
    VerySatisfied = "very_satisfied",
    Satisfied = "satisfied",
    Unsatisfied = "unsatisfied",
    /// Sums of the nine indicators' scores, in the official order.
    ScoreTotalTime = "score_total_time",
    ScoreTimePerAgency = "score_time_per_agency",
    ScoreContacts = "score_contacts",
    ScoreAgenciesContacted = "score_agencies_contacted",
    ScoreDeskHandling = "score_desk_handling",
    ScoreDisclosure = "score_disclosure",
    ScoreAttitude = "score_attitude",
    ScoreComplaints = "score_complaints",
    ScoreOnlineService = "score_online_service",
    /// Received dossiers whose reception the national portal acknowledged within
    /// [`crate::portal::TIMELY`] (counted by the portal's sender, on the reception's day).
    PortalSyncedTimely = "portal_synced_timely",
    /// Dossiers whose fees were paid (at the desk or online), on the day they were paid.
    FeesPaid = "fees_paid",
    /// Of those, the ones paid online through the payment platform.
    FeesPaidOnline = "fees_paid_online",
    /// Workflow steps given to another agency than the dossier's (liên thông), on the day given.
    HandOvers = "hand_overs",
    /// Of those, the ones handed to an agency's own system as an edXML package over the
    /// national document axis.
    HandOversAxis = "hand_overs_axis",
}

impl Measure {
    /// The indicators' score sums, in [`crate::lifecycle::INDICATORS`]' order.
    pub const SCORES: [Measure; 9] = [
        Measure::ScoreTotalTime,
        Measure::ScoreTimePerAgency,
        Measure::ScoreContacts,
        Measure::ScoreAgenciesContacted,
        Measure::ScoreDeskHandling,
        Measure::ScoreDisclosure,
        Measure::ScoreAttitude,
        Measure::ScoreComplaints,
        Measure::ScoreOnlineService,
    ];

    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.iter().copied().find(|m| m.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A value for every measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts(Vec<i64>);

impl Default for Counts {
    fn default() -> Self {
        Self::new()
    }
}

impl Counts {
    pub fn new() -> Self {
        Self(vec![0; Measure::ALL.len()])
    }

    pub fn get(&self, m: Measure) -> i64 {
        self.0.get(m.index()).copied().unwrap_or(0)
    }

    pub fn add(&mut self, m: Measure, n: i64) {
        if self.0.len() < Measure::ALL.len() {
            self.0.resize(Measure::ALL.len(), 0);
        }
        self.0[m.index()] += n;
    }

    /// Adds every measure of `other`.
    pub fn add_all(&mut self, other: &Counts) {
        for &m in Measure::ALL {
            self.add(m, other.get(m));
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&n| n == 0)
    }

    /// The measures that are not zero, with their values.
    pub fn non_zero(&self) -> impl Iterator<Item = (Measure, i64)> + '_ {
        Measure::ALL.iter().map(|&m| (m, self.get(m))).filter(|&(_, n)| n != 0)
    }

    /// Every value in [`Measure::ALL`]'s order.
    pub fn values(&self) -> impl Iterator<Item = i64> + '_ {
        Measure::ALL.iter().map(|&m| self.get(m))
    }
}

impl FromIterator<(Measure, i64)> for Counts {
    fn from_iter<I: IntoIterator<Item = (Measure, i64)>>(iter: I) -> Self {
        let mut c = Counts::new();
        for (m, n) in iter {
            c.add(m, n);
        }
        c
    }
}

/// On the wire and in a history item: the non-zero measures by name.
impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.non_zero().map(|(m, n)| (m.name(), n)))
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let named = std::collections::BTreeMap::<String, i64>::deserialize(d)?;
        named
            .into_iter()
            .map(|(name, n)| {
                Measure::parse(&name)
                    .map(|m| (m, n))
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown measure `{name}`")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_counts_round_trip() {
        let mut names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Measure::ALL.len());
        for (i, m) in Measure::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
            assert_eq!(Measure::parse(m.name()), Some(*m));
        }
        let c: Counts = [(Measure::ReceivedOnline, 2), (Measure::OverdueDelta, -1)].into_iter().collect();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"received_online":2,"overdue_delta":-1}"#);
        assert_eq!(serde_json::from_str::<Counts>(&json).unwrap(), c);
        assert!(serde_json::from_str::<Counts>(r#"{"nonsense":1}"#).is_err());
    }
}
