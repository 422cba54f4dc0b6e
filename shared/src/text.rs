//! Vietnamese text helpers: removing diacritics (for SMS and for diacritic-insensitive search).

use unicode_normalization::UnicodeNormalization;

/// Removes Vietnamese diacritics: "Đăng ký khai sinh" → "Dang ky khai sinh".
pub fn strip_diacritics(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            other => other,
        })
        .collect()
}

/// The search key of a text: no diacritics, lower case, single spaces.
pub fn search_key(text: &str) -> String {
    strip_diacritics(text).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_every_vietnamese_mark() {
        assert_eq!(strip_diacritics("Đăng ký khai sinh"), "Dang ky khai sinh");
        assert_eq!(
            strip_diacritics("Phiếu lý lịch tư pháp, Ủy ban, thường trú, Đồng Tháp, ỹ ữ ặ"),
            "Phieu ly lich tu phap, Uy ban, thuong tru, Dong Thap, y u a"
        );
        assert_eq!(search_key("  Cấp   PHÙ HIỆU xe Taxi "), "cap phu hieu xe taxi");
    }
}
