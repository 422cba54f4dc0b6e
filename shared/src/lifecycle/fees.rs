//! What a dossier owes: the procedure's fees and charges as they stood at reception, one line
//! each, frozen into the dossier's terms so a reprinted receipt shows what was asked then.
//! The desk may record an exemption or reduction on a line, with its legal basis (e.g. the
//! charge waived for a poor household under the province's resolution); the payment issue
//! collects the lines' due amounts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::LifecycleError;
use crate::catalogue::{Fee, FeeKind};
use crate::text::is_plain;

/// The longest legal basis of a reduction, in characters.
const MAX_BASIS: usize = 500;

/// An exemption (100%) or reduction of one fee line, as the desk records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeReduction {
    /// The fee's name, as the procedure lists it.
    pub fee: String,
    /// 1 to 100; 100 is an exemption (miễn), less a reduction (giảm).
    pub percent: u8,
    /// The legal basis (căn cứ), e.g. "Nghị quyết 20/2021/NQ-HĐND, Điều 3".
    pub legal_basis: String,
}

/// One line of what the dossier owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FeeLine {
    pub name: String,
    pub kind: FeeKind,
    /// The listed amount.
    pub amount_vnd: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reduction: Option<FeeReduction>,
    /// What is owed after the reduction.
    pub due_vnd: u64,
}

impl FeeLine {
    fn of(fee: &Fee) -> Self {
        Self {
            name: fee.name.clone(),
            kind: fee.kind,
            amount_vnd: fee.amount_vnd,
            reduction: None,
            due_vnd: fee.amount_vnd,
        }
    }
}

/// The lines of `fees` as listed, nothing reduced.
pub fn listed(fees: &[Fee]) -> Vec<FeeLine> {
    fees.iter().map(FeeLine::of).collect()
}

/// The lines of `fees` with `reductions` applied; a reduction must name a listed fee, once,
/// with 1–100 percent and a legal basis.
pub fn fee_lines(fees: &[Fee], reductions: &[FeeReduction]) -> Result<Vec<FeeLine>, LifecycleError> {
    let mut lines = listed(fees);
    for r in reductions {
        let basis = r.legal_basis.trim();
        if !(1..=100).contains(&r.percent) || basis.is_empty() {
            return Err(LifecycleError::InvalidReduction("percent is 1 to 100, with a legal basis"));
        }
        if basis.chars().count() > MAX_BASIS {
            return Err(LifecycleError::TooLong("legal_basis"));
        }
        if !is_plain(basis, false) {
            return Err(LifecycleError::InvalidCharacters("legal_basis"));
        }
        let Some(line) = lines.iter_mut().find(|l| l.name == r.fee) else {
            return Err(LifecycleError::UnknownFee(r.fee.chars().take(200).collect()));
        };
        if line.reduction.is_some() {
            return Err(LifecycleError::InvalidReduction("one reduction per fee"));
        }
        line.due_vnd = line.amount_vnd - line.amount_vnd * u64::from(r.percent) / 100;
        line.reduction = Some(FeeReduction { legal_basis: basis.to_owned(), ..r.clone() });
    }
    Ok(lines)
}

/// What the lines owe in all.
pub fn total_due(lines: &[FeeLine]) -> u64 {
    lines.iter().map(|l| l.due_vnd).sum()
}

/// What the dossier owes: its frozen fee lines (none on records older than them).
pub fn owed(d: &super::Dossier) -> u64 {
    d.terms.fees.as_deref().map(total_due).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fees() -> Vec<Fee> {
        vec![
            Fee { name: "Phí cung cấp thông tin".into(), kind: FeeKind::Fee, amount_vnd: 200_000 },
            Fee { name: "Lệ phí".into(), kind: FeeKind::Charge, amount_vnd: 50_000 },
        ]
    }

    fn reduction(fee: &str, percent: u8, basis: &str) -> FeeReduction {
        FeeReduction { fee: fee.into(), percent, legal_basis: basis.into() }
    }

    #[test]
    fn a_reduction_lowers_its_line_and_keeps_its_basis() {
        let lines =
            fee_lines(&fees(), &[reduction("Phí cung cấp thông tin", 50, " Thông tư 244/2016/TT-BTC ")]).unwrap();
        assert_eq!((lines[0].due_vnd, lines[1].due_vnd, total_due(&lines)), (100_000, 50_000, 150_000));
        assert_eq!(lines[0].reduction.as_ref().unwrap().legal_basis, "Thông tư 244/2016/TT-BTC");
        assert_eq!((lines[0].kind, lines[1].kind), (FeeKind::Fee, FeeKind::Charge));
        let exempt = fee_lines(&fees(), &[reduction("Lệ phí", 100, "Hộ nghèo")]).unwrap();
        assert_eq!(total_due(&exempt), 200_000);
    }

    #[test]
    fn reductions_name_a_listed_fee_once_with_a_basis() {
        let f = fees();
        assert_eq!(
            fee_lines(&f, &[reduction("Phí khác", 50, "x")]),
            Err(LifecycleError::UnknownFee("Phí khác".into()))
        );
        assert!(matches!(fee_lines(&f, &[reduction("Lệ phí", 0, "x")]), Err(LifecycleError::InvalidReduction(_))));
        assert!(matches!(fee_lines(&f, &[reduction("Lệ phí", 101, "x")]), Err(LifecycleError::InvalidReduction(_))));
        assert!(matches!(fee_lines(&f, &[reduction("Lệ phí", 50, " ")]), Err(LifecycleError::InvalidReduction(_))));
        let twice = [reduction("Lệ phí", 50, "a"), reduction("Lệ phí", 20, "b")];
        assert!(matches!(fee_lines(&f, &twice), Err(LifecycleError::InvalidReduction(_))));
        assert_eq!(
            fee_lines(&f, &[reduction("Lệ phí", 50, "a\u{202e}b")]),
            Err(LifecycleError::InvalidCharacters("legal_basis"))
        );
    }
}
