//! The words forms print for dates, times, channels and amounts, in Vietnam's time and style.

use chrono::{DateTime, Datelike, Timelike, Utc};
use motcua_domain::calendar::{vietnam, DurationUnit, ProcessingTime, Timeliness};
use motcua_domain::catalogue::{ApplicantKind, ComponentForm};
use motcua_domain::lifecycle::ReturnMethod;

/// "Nha Trang, ngày 12 tháng 3 năm 2027" (the place left out when unknown).
pub fn place_date(place: Option<&str>, at: DateTime<Utc>) -> String {
    let date = date(at);
    match place.map(str::trim).filter(|p| !p.is_empty()) {
        Some(place) => format!("{place}, {date}"),
        None => capitalise(&date),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// "ngày 12 tháng 3 năm 2027".
pub fn date(at: DateTime<Utc>) -> String {
    let local = vietnam::with_offset(at);
    format!("ngày {} tháng {} năm {}", local.day(), local.month(), local.year())
}

/// "14 giờ 30 phút, ngày 12 tháng 3 năm 2027": the receipt's precision.
pub fn time_and_date(at: DateTime<Utc>) -> String {
    let local = vietnam::with_offset(at);
    format!("{} giờ {:02} phút, {}", local.hour(), local.minute(), date(at))
}

/// "12/03/2027 14:30", for tables.
pub fn short(at: DateTime<Utc>) -> String {
    vietnam::display(at)
}

pub fn form(form: ComponentForm) -> &'static str {
    match form {
        ComponentForm::Original => "Bản chính",
        ComponentForm::Copy => "Bản sao",
    }
}

pub fn collect(method: Option<ReturnMethod>) -> &'static str {
    match method {
        Some(ReturnMethod::Postal) => "qua dịch vụ bưu chính công ích",
        Some(ReturnMethod::Online) => "trực tuyến, trên Cổng Dịch vụ công",
        Some(ReturnMethod::Counter) | None => "tại Bộ phận Một cửa",
    }
}

pub fn timeliness(t: Option<Timeliness>) -> &'static str {
    match t {
        Some(Timeliness::Early) => "Trước hạn",
        Some(Timeliness::OnTime) => "Đúng hạn",
        Some(Timeliness::Late) => "Quá hạn",
        None => "",
    }
}

/// What goes before the applicant's name: "Ông/Bà " for a citizen, nothing for an organisation
/// (its name says what it is).
pub fn title(kind: ApplicantKind) -> &'static str {
    match kind {
        ApplicantKind::Citizen => "Ông/Bà ",
        ApplicantKind::Organisation => "",
    }
}

/// How the form addresses the applicant inside a sentence.
pub fn pronoun(kind: ApplicantKind) -> &'static str {
    match kind {
        ApplicantKind::Citizen => "ông/bà",
        ApplicantKind::Organisation => "quý tổ chức",
    }
}

/// "10 ngày làm việc", "0,5 ngày làm việc", "4 giờ làm việc".
pub fn processing_time(t: ProcessingTime) -> String {
    let amount = if t.amount.fract() == 0.0 {
        format!("{}", t.amount as i64)
    } else {
        format!("{}", t.amount).replace('.', ",")
    };
    let unit = match t.unit {
        DurationUnit::WorkingDays => "ngày làm việc",
        DurationUnit::CalendarDays => "ngày",
        DurationUnit::WorkingHours => "giờ làm việc",
    };
    format!("{amount} {unit}")
}

/// A phone number as Vietnamese forms print it: +84912345678 → 0912345678.
pub fn phone(e164: &str) -> String {
    match e164.strip_prefix("+84") {
        Some(national) => format!("0{national}"),
        None => e164.to_owned(),
    }
}

/// 1250000 → "1.250.000 đồng".
pub fn dong(amount: u64) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    format!("{grouped} đồng")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_print_in_vietnam_time_the_way_forms_write_them() {
        // 17:30 UTC on the 11th is half past midnight on the 12th in Vietnam.
        let at = Utc.with_ymd_and_hms(2027, 3, 11, 17, 30, 0).unwrap();
        assert_eq!(place_date(Some("Nha Trang"), at), "Nha Trang, ngày 12 tháng 3 năm 2027");
        assert_eq!(place_date(None, at), "Ngày 12 tháng 3 năm 2027");
        assert_eq!(time_and_date(at), "0 giờ 30 phút, ngày 12 tháng 3 năm 2027");
    }

    #[test]
    fn amounts_group_thousands_with_dots() {
        assert_eq!(dong(0), "0 đồng");
        assert_eq!(dong(50_000), "50.000 đồng");
        assert_eq!(dong(1_250_000), "1.250.000 đồng");
        assert_eq!(phone("+84912345678"), "0912345678");
        assert_eq!(phone("+6591234567"), "+6591234567");
    }
}
