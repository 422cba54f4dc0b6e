//! SMS text: diacritics removed so it fits the GSM-7 alphabet (160 characters a segment, 153
//! when concatenated), anything outside the alphabet replaced, and the segment count known.

use crate::text::strip_diacritics;

/// At most this many segments per message: SMS is paid per segment.
pub const MAX_SEGMENTS: usize = 2;

const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// Septets a character takes in GSM-7, or `None` outside the alphabet.
pub fn gsm7_septets(c: char) -> Option<usize> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Septets of a GSM-7 text.
pub fn septets(text: &str) -> usize {
    text.chars().map(|c| gsm7_septets(c).unwrap_or(1)).sum()
}

/// Segments a GSM-7 text needs: one up to 160 septets, else 153 each.
pub fn segments(text: &str) -> usize {
    match septets(text) {
        0..=160 => 1,
        n => n.div_ceil(153),
    }
}

/// Vietnamese text as GSM-7: no diacritics, typographic quotes and dashes simplified, any other
/// character outside the alphabet replaced by `?`.
pub fn to_gsm7(text: &str) -> String {
    strip_diacritics(text)
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' => '"',
            '‘' | '’' => '\'',
            '–' | '—' => '-',
            '…' => '.',
            c if gsm7_septets(c).is_some() => c,
            c if c.is_whitespace() => ' ',
            _ => '?',
        })
        .collect()
}

/// Builds `head + detail + tail` in GSM-7, shortening `detail` (with "...") so the whole fits
/// in [`MAX_SEGMENTS`].
pub fn fit(head: &str, detail: &str, tail: &str) -> String {
    let (head, detail, tail) = (to_gsm7(head), to_gsm7(detail), to_gsm7(tail));
    let budget = 153 * MAX_SEGMENTS;
    let fixed = septets(&head) + septets(&tail);
    let mut text = format!("{head}{detail}{tail}");
    if septets(&text) <= budget {
        return text;
    }
    let mut room = budget.saturating_sub(fixed + 3);
    let mut short = String::new();
    for c in detail.chars() {
        let n = gsm7_septets(c).unwrap_or(1);
        if n > room {
            break;
        }
        room -= n;
        short.push(c);
    }
    text = format!("{head}{}...{tail}", short.trim_end());
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_segments() {
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
        assert_eq!(septets("{}"), 4);
    }

    #[test]
    fn vietnamese_becomes_gsm7() {
        assert_eq!(to_gsm7("Hồ sơ “đã” được tiếp nhận – ngày 15/03"), "Ho so \"da\" duoc tiep nhan - ngay 15/03");
        assert_eq!(to_gsm7("漢字"), "??");
    }

    proptest! {
        #[test]
        fn fitted_text_is_gsm7_within_two_segments(detail in "\\PC{0,600}") {
            let sms = fit("Ho so 000.00.12.H56-240315-0007 khong duoc tiep nhan. Ly do: ", &detail, " Lien he: 0258 3822 000.");
            prop_assert!(sms.chars().all(|c| gsm7_septets(c).is_some()));
            prop_assert!(segments(&sms) <= MAX_SEGMENTS);
        }
    }
}
