//! SMS text: diacritics removed so it fits the GSM-7 alphabet (160 characters a segment, 153
//! when concatenated), anything outside the alphabet replaced, and the segment count known.

use crate::text::strip_diacritics;

/// At most this many segments per message by default (SMS is paid per segment); a procedure
/// may set its own cap (`allowances.sms_segments`).
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

/// Builds `head + detail + tail` in GSM-7 within `max_segments` (at least one). A detail too
/// long to fit is replaced by `instead` when given (where the whole can be read), else
/// shortened with "...".
pub fn fit(head: &str, detail: &str, instead: Option<&str>, tail: &str, max_segments: usize) -> String {
    let (head, detail, tail) = (to_gsm7(head), to_gsm7(detail), to_gsm7(tail));
    let budget = 153 * max_segments.max(1);
    let text = format!("{head}{detail}{tail}");
    if septets(&text) <= budget {
        return text;
    }
    if let Some(instead) = instead.map(to_gsm7) {
        let text = format!("{head}{instead}{tail}");
        if septets(&text) <= budget {
            return text;
        }
    }
    let mut room = budget.saturating_sub(septets(&head) + septets(&tail) + 3);
    let mut short = String::new();
    for c in detail.chars() {
        let n = gsm7_septets(c).unwrap_or(1);
        if n > room {
            break;
        }
        room -= n;
        short.push(c);
    }
    format!("{head}{}...{tail}", short.trim_end())
}

/// The least digits a number needs to look like a phone number (9 after `+84`, 10 with the
/// leading `0`) or an identity number (9 for the old card, 12 for the citizen ID).
const IDENTIFYING_DIGITS: usize = 9;

/// Free text with every number that looks like a citizen ID or a phone number masked but for
/// its last three digits: a run of at least nine digits, which may be grouped by single spaces
/// or dots (`0912 345 678`, `0912.345.678`) and may start with `+`. Shorter numbers (dates,
/// amounts under a hundred million, dossier numbers) are left alone.
pub fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits, and single separators between digits.
        let mut end = i;
        while end < chars.len()
            && (chars[end].is_ascii_digit()
                || (matches!(chars[end], ' ' | '.') && chars.get(end + 1).is_some_and(char::is_ascii_digit)))
        {
            end += 1;
        }
        let run = &chars[i..end];
        let digits = run.iter().filter(|c| c.is_ascii_digit()).count();
        let mut seen = 0;
        for &c in run {
            if c.is_ascii_digit() {
                seen += 1;
                out.push(if digits >= IDENTIFYING_DIGITS && seen + 3 <= digits { 'x' } else { c });
            } else {
                out.push(c);
            }
        }
        i = end;
    }
    out
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
            let sms = fit("Ho so 000.00.12.H56-240315-0007 khong duoc tiep nhan. Ly do: ", &detail, None, " Lien he: 0258 3822 000.", MAX_SEGMENTS);
            prop_assert!(sms.chars().all(|c| gsm7_septets(c).is_some()));
            prop_assert!(segments(&sms) <= MAX_SEGMENTS);
        }

        #[test]
        fn a_masked_text_keeps_no_run_of_nine_digits(text in "[0-9 .a+]{0,80}") {
            let masked = mask_numbers(&text);
            prop_assert_eq!(masked.chars().count(), text.chars().count());
            prop_assert_eq!(mask_numbers(&masked), masked.clone(), "nothing identifying is left to mask");
            let longest = masked.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            prop_assert!(longest < IDENTIFYING_DIGITS, "{masked:?}");
        }
    }

    #[test]
    fn identity_and_phone_numbers_are_masked_and_other_numbers_kept() {
        assert_eq!(mask_numbers("CCCD 079203001234 khong khop"), "CCCD xxxxxxxxx234 khong khop");
        assert_eq!(mask_numbers("goi 0912 345 678 hoac +84912345678"), "goi xxxx xxx 678 hoac +xxxxxxxx678");
        assert_eq!(mask_numbers("0912.345.678."), "xxxx.xxx.678.");
        assert_eq!(
            mask_numbers("han 15/03/2026, phi 1.500.000 dong, ho so 0007"),
            "han 15/03/2026, phi 1.500.000 dong, ho so 0007"
        );
    }

    #[test]
    fn a_detail_that_does_not_fit_is_replaced_where_the_notice_says_where_to_read_it() {
        let list = "Ban sao CCCD; ".repeat(40);
        let sms =
            fit("Ho so X can bo sung: ", &list, Some("xem danh sach tren Cong DVC."), " Han bo sung: 31/03/2026.", 2);
        assert_eq!(sms, "Ho so X can bo sung: xem danh sach tren Cong DVC. Han bo sung: 31/03/2026.");
        let short = fit("Ho so X can bo sung: ", "Ban sao CCCD.", Some("xem tren Cong DVC."), " Han: 31/03.", 2);
        assert_eq!(short, "Ho so X can bo sung: Ban sao CCCD. Han: 31/03.");
        assert!(segments(&fit("", &list, None, "", 3)) <= 3);
    }
}
