//! Agency identifier codes (mã định danh cơ quan), QCVN 102:2016 / Circular 10/2016/TT-BTTTT:
//! `V1V2V3.Z1Z2.Y1Y2.MX1X2`, e.g. `000.00.00.H56` for a province people's committee.

use serde::{Deserialize, Serialize};

/// A parsed agency code. Invalid codes cannot exist past the edge.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

/// Why a text is not an agency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã cơ quan không hợp lệ / invalid agency code `{0}`: expected V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.00.H56")]
pub struct InvalidAgencyCode(pub String);

impl AgencyCode {
    pub fn parse(text: &str) -> Result<Self, InvalidAgencyCode> {
        let bad = || InvalidAgencyCode(text.chars().take(40).collect());
        let parts: Vec<&str> = text.split('.').collect();
        let [v, z, y, m] = parts.as_slice() else {
            return Err(bad());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let unit = m.as_bytes();
        let unit_ok = unit.len() == 3 && unit[0].is_ascii_uppercase() && unit[1..].iter().all(u8::is_ascii_digit);
        if digits(v, 3) && digits(z, 2) && digits(y, 2) && unit_ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unit part `MX1X2`: `G..` central bodies, `H..` provinces.
    pub fn unit(&self) -> &str {
        &self.0[10..]
    }
}

text_newtype!(AgencyCode, InvalidAgencyCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_province_and_department_codes() {
        for ok in ["000.00.00.H56", "000.00.12.H56", "001.02.31.G01"] {
            assert_eq!(AgencyCode::parse(ok).unwrap().as_str(), ok);
        }
        assert_eq!(AgencyCode::parse("000.00.12.H56").unwrap().unit(), "H56");
    }

    #[test]
    fn rejects_malformed_codes() {
        for bad in [
            "",
            "000.00.00",
            "00.00.00.H56",
            "000.00.00.h56",
            "000.00.00.H5",
            "000.0a.00.H56",
            "000.00.00.H56.1",
            "０00.00.00.H56",
        ] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn every_well_formed_code_round_trips(v in 0u32..1000, z in 0u32..100, y in 0u32..100, m in "[A-Z]", x in 0u32..100) {
            let text = format!("{v:03}.{z:02}.{y:02}.{m}{x:02}");
            let code = AgencyCode::parse(&text).unwrap();
            prop_assert_eq!(code.to_string(), text);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = AgencyCode::parse(&s);
        }
    }
}
