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

/// Whether `text`, typed by a person, holds only what displays as typed: no control characters
/// (line breaks allowed only where `multiline`), no bidirectional overrides, embeddings, isolates
/// or marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which can make a name or a
/// reason read differently from what is stored, and no byte-order mark.
pub fn is_plain(text: &str, multiline: bool) -> bool {
    text.chars().all(|c| match c {
        '\n' => multiline,
        '\r' => multiline,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{FEFF}' => false,
        c => !c.is_control(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_refuses_controls_and_direction_overrides() {
        assert!(is_plain("Nguyễn Văn An", false));
        assert!(is_plain("Thiếu giấy tờ:\n- CCCD", true));
        assert!(!is_plain("Thiếu giấy tờ:\n- CCCD", false), "a name is one line");
        assert!(!is_plain("An\u{202E}nằT", false), "right-to-left override");
        assert!(!is_plain("An\u{2067}x", true), "isolate");
        assert!(!is_plain("An\u{0000}", true));
        assert!(!is_plain("An\u{001B}[31m", true), "terminal escape");
        assert!(!is_plain("An\tBình", false));
        assert!(is_plain("👨\u{200D}👩", false), "a joiner inside an emoji stays");
    }

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
