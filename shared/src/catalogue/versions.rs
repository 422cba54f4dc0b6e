//! Versions of a procedure over time (a procedure change takes an effective date): which
//! version is in force at a date, and whether a new version goes in force now or is scheduled.
//! Dossiers keep the terms frozen when they were filed and received, whatever later versions say.
//!
//! A version without a date counts as in force since before any dated one. The catalogue's
//! current record is the version in force today; a version dated later waits as scheduled
//! until its date, when the stores' promotion puts it in force.

use chrono::NaiveDate;

use super::Procedure;

/// Where a new version goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// In force now: it becomes the current record.
    InForce,
    /// Dated after today: kept, and put in force on its date.
    Scheduled,
}

/// Why a version cannot be placed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEffectiveDate {
    #[error(
        "đã có phiên bản hiệu lực từ {current}, sau ngày {given} / a version in force from {current} exists, later than {given}: date the change on or after it"
    )]
    BeforeCurrent { current: NaiveDate, given: NaiveDate },
}

/// The date a version counts from (the undated, earliest of all).
fn from(p: &Procedure) -> NaiveDate {
    p.effective_from.unwrap_or(NaiveDate::MIN)
}

/// Where `new` goes against the `current` record at `today`, dated as it will be kept. A
/// version dated on or before today goes in force unless the current one is dated later (a
/// change cannot slip under the version in force); one dated after today is scheduled. An
/// undated change to a dated procedure is dated today.
pub fn placed(
    mut new: Procedure,
    current: Option<&Procedure>,
    today: NaiveDate,
) -> Result<(Procedure, Placement), InvalidEffectiveDate> {
    let current_from = current.and_then(|c| c.effective_from);
    if new.effective_from.is_none() && current_from.is_some() {
        new.effective_from = Some(today);
    }
    let given = from(&new);
    if given > today {
        return Ok((new, Placement::Scheduled));
    }
    match current_from {
        Some(current) if current > given => Err(InvalidEffectiveDate::BeforeCurrent { current, given }),
        _ => Ok((new, Placement::InForce)),
    }
}

/// The version in force at `date`: the latest dated on or before it; none before the first.
pub fn in_force(versions: &[Procedure], date: NaiveDate) -> Option<&Procedure> {
    versions.iter().filter(|v| from(v) <= date).max_by_key(|v| from(v))
}

/// The key a version is kept under beside its procedure: its date, `0000-00-00` when undated.
pub fn version_key(p: &Procedure) -> String {
    p.effective_from.map_or_else(|| "0000-00-00".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(name: &str, from: Option<(i32, u32, u32)>) -> Procedure {
        let mut p: Procedure = serde_json::from_value(serde_json::json!({
            "code": "2.000488", "name": name, "field": "Lý lịch tư pháp", "agency": "000.00.03.H56",
            "applicant_kinds": ["citizen"], "components": [], "processing_time": {"amount": 10.0, "unit": "working_days"},
            "channels": ["online"], "online_level": "full", "postal_return": true, "supplement_rule": "recompute",
            "workflow": []
        }))
        .unwrap();
        p.effective_from = from.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap());
        p
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_version_in_force_is_the_latest_dated_on_or_before_the_date() {
        let versions = [version("gốc", None), version("2027", Some((2027, 1, 1))), version("2026", Some((2026, 7, 1)))];
        let named = |d| in_force(&versions, d).map(|p| p.name.as_str());
        assert_eq!(named(day(2026, 6, 30)), Some("gốc"));
        assert_eq!(named(day(2026, 7, 1)), Some("2026"), "in force on its date");
        assert_eq!(named(day(2026, 12, 31)), Some("2026"));
        assert_eq!(named(day(2027, 1, 1)), Some("2027"));
        let dated = [version("2026", Some((2026, 7, 1)))];
        assert_eq!(in_force(&dated, day(2026, 6, 30)), None, "nothing before the first");
        assert_eq!(version_key(&versions[0]), "0000-00-00");
        assert_eq!(version_key(&versions[1]), "2027-01-01");
    }

    #[test]
    fn a_later_date_schedules_and_an_earlier_one_cannot_slip_under_the_current() {
        let today = day(2026, 12, 1);
        let current = version("hiện hành", Some((2026, 7, 1)));
        let placement = |new, current| placed(new, current, today).map(|(p, at)| (p.effective_from, at));
        let scheduled = placement(version("mới", Some((2027, 1, 1))), Some(&current));
        assert_eq!(scheduled, Ok((Some(day(2027, 1, 1)), Placement::Scheduled)));
        assert_eq!(placement(version("mới", Some((2026, 12, 1))), Some(&current)).map(|p| p.1), Ok(Placement::InForce));
        assert_eq!(placement(version("sửa", Some((2026, 7, 1))), Some(&current)).map(|p| p.1), Ok(Placement::InForce));
        assert_eq!(placement(version("mới", None), None), Ok((None, Placement::InForce)), "undated stays undated");
        assert!(matches!(
            placement(version("cũ", Some((2026, 1, 1))), Some(&current)),
            Err(InvalidEffectiveDate::BeforeCurrent { .. })
        ));
        assert_eq!(
            placement(version("không ngày", None), Some(&current)),
            Ok((Some(today), Placement::InForce)),
            "an undated change to a dated procedure is dated today"
        );
    }
}
