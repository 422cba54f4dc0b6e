//! Vietnamese mobile numbers: `0xx…` or `+84…` on input, always E.164 (`+84…`) inside.

use serde::{Deserialize, Serialize};

/// A Vietnamese mobile number in E.164 form, e.g. `+84912345678`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Why a text is not a Vietnamese mobile number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("số điện thoại không hợp lệ / invalid phone number: expected a Vietnamese mobile number such as 0912345678 or +84912345678")]
pub struct InvalidPhoneNumber;

/// Mobile prefixes after the leading 0 (03, 05, 07, 08, 09).
const MOBILE_PREFIXES: [u8; 5] = [b'3', b'5', b'7', b'8', b'9'];

impl PhoneNumber {
    /// Accepts `0912345678`, `+84912345678`, `84912345678`, with spaces, dots or dashes between digits.
    pub fn parse(text: &str) -> Result<Self, InvalidPhoneNumber> {
        let trimmed = text.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        if !rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-')) {
            return Err(InvalidPhoneNumber);
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let national = if let Some(n) = digits.strip_prefix("84").filter(|n| n.len() == 9) {
            n.to_owned()
        } else if !plus && digits.len() == 10 && digits.starts_with('0') {
            digits[1..].to_owned()
        } else {
            return Err(InvalidPhoneNumber);
        };
        if !MOBILE_PREFIXES.contains(&national.as_bytes()[0]) {
            return Err(InvalidPhoneNumber);
        }
        Ok(Self(format!("+84{national}")))
    }

    /// E.164, for SMS gateways.
    pub fn e164(&self) -> &str {
        &self.0
    }

    /// The ten digits as written at home (`0912345678`), for the postman's label.
    pub fn national(&self) -> String {
        format!("0{}", &self.0[3..])
    }

    /// `091****678`: enough for an applicant to recognise, useless to anyone else.
    pub fn masked(&self) -> String {
        let national = self.national();
        format!("{}****{}", &national[..3], &national[7..])
    }
}

text_newtype!(PhoneNumber, InvalidPhoneNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_to_e164() {
        for input in ["0912345678", "+84912345678", "84912345678", "091 234 5678", "091.234.5678"] {
            assert_eq!(PhoneNumber::parse(input).unwrap().e164(), "+84912345678", "{input}");
        }
        assert_eq!(PhoneNumber::parse("0912345678").unwrap().masked(), "091****678");
    }

    #[test]
    fn rejects_landlines_and_garbage() {
        for bad in [
            "",
            "0212345678",
            "091234567",
            "09123456789",
            "+0912345678",
            "+85912345678",
            "09a2345678",
            "+84 0912345678",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn local_and_international_forms_agree(p in prop::sample::select(vec!['3','5','7','8','9']), rest in "[0-9]{8}") {
            let local = PhoneNumber::parse(&format!("0{p}{rest}")).unwrap();
            let intl = PhoneNumber::parse(&format!("+84{p}{rest}")).unwrap();
            prop_assert_eq!(&local, &intl);
            prop_assert_eq!(PhoneNumber::parse(local.e164()).unwrap(), local);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = PhoneNumber::parse(&s);
        }
    }
}
