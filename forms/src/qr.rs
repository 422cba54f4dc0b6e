//! The QR code of a dossier's lookup address, as the dark squares to paint: runs of dark
//! modules per row, so a code is a few hundred rectangles, not thousands.

use qrcode::{Color, EcLevel, QrCode};

/// A QR code as rows of dark runs: (row, first column, length), in modules, and the side.
pub struct Modules {
    pub side: usize,
    pub runs: Vec<(usize, usize, usize)>,
}

/// The QR code of `text` at level M (15 % of the code may be damaged and still read); `None`
/// only for text longer than a QR code holds.
pub fn encode(text: &str) -> Option<Modules> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let side = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (row, line) in colors.chunks(side).enumerate() {
        let mut start = None;
        for (column, &color) in line.iter().chain([Color::Light].iter()).enumerate() {
            match (color, start) {
                (Color::Dark, None) => start = Some(column),
                (Color::Light, Some(first)) => {
                    runs.push((row, first, column - first));
                    start = None;
                }
                _ => {}
            }
        }
    }
    Some(Modules { side, runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_address_encodes_into_finder_patterns_at_three_corners() {
        let qr = encode("https://dichvucong.example.vn/v1/dossiers/000.00.03.H56-261201-0001").expect("fits");
        assert!(qr.side >= 21);
        // The top-left finder: a full run of seven dark modules on its first row.
        assert!(qr.runs.contains(&(0, 0, 7)));
        assert!(qr.runs.contains(&(0, qr.side - 7, 7)));
        assert!(qr.runs.iter().any(|&(row, column, len)| row == qr.side - 1 && column == 0 && len == 7));
    }
}
