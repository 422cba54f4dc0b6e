//! Satisfaction from the ratings (DOMAIN.md "Rating"): how many, the verdicts, and each
//! indicator's average score (0 to 2), for an agency, a procedure or an officer. A rating counts
//! for the dossier's agency and for every officer who took a step of it ([`super::tally`]), so a
//! leader sees which desk or specialist the applicants are unhappy with.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Counts, Measure, Ratio};
use crate::lifecycle::INDICATORS;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Satisfaction {
    pub ratings: i64,
    pub very_satisfied: i64,
    pub satisfied: i64,
    pub unsatisfied: i64,
    /// Very satisfied or satisfied, of the ratings.
    pub satisfied_share: Ratio,
    /// Each indicator's mean score (0 to 2), in the official order; none without ratings.
    pub indicators: Vec<IndicatorMean>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorMean {
    pub indicator: &'static str,
    pub mean: Option<f64>,
}

impl Satisfaction {
    pub fn of(c: &Counts) -> Self {
        let ratings = c.get(Measure::Ratings);
        let (very, satisfied, unsatisfied) =
            (c.get(Measure::VerySatisfied), c.get(Measure::Satisfied), c.get(Measure::Unsatisfied));
        let indicators = INDICATORS
            .iter()
            .zip(Measure::SCORES)
            .map(|(name, m)| IndicatorMean {
                indicator: name,
                mean: (ratings > 0).then(|| (c.get(m) as f64 / ratings as f64 * 100.0).round() / 100.0),
            })
            .collect();
        Self {
            ratings,
            very_satisfied: very,
            satisfied,
            unsatisfied,
            satisfied_share: Ratio::of(very + satisfied, ratings),
            indicators,
        }
    }
}
