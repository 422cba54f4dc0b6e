//! Dossier codes (mã hồ sơ, Circular 01/2018/TT-VPCP Art. 19): `<agency>-<YYMMDD>-<NNNN>`.
//! YYMMDD is the reception date in Vietnam time; NNNN a per-agency daily sequence from 0001
//! that widens past 9999 rather than wrapping, so a code is never reused.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::AgencyCode;

/// A parsed dossier code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: AgencyCode,
    date: NaiveDate,
    sequence: u32,
}

/// Why a text is not a dossier code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã hồ sơ không hợp lệ / invalid dossier code `{0}`: expected <agency>-<YYMMDD>-<NNNN>, e.g. 000.00.12.H56-240315-0007")]
pub struct InvalidDossierCode(pub String);

impl DossierCode {
    /// The code for the `sequence`-th dossier (from 1) of `agency` on `date` (Vietnam date).
    pub fn new(agency: AgencyCode, date: NaiveDate, sequence: u32) -> Result<Self, InvalidDossierCode> {
        use chrono::Datelike;
        if sequence == 0 || !(2000..2100).contains(&date.year()) {
            return Err(InvalidDossierCode(format!("{agency}-{date}-{sequence}")));
        }
        Ok(Self { agency, date, sequence })
    }

    pub fn parse(text: &str) -> Result<Self, InvalidDossierCode> {
        let bad = || InvalidDossierCode(text.chars().take(60).collect());
        let mut parts = text.rsplitn(3, '-');
        let (Some(seq), Some(day), Some(agency)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let agency = AgencyCode::parse(agency).map_err(|_| bad())?;
        if day.len() != 6 || !day.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let date = NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d").map_err(|_| bad())?;
        // At least four digits; wider only when needed, so one number has one spelling.
        let canonical = seq.len() == 4 || (seq.len() > 4 && !seq.starts_with('0'));
        if !canonical || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let sequence: u32 = seq.parse().map_err(|_| bad())?;
        Self::new(agency, date, sequence).map_err(|_| bad())
    }

    pub fn agency(&self) -> &AgencyCode {
        &self.agency
    }
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.agency, self.date.format("%y%m%d"), self.sequence)
    }
}

impl FromStr for DossierCode {
    type Err = InvalidDossierCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = InvalidDossierCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DossierCode> for String {
    fn from(c: DossierCode) -> Self {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn agency() -> AgencyCode {
        AgencyCode::parse("000.00.12.H56").unwrap()
    }

    #[test]
    fn formats_the_circular_example() {
        let date = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let code = DossierCode::new(agency(), date, 7).unwrap();
        assert_eq!(code.to_string(), "000.00.12.H56-240315-0007");
        assert_eq!(DossierCode::parse("000.00.12.H56-240315-0007").unwrap(), code);
    }

    #[test]
    fn widens_past_9999_instead_of_wrapping() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let code = DossierCode::new(agency(), date, 10_000).unwrap();
        assert_eq!(code.to_string(), "000.00.12.H56-260105-10000");
        assert_eq!(DossierCode::parse(&code.to_string()).unwrap().sequence(), 10_000);
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "000.00.12.H56-240315-0000",
            "000.00.12.H56-240315-007",
            "000.00.12.H56-240315-00007",
            "000.00.12.H56-241315-0007",
            "000.00.12.H56-2403150-0007",
            "000.00.12-240315-0007",
            "240315-0007",
            "000.00.12.H56-240315-+007",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn round_trips(days in 0i64..30_000, seq in 1u32..2_000_000) {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            let code = DossierCode::new(agency(), date, seq).unwrap();
            prop_assert_eq!(DossierCode::parse(&code.to_string()).unwrap(), code);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = DossierCode::parse(&s);
        }
    }
}
