//! Lays a [`Sheet`] out on A5 pages: the two-column header, the title, the code beside its QR
//! code, then the body top to bottom, wrapping text to the width, breaking tables between rows
//! (the header row repeated), keeping signature blocks whole, numbering pages when there are
//! more than one.

use crate::font::{normal, Weight, FACE};
use crate::pdf::{Op, Page, A5};
use crate::qr;
use crate::sheet::{Block, Sheet, Signature};

const MARGIN: f32 = 34.0;
const TOP: f32 = A5.1 - 26.0;
const BOTTOM: f32 = 36.0;
const WIDTH: f32 = A5.0 - 2.0 * MARGIN;
const GAP: f32 = 5.0;
const RULE: f32 = 0.5;

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
}

/// A style of text: weight, size and line height.
#[derive(Clone, Copy)]
struct Style {
    weight: Weight,
    size: f32,
    leading: f32,
}

const BODY: Style = Style { weight: Weight::Regular, size: 9.0, leading: 12.0 };
const STRONG: Style = Style { weight: Weight::Bold, size: 9.0, leading: 12.0 };
const SMALL: Style = Style { weight: Weight::Regular, size: 7.5, leading: 9.5 };
const SMALL_BOLD: Style = Style { weight: Weight::Bold, size: 7.5, leading: 9.5 };
const CELL: Style = Style { weight: Weight::Regular, size: 8.0, leading: 10.0 };
const CELL_HEAD: Style = Style { weight: Weight::Bold, size: 8.0, leading: 10.0 };
const TITLE: Style = Style { weight: Weight::Bold, size: 11.0, leading: 14.0 };
const CODE: Style = Style { weight: Weight::Bold, size: 10.0, leading: 13.0 };

fn width(text: &str, style: Style) -> f32 {
    FACE.width(text, style.size)
}

/// `text` broken into lines no wider than `room`: at spaces, or inside a word too long for a
/// line; explicit line breaks kept.
fn wrap(text: &str, style: Style, room: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in normal(paragraph).split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if width(&candidate, style) <= room {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if width(&line, style) > room && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

struct Cursor {
    pages: Vec<Page>,
    page: Page,
    y: f32,
}

impl Cursor {
    fn new() -> Self {
        Self { pages: Vec::new(), page: Vec::new(), y: TOP }
    }

    fn break_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM && !self.page.is_empty() {
            self.break_page();
        }
    }

    fn text(&mut self, text: &str, style: Style, x: f32, baseline: f32) {
        if !text.is_empty() {
            self.page.push(Op::Text { weight: style.weight, size: style.size, x, y: baseline, text: normal(text) });
        }
    }

    /// Lines in a column, from `top`; returns the height used.
    fn column(&mut self, lines: &[String], style: Style, x: f32, room: f32, top: f32, align: Align) -> f32 {
        for (i, line) in lines.iter().enumerate() {
            let dx = match align {
                Align::Left => 0.0,
                Align::Center => (room - width(line, style)).max(0.0) / 2.0,
            };
            self.text(line, style, x + dx, top - style.size - i as f32 * style.leading);
        }
        lines.len() as f32 * style.leading
    }

    /// A paragraph across the width, breaking pages between its lines.
    fn paragraph(&mut self, text: &str, style: Style, indent: f32) {
        for line in wrap(text, style, WIDTH - indent) {
            self.room_for(style.leading);
            let y = self.y;
            self.column(&[line], style, MARGIN + indent, WIDTH - indent, y, Align::Left);
            self.y -= style.leading;
        }
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32)) {
        self.page.push(Op::Line { from, to, width: RULE });
    }
}

