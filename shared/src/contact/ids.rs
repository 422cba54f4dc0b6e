//! Applicant identifiers: citizen ID (CCCD, 12 digits) and tax code (10 digits, or 13 as `NNNNNNNNNN-NNN`).

use serde::{Deserialize, Serialize};

/// Căn cước công dân: 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CitizenId(String);

/// Mã số thuế: 10 digits for an organisation, `NNNNNNNNNN-NNN` for a branch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("số căn cước công dân không hợp lệ / invalid citizen ID: expected 12 digits")]
pub struct InvalidCitizenId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã số thuế không hợp lệ / invalid tax code: expected 10 digits or NNNNNNNNNN-NNN")]
pub struct InvalidTaxCode;

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

impl CitizenId {
    pub fn parse(text: &str) -> Result<Self, InvalidCitizenId> {
        let text = text.trim();
        if all_digits(text, 12) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidCitizenId)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TaxCode {
    /// Accepts `0101234567`, `0101234567-001`, and the unhyphenated 13-digit form.
    pub fn parse(text: &str) -> Result<Self, InvalidTaxCode> {
        let text = text.trim();
        if all_digits(text, 10) {
            return Ok(Self(text.to_owned()));
        }
        if all_digits(text, 13) {
            return Ok(Self(format!("{}-{}", &text[..10], &text[10..])));
        }
        match text.split_once('-') {
            Some((head, branch)) if all_digits(head, 10) && all_digits(branch, 3) => Ok(Self(text.to_owned())),
            _ => Err(InvalidTaxCode),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_newtype!(CitizenId, InvalidCitizenId);
text_newtype!(TaxCode, InvalidTaxCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn citizen_ids_are_twelve_digits() {
        assert!(CitizenId::parse("079203001234").is_ok());
        for bad in ["", "07920300123", "0792030012345", "07920300123a", "079 203 001 234"] {
            assert!(CitizenId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tax_codes_have_ten_or_thirteen_digits() {
        assert_eq!(TaxCode::parse("0101234567").unwrap().as_str(), "0101234567");
        assert_eq!(TaxCode::parse("0101234567-001").unwrap().as_str(), "0101234567-001");
        assert_eq!(TaxCode::parse("0101234567001").unwrap().as_str(), "0101234567-001");
        for bad in ["", "010123456", "0101234567-01", "0101234567_001", "01012345670012"] {
            assert!(TaxCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = CitizenId::parse(&s);
            let _ = TaxCode::parse(&s);
        }
    }
}
