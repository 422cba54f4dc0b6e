//! An email with enclosures as one MIME message (RFC 2045–2047), for SES `SendRawEmail` and
//! SMTP (`crate::smtp`): a `multipart/mixed` body with the UTF-8 text and each enclosure, all base64; the subject as
//! UTF-8 encoded words, so Vietnamese subjects survive every mail server.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use motcua_domain::ports::Enclosure;

/// Base64 in lines of 76 characters, as MIME requires.
fn wrapped(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 38);
    for line in encoded.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push_str("\r\n");
    }
    out
}

/// The subject as encoded words of at most 45 bytes of UTF-8 each (cut between characters),
/// folded onto continuation lines.
fn subject(text: &str) -> String {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars().filter(|c| !c.is_control()) {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words.iter().map(|w| format!("=?UTF-8?B?{}?=", STANDARD.encode(w))).collect::<Vec<_>>().join("\r\n ")
}

/// A header value with no line breaks (a header injection is impossible, whatever the input).
fn single_line(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

/// The whole message: headers, the text, the enclosures. `boundary` must not occur in the
/// base64 parts (it holds characters base64 never uses).
pub fn message(
    from: &str,
    to: &str,
    subject_text: &str,
    text: &str,
    enclosures: &[Enclosure],
    boundary: &str,
) -> Vec<u8> {
    let boundary = format!("=_{}", single_line(boundary));
    let mut out = format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n",
        single_line(from),
        single_line(to),
        subject(subject_text)
    );
    out.push_str(&format!(
        "--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
        wrapped(text.as_bytes())
    ));
    for e in enclosures {
        let name: String = e.file_name.chars().filter(|c| c.is_ascii_graphic() && !"\"\\/".contains(*c)).collect();
        out.push_str(&format!(
            "--{boundary}\r\nContent-Type: {}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n{}",
            e.media_type,
            wrapped(&e.bytes)
        ));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded_parts(raw: &str, boundary: &str) -> Vec<String> {
        raw.split(&format!("--=_{boundary}")).map(str::to_owned).collect()
    }

    #[test]
    fn the_text_and_each_enclosure_are_parts_that_decode_back() {
        let pdf = Enclosure {
            file_name: "xin-loi.pdf".into(),
            media_type: "application/pdf",
            bytes: b"%PDF-1.7 ...".repeat(40),
        };
        let raw = message(
            "Một cửa <motcua@example.vn>",
            "minhkhai@example.vn",
            "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.00.03.H56-261201-0001",
            "Sở Tư pháp xin lỗi vì hồ sơ chưa giải quyết được đúng hẹn.",
            std::slice::from_ref(&pdf),
            "b1",
        );
        let raw = String::from_utf8(raw).unwrap();
        assert!(raw.lines().all(|l| l.len() <= 998), "no line over RFC 5322's limit");
        let parts = decoded_parts(&raw, "b1");
        assert_eq!(parts.len(), 4, "preamble, text, enclosure, closing");
        let body = |part: &str| {
            let encoded: String = part.split("\r\n\r\n").nth(1).unwrap().split_whitespace().collect();
            STANDARD.decode(encoded).unwrap()
        };
        assert_eq!(
            String::from_utf8(body(&parts[1])).unwrap(),
            "Sở Tư pháp xin lỗi vì hồ sơ chưa giải quyết được đúng hẹn."
        );
        assert!(parts[2].contains("Content-Disposition: attachment; filename=\"xin-loi.pdf\""));
        assert_eq!(body(&parts[2]), pdf.bytes);
        // The subject's encoded words decode to the subject.
        let header = raw.split("\r\nMIME-Version").next().unwrap().split("Subject: ").nth(1).unwrap();
        let decoded: String = header
            .split_whitespace()
            .map(|w| {
                String::from_utf8(STANDARD.decode(w.trim_start_matches("=?UTF-8?B?").trim_end_matches("?=")).unwrap())
                    .unwrap()
            })
            .collect();
        assert_eq!(decoded, "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ 000.00.03.H56-261201-0001");
    }

    #[test]
    fn line_breaks_in_header_values_cannot_add_headers() {
        let raw = message("a@example.vn", "b@example.vn\r\nBcc: x@example.vn", "s\r\nBcc: y", "t", &[], "b2");
        let raw = String::from_utf8(raw).unwrap();
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
    }
}
