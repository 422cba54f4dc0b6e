//! A share of a whole, shown with both its parts so a reader can check it: none when the whole is
//! zero (nothing to divide), never a made-up zero.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct Ratio {
    pub numerator: i64,
    pub denominator: i64,
    /// `numerator / denominator`, from 0 to 1; none when the denominator is zero.
    pub value: Option<f64>,
}

impl Ratio {
    pub fn of(numerator: i64, denominator: i64) -> Self {
        let value = (denominator > 0).then(|| numerator as f64 / denominator as f64);
        Self { numerator, denominator, value }
    }

    /// As a percentage with one decimal, for people: `93.5 %`, or `—` when undefined.
    pub fn percent(&self) -> String {
        self.value.map_or_else(|| "—".to_owned(), |v| format!("{:.1} %", v * 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_nothing_is_undefined_not_zero() {
        assert_eq!(Ratio::of(0, 0).value, None);
        assert_eq!(Ratio::of(0, 0).percent(), "—");
        assert_eq!(Ratio::of(3, 4).value, Some(0.75));
        assert_eq!(Ratio::of(187, 200).percent(), "93.5 %");
    }
}