fn header(c: &mut Cursor, sheet: &Sheet) {
    let h = &sheet.header;
    c.text(&sheet.model, SMALL, A5.0 - MARGIN - width(&normal(&sheet.model), SMALL), A5.1 - 16.0);
    let left = WIDTH * 0.42;
    let right = WIDTH - left;
    let top = c.y;
    let authority = wrap(&h.authority.to_uppercase(), SMALL, left);
    let mut y = top - c.column(&authority, SMALL, MARGIN, left, top, Align::Center);
    let unit = wrap(&h.unit.to_uppercase(), SMALL_BOLD, left);
    y -= c.column(&unit, SMALL_BOLD, MARGIN, left, y, Align::Center);
    c.line((MARGIN + left * 0.3, y - 2.0), (MARGIN + left * 0.7, y - 2.0));
    y -= 5.0;
    y -= c.column(&wrap(&h.number, SMALL, left), SMALL, MARGIN, left, y, Align::Center);
    let x = MARGIN + left;
    let motto = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_owned()];
    let mut z = top - c.column(&motto, SMALL_BOLD, x, right, top, Align::Center);
    let slogan = "Độc lập - Tự do - Hạnh phúc".to_owned();
    z -= c.column(std::slice::from_ref(&slogan), SMALL_BOLD, x, right, z, Align::Center);
    let half = width(&slogan, SMALL_BOLD) / 2.0;
    c.line((x + right / 2.0 - half, z - 2.0), (x + right / 2.0 + half, z - 2.0));
    z -= 5.0;
    z -= c.column(&wrap(&h.place_date, SMALL, right), SMALL, x, right, z, Align::Center);
    c.y = y.min(z) - 2.0 * GAP;
    let title = wrap(&sheet.title, TITLE, WIDTH);
    let top = c.y;
    c.y -= c.column(&title, TITLE, MARGIN, WIDTH, top, Align::Center) + GAP;
}

/// The code and the lookup address beside the QR code.
fn code(c: &mut Cursor, sheet: &Sheet) {
    let modules = qr::encode(&sheet.lookup);
    let side = modules.as_ref().map_or(0, |m| m.side) as f32;
    let size = 62.0;
    let module = if side > 0.0 { size / side } else { 0.0 };
    let text_room = WIDTH - size - 2.0 * GAP;
    let top = c.y;
    let mut y = top - 6.0;
    y -= c.column(&[format!("{}: {}", sheet.code_label, sheet.code)], CODE, MARGIN, text_room, y, Align::Left);
    let hint = match &sheet.qr_hint {
        _ if sheet.lookup.starts_with("http") => format!("Quét mã QR hoặc tra cứu tại: {}", sheet.lookup),
        Some(hint) => hint.clone(),
        None => String::new(),
    };
    y -= c.column(&wrap(&hint, SMALL, text_room), SMALL, MARGIN, text_room, y, Align::Left);
    if let Some(m) = modules {
        let (x0, y0) = (A5.0 - MARGIN - size, top);
        for (row, column, len) in m.runs {
            let (x, y) = (x0 + column as f32 * module, y0 - (row + 1) as f32 * module);
            c.page.push(Op::Fill { x, y, w: len as f32 * module, h: module, gray: 0.0 });
        }
    }
    c.y = y.min(top - size) - GAP;
}

fn field(c: &mut Cursor, label: &str, value: &str) {
    let label = format!("{}: ", normal(label));
    let indent = width(&label, BODY);
    if indent > WIDTH * 0.45 {
        c.paragraph(&label, BODY, 0.0);
        c.paragraph(value, STRONG, 12.0);
        return;
    }
    let lines = wrap(value, STRONG, WIDTH - indent);
    for (i, line) in lines.iter().enumerate() {
        c.room_for(BODY.leading);
        if i == 0 {
            let y = c.y;
            c.column(std::slice::from_ref(&label), BODY, MARGIN, indent, y, Align::Left);
        }
        let y = c.y;
        c.column(std::slice::from_ref(line), STRONG, MARGIN + indent, WIDTH - indent, y, Align::Left);
        c.y -= BODY.leading;
    }
}

const PAD: f32 = 3.0;

/// One table row: cells wrapped in their columns, ruled; the row's height.
fn row(c: &mut Cursor, cells: &[Vec<String>], widths: &[f32], style: Style, shade: bool) -> f32 {
    let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * style.leading + 2.0 * PAD;
    let top = c.y;
    if shade {
        c.page.push(Op::Fill { x: MARGIN, y: top - height, w: WIDTH, h: height, gray: 0.9 });
    }
    let mut x = MARGIN;
    for (lines, &w) in cells.iter().zip(widths) {
        c.column(lines, style, x + PAD, w - 2.0 * PAD, top - PAD, Align::Left);
        c.line((x, top), (x, top - height));
        x += w;
    }
    c.line((x, top), (x, top - height));
    c.line((MARGIN, top), (MARGIN + WIDTH, top));
    c.line((MARGIN, top - height), (MARGIN + WIDTH, top - height));
    c.y -= height;
    height
}

