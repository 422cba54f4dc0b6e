//! Kết quả điện tử: a result document issued at approval, with the fields a digitised record
//! carries (number and notation, issue date, signer, validity, issuing agency) and its file. An
//! electronic result has the legal value of the paper one (Decree 45/2020), so a result is
//! returned online only with its file.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FileRef;

/// The most result documents one approval issues.
pub const MAX_RESULTS: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResultDocument {
    /// What it is, e.g. `Phiếu lý lịch tư pháp số 1`.
    pub name: String,
    /// Số.
    pub number: String,
    /// Ký hiệu, e.g. `STP-LLTP`.
    pub notation: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub issued_on: NaiveDate,
    /// Người ký.
    pub signer: String,
    /// Valid until, when it expires.
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<NaiveDate>,
    /// The issuing agency's name.
    pub issuer: String,
    /// The signed file; without it the result is on paper only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileRef>,
}

/// Why result documents are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidResult {
    #[error("kết quả thiếu {0} / a result document needs its {0}")]
    Missing(&'static str),
    #[error("{0} quá dài / {0} is too long")]
    TooLong(&'static str),
    #[error("{0} chứa ký tự không hợp lệ / {0} holds characters that do not display as typed")]
    Characters(&'static str),
    #[error("hiệu lực phải sau ngày ban hành / valid_until must not be before issued_on")]
    ValidityBeforeIssue,
    #[error("nhiều nhất {MAX_RESULTS} văn bản kết quả / at most {MAX_RESULTS} result documents")]
    TooMany,
}

impl ResultDocument {
    /// Trims the texts and checks every field.
    pub fn checked(mut self) -> Result<Self, InvalidResult> {
        let field = |text: &mut String, name: &'static str, max: usize| -> Result<(), InvalidResult> {
            *text = text.trim().to_owned();
            if text.is_empty() {
                return Err(InvalidResult::Missing(name));
            }
            if text.chars().count() > max {
                return Err(InvalidResult::TooLong(name));
            }
            if !crate::text::is_plain(text, false) {
                return Err(InvalidResult::Characters(name));
            }
            Ok(())
        };
        field(&mut self.name, "name", 300)?;
        field(&mut self.number, "number", 50)?;
        field(&mut self.signer, "signer", 200)?;
        field(&mut self.issuer, "issuer", 300)?;
        if let Some(n) = self.notation.as_mut() {
            field(n, "notation", 50)?;
        }
        if self.valid_until.is_some_and(|v| v < self.issued_on) {
            return Err(InvalidResult::ValidityBeforeIssue);
        }
        Ok(self)
    }
}

/// Checks the results an approval issues.
pub fn check_results(results: Vec<ResultDocument>) -> Result<Vec<ResultDocument>, InvalidResult> {
    if results.len() > MAX_RESULTS {
        return Err(InvalidResult::TooMany);
    }
    results.into_iter().map(ResultDocument::checked).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> ResultDocument {
        ResultDocument {
            name: " Phiếu lý lịch tư pháp số 1 ".into(),
            number: "123".into(),
            notation: Some("STP-LLTP".into()),
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            signer: "Nguyễn Văn Giám Đốc".into(),
            valid_until: None,
            issuer: "Sở Tư pháp tỉnh Khánh Hòa".into(),
            file: None,
        }
    }

    #[test]
    fn a_result_names_what_it_is_who_signed_and_when() {
        assert_eq!(result().checked().unwrap().name, "Phiếu lý lịch tư pháp số 1");
        assert_eq!(ResultDocument { number: " ".into(), ..result() }.checked(), Err(InvalidResult::Missing("number")));
        let early = ResultDocument { valid_until: NaiveDate::from_ymd_opt(2026, 11, 30), ..result() };
        assert_eq!(early.checked(), Err(InvalidResult::ValidityBeforeIssue));
        let bidi = ResultDocument { signer: "A\u{202E}B".into(), ..result() };
        assert_eq!(bidi.checked(), Err(InvalidResult::Characters("signer")));
        assert_eq!(check_results(vec![result(); 11]), Err(InvalidResult::TooMany));
    }
}
