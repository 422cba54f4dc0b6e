//! The embedded typeface: DejaVu Sans Condensed, cut down at build time to the characters
//! Vietnamese forms use (`build.rs`), with each character's glyph and advance. Bold is the same
//! face filled and stroked (`pdf.rs`).
//! Text is put in Unicode normal form C first, so a name typed with combining marks shows the
//! same precomposed letters as one typed without.

pub mod subset;

use unicode_normalization::UnicodeNormalization;

/// A face as the build script left it: the subset font and its character table.
pub struct FaceData {
    /// The PostScript name the PDF gives the face (with a subset tag in front).
    pub name: &'static str,
    pub font: &'static [u8],
    pub units_per_em: u16,
    pub ascender: i16,
    pub descender: i16,
    pub cap_height: i16,
    pub bbox: [i16; 4],
    /// (character, glyph id in `font`, advance in font units), sorted by character.
    pub glyphs: &'static [(char, u16, u16)],
}

include!(concat!(env!("OUT_DIR"), "/faces.rs"));

/// The one face every weight is drawn with.
pub static FACE: &FaceData = &REGULAR;

/// The two weights the forms use: both the same glyphs, bold filled and stroked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// What a character outside the repertoire is shown as.
const MISSING: char = '?';

impl FaceData {
    /// The glyph and advance of `c`; a character the face lacks shows as `?`.
    pub fn glyph(&self, c: char) -> (u16, u16) {
        let find = |c: char| self.glyphs.binary_search_by_key(&c, |&(k, _, _)| k).ok().map(|i| self.glyphs[i]);
        find(c).or_else(|| find(MISSING)).map(|(_, g, a)| (g, a)).unwrap_or((0, 0))
    }

    /// The width of `text` (already normalised) at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text.chars().map(|c| u32::from(self.glyph(c).1)).sum();
        units as f32 * size / f32::from(self.units_per_em)
    }

    /// A length in font units, in thousandths of the font size (the PDF's glyph space).
    pub fn per_mille(&self, units: i32) -> f32 {
        units as f32 * 1000.0 / f32::from(self.units_per_em)
    }
}

/// `text` in normal form C, with every control character and line break made a space.
pub fn normal(text: &str) -> String {
    text.nfc().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_its_own_glyph() {
        let letters = "ĂÂĐÊÔƠƯăâđêôơư\
            àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ\
            ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ₫";
        let question = FACE.glyph('?').0;
        for c in letters.chars() {
            let (glyph, advance) = FACE.glyph(c);
            assert_ne!(glyph, question, "{c}");
            assert!(advance > 0, "{c}");
        }
    }

    #[test]
    fn combining_marks_become_the_precomposed_letters() {
        assert_eq!(normal("Nguye\u{302}\u{303}n"), "Nguyễn");
        assert_eq!(normal("a\nb\tc"), "a b c");
    }

    #[test]
    fn a_character_outside_the_repertoire_shows_as_a_question_mark() {
        assert_eq!(FACE.glyph('中'), FACE.glyph('?'));
        assert!(FACE.width("Hồ sơ", 10.0) > FACE.width("Hồ", 10.0));
    }

    #[test]
    fn the_subset_reads_back_with_every_advance() {
        let advances = subset::advances(FACE.font).expect("the built subset is a font");
        for &(c, glyph, advance) in FACE.glyphs {
            assert_eq!(advances[glyph as usize], advance, "{c}");
        }
    }
}