fn table(c: &mut Cursor, columns: &[(String, f32)], rows: &[Vec<String>]) {
    let total: f32 = columns.iter().map(|(_, share)| share).sum::<f32>().max(f32::EPSILON);
    let widths: Vec<f32> = columns.iter().map(|(_, share)| WIDTH * share / total).collect();
    let cells = |texts: &[String], style: Style| -> Vec<Vec<String>> {
        texts.iter().zip(&widths).map(|(t, &w)| wrap(t, style, w - 2.0 * PAD)).collect()
    };
    let head: Vec<String> = columns.iter().map(|(name, _)| name.clone()).collect();
    let head = cells(&head, CELL_HEAD);
    let head_height = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL_HEAD.leading + 2.0 * PAD;
    c.room_for(head_height + CELL.leading + 2.0 * PAD);
    row(c, &head, &widths, CELL_HEAD, true);
    for texts in rows {
        let body = cells(texts, CELL);
        let height = body.iter().map(Vec::len).max().unwrap_or(1) as f32 * CELL.leading + 2.0 * PAD;
        if c.y - height < BOTTOM {
            c.break_page();
            row(c, &head, &widths, CELL_HEAD, true);
        }
        row(c, &body, &widths, CELL, false);
    }
}

fn signatures(c: &mut Cursor, blocks: &[Signature]) {
    let room = WIDTH / blocks.len().max(1) as f32;
    let wrapped: Vec<_> = blocks
        .iter()
        .map(|s| {
            (wrap(&s.role, STRONG, room - GAP), wrap(&s.hint, SMALL, room - GAP), wrap(&s.name, STRONG, room - GAP))
        })
        .collect();
    let height = wrapped
        .iter()
        .map(|(role, hint, name)| {
            role.len() as f32 * STRONG.leading
                + hint.len() as f32 * SMALL.leading
                + 44.0
                + name.len() as f32 * STRONG.leading
        })
        .fold(0.0, f32::max);
    c.room_for(height + GAP);
    c.y -= GAP;
    let top = c.y;
    for (i, (role, hint, name)) in wrapped.iter().enumerate() {
        let x = MARGIN + i as f32 * room;
        let mut y = top - c.column(role, STRONG, x, room, top, Align::Center);
        y -= c.column(hint, SMALL, x, room, y, Align::Center);
        c.column(name, STRONG, x, room, y - 44.0, Align::Center);
    }
    c.y = top - height;
}

/// The pages of a sheet.
pub fn pages(sheet: &Sheet) -> Vec<Page> {
    let mut c = Cursor::new();
    header(&mut c, sheet);
    code(&mut c, sheet);
    for block in &sheet.body {
        match block {
            Block::Text(text) => c.paragraph(text, BODY, 0.0),
            Block::Strong(text) => c.paragraph(text, STRONG, 0.0),
            Block::Note(text) => c.paragraph(text, SMALL, 0.0),
            Block::Field { label, value } => field(&mut c, label, value),
            Block::Table { columns, rows } => table(&mut c, columns, rows),
            Block::Signatures(blocks) => signatures(&mut c, blocks),
        }
        c.y -= GAP / 2.0;
    }
    c.pages.push(std::mem::take(&mut c.page));
    let count = c.pages.len();
    if count > 1 {
        for (i, page) in c.pages.iter_mut().enumerate() {
            let text = normal(&format!("Trang {}/{count} · {}", i + 1, sheet.code));
            let x = (A5.0 - width(&text, SMALL)) / 2.0;
            page.push(Op::Text { weight: Weight::Regular, size: SMALL.size, x, y: 20.0, text });
        }
    }
    c.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Giấy đề nghị đăng ký doanh nghiệp và bản sao giấy tờ pháp lý của chủ sở hữu công ty";
        let lines = wrap(text, BODY, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, BODY) <= 120.0));
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_line_is_broken_inside() {
        let lines = wrap(&"x".repeat(200), BODY, 50.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| width(l, BODY) <= 50.0));
        assert_eq!(lines.concat(), "x".repeat(200));
    }
}
