//! Writes laid-out pages as a PDF: the glyphs actually shown are subset again from the embedded
//! face and embedded as a CID font (Identity-H, two bytes a glyph) with its widths and a
//! ToUnicode map, so the text can be searched, copied and extracted; bold text is the same
//! glyphs filled and stroked; content streams and the font are deflated. The same pages give
//! the same bytes.

use std::collections::BTreeMap;
use std::io::Write as _;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::font::{subset, Weight, FACE};

/// A5 portrait, in points.
pub const A5: (f32, f32) = (419.53, 595.28);

/// Something drawn on a page; coordinates in points from the bottom left.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text on one line, its baseline starting at (x, y); already in normal form C.
    Text { weight: Weight, size: f32, x: f32, y: f32, text: String },
    /// A filled rectangle, in a shade of grey (0 black, 1 white).
    Fill { x: f32, y: f32, w: f32, h: f32, gray: f32 },
    /// A stroked line.
    Line { from: (f32, f32), to: (f32, f32), width: f32 },
}

pub type Page = Vec<Op>;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a vector cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// The glyphs the pages show: the embedded subset, its glyph ids by the face's, and which
/// character each stands for.
struct Used {
    font: Vec<u8>,
    glyphs: BTreeMap<u16, u16>,
    chars: BTreeMap<u16, char>,
    advances: Vec<u16>,
}

/// The stroke that makes the face bold, as a share of the font size.
const BOLD_STROKE: f32 = 0.04;

fn used(pages: &[Page]) -> Option<Used> {
    let mut chars = BTreeMap::new();
    for op in pages.iter().flatten() {
        if let Op::Text { text, .. } = op {
            for c in text.chars() {
                chars.entry(FACE.glyph(c).0).or_insert(c);
            }
        }
    }
    if chars.is_empty() {
        return None;
    }
    // The embedded face is a valid font (the build made it and a test reads it back).
    let cut = subset::subset(FACE.font, chars.keys().copied(), subset::Hints::Keep).ok()?;
    let advances = subset::advances(&cut.font).ok()?;
    let chars = chars.into_iter().filter_map(|(old, c)| cut.glyphs.get(&old).map(|&new| (new, c))).collect();
    Some(Used { font: cut.font, glyphs: cut.glyphs, chars, advances })
}

/// Six capitals naming a subset, as PDF requires before a subset font's name.
fn tag(used: &Used) -> String {
    let mut hash: u32 = 2166136261;
    for (&glyph, &c) in &used.chars {
        for byte in glyph.to_be_bytes().into_iter().chain((c as u32).to_be_bytes()) {
            hash = (hash ^ u32::from(byte)).wrapping_mul(16777619);
        }
    }
    (0..6).map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8)).collect()
}

const FONT: Name<'static> = Name(b"F1");

fn content(page: &Page, font: &Used) -> Vec<u8> {
    let mut c = Content::new();
    for op in page {
        match op {
            Op::Text { weight, size, x, y, text } => {
                let bytes: Vec<u8> = text
                    .chars()
                    .flat_map(|ch| font.glyphs.get(&FACE.glyph(ch).0).copied().unwrap_or(0).to_be_bytes())
                    .collect();
                let bold = *weight == Weight::Bold;
                if bold {
                    c.set_line_width(size * BOLD_STROKE);
                    c.set_text_rendering_mode(TextRenderingMode::FillStroke);
                }
                c.begin_text();
                c.set_font(FONT, *size);
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                c.show(Str(&bytes));
                c.end_text();
                if bold {
                    c.set_text_rendering_mode(TextRenderingMode::Fill);
                }
            }
            Op::Fill { x, y, w, h, gray } => {
                c.set_fill_gray(*gray);
                c.rect(*x, *y, *w, *h);
                c.fill_nonzero();
                c.set_fill_gray(0.0);
            }
            Op::Line { from, to, width } => {
                c.set_line_width(*width);
                c.move_to(from.0, from.1);
                c.line_to(to.0, to.1);
                c.stroke();
            }
        }
    }
    c.finish().to_vec()
}

/// Writes the font's five objects, from `first`.
fn embed(pdf: &mut Pdf, used: &Used, first: i32) -> Ref {
    let (type0, cid, descriptor, file, cmap) =
        (Ref::new(first), Ref::new(first + 1), Ref::new(first + 2), Ref::new(first + 3), Ref::new(first + 4));
    let name = format!("{}+{}", tag(used), FACE.name);
    let name = Name(name.as_bytes());
    let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let mut font = pdf.cid_font(cid);
    font.subtype(CidFontType::Type2).base_font(name).system_info(system).font_descriptor(descriptor);
    font.cid_to_gid_map_predefined(Name(b"Identity"));
    font.widths().consecutive(0, used.advances.iter().map(|&a| FACE.per_mille(i32::from(a))));
    font.finish();
    let [x0, y0, x1, y1] = FACE.bbox.map(|v| FACE.per_mille(i32::from(v)));
    pdf.font_descriptor(descriptor)
        .name(name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(FACE.per_mille(FACE.ascender.into()))
        .descent(FACE.per_mille(FACE.descender.into()))
        .cap_height(FACE.per_mille(FACE.cap_height.into()))
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, &deflate(&used.font)).filter(Filter::FlateDecode).pair(Name(b"Length1"), used.font.len() as i32);
    let mut map = UnicodeCmap::new(Name(b"Custom"), system);
    for (&glyph, &c) in &used.chars {
        map.pair(glyph, c);
    }
    pdf.stream(cmap, &deflate(map.finish().as_slice())).filter(Filter::FlateDecode);
    type0
}

/// The PDF of `pages`, titled `title` for the viewer's window and `subject` (the dossier code).
pub fn write(pages: &[Page], title: &str, subject: &str) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let (catalog, tree, info) = (Ref::new(1), Ref::new(2), Ref::new(3));
    let font = used(pages);
    let font_ref = font.as_ref().map(|f| embed(&mut pdf, f, 4));
    let next = 9;
    let page_refs: Vec<(Ref, Ref)> =
        (0..pages.len() as i32).map(|i| (Ref::new(next + 2 * i), Ref::new(next + 2 * i + 1))).collect();
    for (page, &(id, contents)) in pages.iter().zip(&page_refs) {
        let mut p = pdf.page(id);
        p.media_box(Rect::new(0.0, 0.0, A5.0, A5.1)).parent(tree).contents(contents);
        let mut resources = p.resources();
        if let Some(font) = font_ref {
            resources.fonts().pair(FONT, font);
        }
        resources.finish();
        p.finish();
        let drawn = font.as_ref().map(|f| content(page, f)).unwrap_or_default();
        pdf.stream(contents, &deflate(&drawn)).filter(Filter::FlateDecode);
    }
    pdf.pages(tree).kids(page_refs.iter().map(|&(id, _)| id)).count(pages.len() as i32);
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info).title(TextStr(title)).subject(TextStr(subject)).producer(TextStr("motcua"));
    pdf.finish()
}
