//! The satisfaction rating (đánh giá mức độ hài lòng): the official form's nine indicators,
//! each scored 2 / 1 / 0, plus ease of use and an overall verdict on the province's three-level
//! scale. The first four indicators are facts the system holds, so it scores them from the
//! dossier; the applicant answers the other five. Rules and thresholds: docs/lifecycle.md
//! "Rating".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Against, Dossier, Standing};
use crate::calendar::Timeliness;

/// Overall verdict of a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Rất hài lòng.
    VerySatisfied,
    /// Hài lòng.
    Satisfied,
    /// Không hài lòng.
    Unsatisfied,
}

/// Ease of use, on the form's three levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EaseOfUse {
    /// Dễ sử dụng.
    Easy,
    /// Bình thường.
    Normal,
    /// Khó sử dụng.
    Hard,
}

/// Ratings stored before the three levels kept ease of use as 1 (hard) to 5 (easy).
impl<'de> Deserialize<'de> for EaseOfUse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Level(String),
            Score(u8),
        }
        match Stored::deserialize(d)? {
            Stored::Level(l) if l == "easy" => Ok(Self::Easy),
            Stored::Level(l) if l == "normal" => Ok(Self::Normal),
            Stored::Level(l) if l == "hard" => Ok(Self::Hard),
            Stored::Score(4..=5) => Ok(Self::Easy),
            Stored::Score(3) => Ok(Self::Normal),
            Stored::Score(1..=2) => Ok(Self::Hard),
            _ => Err(serde::de::Error::custom("ease_of_use is easy, normal or hard")),
        }
    }
}

/// The official indicators, in the form's order.
pub const INDICATORS: [&str; 9] = [
    "total_time",
    "time_per_agency",
    "contacts",
    "agencies_contacted",
    "desk_handling",
    "disclosure",
    "attitude",
    "complaints",
    "online_service",
];

/// How many of them the system measures (the first ones).
pub const MEASURED: usize = 4;

/// The applicant's rating as kept: the nine scores (the first four measured), ease of use, a
/// verdict and an optional comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Rating {
    /// Nine scores in the official order ([`INDICATORS`]), each 0, 1 or 2; the first four
    /// scored by the system from the dossier.
    pub indicators: Vec<u8>,
    pub ease_of_use: Option<EaseOfUse>,
    pub verdict: Verdict,
    pub comment: Option<String>,
    /// When it was given (absent in ratings kept before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_at: Option<DateTime<Utc>>,
}

impl Rating {
    pub fn total(&self) -> u32 {
        self.indicators.iter().map(|&s| u32::from(s)).sum()
    }
}

/// What the applicant answers: the five indicators the system cannot know, each 0, 1 or 2.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingAnswers {
    /// Cách giải quyết của Bộ phận Một cửa.
    pub desk_handling: u8,
    /// Công khai thủ tục.
    pub disclosure: u8,
    /// Thái độ của công chức.
    pub attitude: u8,
    /// Tiếp nhận, xử lý phản ánh, kiến nghị.
    pub complaints: u8,
    /// Dịch vụ công trực tuyến.
    pub online_service: u8,
    pub ease_of_use: Option<EaseOfUse>,
    pub verdict: Verdict,
    pub comment: Option<String>,
}

impl RatingAnswers {
    pub fn scores(&self) -> [u8; 5] {
        [self.desk_handling, self.disclosure, self.attitude, self.complaints, self.online_service]
    }
}

/// 2 for none, 1 for one, 0 for more.
fn by_count(n: usize) -> u8 {
    match n {
        0 => 2,
        1 => 1,
        _ => 0,
    }
}

impl Dossier {
    /// The four indicators the system scores, at `at`: total time against the legal limit
    /// (2 within it, 1 late but within the extended date, 0 later), time per agency (2 when no
    /// agency finished a step late, 1 when one did, 0 when more did), contacts needed (2 with
    /// no supplement request, 1 with one, 0 with more), agencies the applicant dealt with (2
    /// for the desk alone, 1 with one more that asked for something, 0 with more).
    pub fn measured_indicators(&self, at: DateTime<Utc>) -> [u8; MEASURED] {
        let total = match (self.standing(at, Against::Statutory), self.standing(at, Against::Current)) {
            (Some(Standing::Early | Standing::OnTime), _) => 2,
            (_, Some(Standing::Early | Standing::OnTime)) => 1,
            _ => 0,
        };
        let mut late: Vec<_> =
            self.finished_steps.iter().filter(|s| s.timeliness == Timeliness::Late).map(|s| &s.agency).collect();
        late.sort();
        late.dedup();
        let others = self.asking_agencies.iter().filter(|a| **a != self.agency_code).count();
        [total, by_count(late.len()), by_count(self.supplement_requests as usize), by_count(others)]
    }
}
