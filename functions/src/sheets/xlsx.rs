//! A sheet as an XLSX workbook (Office Open XML, ECMA-376): one worksheet laid out like the
//! printed form: the title lines merged across the table, the column groups merged over their
//! columns, bordered cells, the totals row in bold, the rules below. Written with the archive's
//! own ZIP writer; text as inline strings (no shared-strings part).

use std::fmt::Write as _;
use std::io::Cursor;

use super::{Cell, Sheet};
use crate::archive::zip::{Method, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Fonts: regular, bold (Times New Roman, as the forms are printed). Cell styles, by index:
/// 0 plain, 1 title (bold, centred), 2 heading (bold, centred, wrapped, bordered), 3 text
/// (bordered, wrapped), 4 number (bordered), 5 bold text (bordered), 6 bold number (bordered),
/// 7 decimal (bordered, two places), 8 bold decimal.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="12"/><name val="Times New Roman"/></font><font><b/><sz val="12"/><name val="Times New Roman"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment horizontal="center"/></xf><xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf><xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="1" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf><xf numFmtId="1" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/><xf numFmtId="2" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"/><xf numFmtId="2" fontId="1" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

const TITLE: u8 = 1;
const HEADING: u8 = 2;

/// `A`, `B`, … `Z`, `AA`, … for column `i` (from 0).
pub(super) fn column(mut i: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The worksheet being written: rows in order, merged ranges.
struct Grid {
    xml: String,
    merges: Vec<String>,
    row: usize,
}

impl Grid {
    fn cell(&mut self, col: usize, cell: &Cell, style: u8) {
        let at = format!("{}{}", column(col), self.row);
        let _ = match cell {
            Cell::Text(s) => {
                write!(
                    self.xml,
                    r#"<c r="{at}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    escape(&super::disarmed(s))
                )
            }
            Cell::Number(n) => write!(self.xml, r#"<c r="{at}" s="{style}"><v>{n}</v></c>"#),
            Cell::Decimal(x) if x.is_finite() => write!(self.xml, r#"<c r="{at}" s="{style}"><v>{x}</v></c>"#),
            Cell::Decimal(_) | Cell::Empty => write!(self.xml, r#"<c r="{at}" s="{style}"/>"#),
        };
    }

    fn row(&mut self, cells: impl FnOnce(&mut Self)) {
        self.row += 1;
        let _ = write!(self.xml, r#"<row r="{}">"#, self.row);
        cells(self);
        self.xml.push_str("</row>");
    }

    fn merge(&mut self, from: (usize, usize), to: (usize, usize)) {
        if from != to {
            self.merges.push(format!("{}{}:{}{}", column(from.0), from.1, column(to.0), to.1));
        }
    }
}

/// The styles of a data cell and of a totals cell.
fn styles(cell: &Cell) -> (u8, u8) {
    match cell {
        Cell::Number(_) => (4, 6),
        Cell::Decimal(_) => (7, 8),
        _ => (3, 5),
    }
}

fn worksheet(sheet: &Sheet) -> String {
    let width = sheet.columns.len().max(1);
    let mut g = Grid { xml: String::new(), merges: vec![], row: 0 };
    for line in &sheet.title {
        g.row(|g| g.cell(0, &Cell::text(line.as_str()), TITLE));
        g.merge((0, g.row), (width - 1, g.row));
    }
    g.row(|_| {});
    // Group headings over the column headings, each merged over its columns; a column under an
    // untitled group has its own heading merged down over both rows.
    let mut untitled = vec![false; width];
    if !sheet.groups.is_empty() {
        g.row(|g| {
            let (top, mut start) = (g.row, 0);
            for group in &sheet.groups {
                let columns = start..(start + group.span).min(width);
                for i in columns.clone() {
                    let text = match group.title.as_str() {
                        "" => Cell::text(sheet.columns[i].as_str()),
                        title if i == start => Cell::text(title),
                        _ => Cell::Empty,
                    };
                    g.cell(i, &text, HEADING);
                    if group.title.is_empty() {
                        untitled[i] = true;
                        g.merge((i, top), (i, top + 1));
                    }
                }
                if !group.title.is_empty() && !columns.is_empty() {
                    g.merge((start, top), (columns.end - 1, top));
                }
                start = columns.end;
            }
        });
    }
    g.row(|g| {
        for (i, name) in sheet.columns.iter().enumerate() {
            let text = if untitled[i] { Cell::Empty } else { Cell::text(name.as_str()) };
            g.cell(i, &text, HEADING);
        }
    });
    for row in &sheet.rows {
        g.row(|g| {
            for (i, c) in row.iter().enumerate() {
                g.cell(i, c, styles(c).0);
            }
        });
    }
    if let Some(total) = &sheet.total {
        g.row(|g| {
            for (i, c) in total.iter().enumerate() {
                g.cell(i, c, styles(c).1);
            }
        });
    }
    if !sheet.notes.is_empty() {
        g.row(|_| {});
    }
    for note in &sheet.notes {
        g.row(|g| g.cell(0, &Cell::text(note.as_str()), 0));
    }
    let mut cols = String::new();
    for i in 0..width {
        let w = if i == 1 {
            40
        } else if sheet.columns[i].chars().count() > 12 {
            14
        } else {
            10
        };
        let _ = write!(cols, r#"<col min="{n}" max="{n}" width="{w}" customWidth="1"/>"#, n = i + 1);
    }
    let merges: String = g.merges.iter().map(|m| format!(r#"<mergeCell ref="{m}"/>"#)).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols>{cols}</cols><sheetData>{}</sheetData><mergeCells count="{}">{merges}</mergeCells><pageSetup orientation="landscape" paperSize="9"/></worksheet>"#,
        g.xml,
        g.merges.len()
    )
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if clean.trim().is_empty() {
        "Sheet1".into()
    } else {
        clean
    }
}

pub fn write(sheet: &Sheet) -> Vec<u8> {
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        escape(&sheet_name(&sheet.name))
    );
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", ROOT_RELS.into()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.into()),
        ("xl/styles.xml", STYLES.into()),
        ("xl/worksheets/sheet1.xml", worksheet(sheet)),
    ];
    let stamp = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()), stamp);
    for (name, xml) in parts {
        // Writing to memory fails only on sizes a report never reaches.
        if zip.bytes(name, Method::Deflated, xml.as_bytes()).is_err() {
            return Vec::new();
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// Tables as a workbook, one plain worksheet each (the header bold, every cell text), the form
/// a province edits and imports again (`docs/catalogue.md`).
pub fn write_tables(tables: &[motcua_domain::catalogue::import::Table]) -> Vec<u8> {
    let n = tables.len();
    let overrides: String = (1..=n)
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    let content_types = CONTENT_TYPES.replace(
        r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
        &overrides,
    );
    let sheets: String = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#, escape(&sheet_name(&t.name)), i + 1, i + 2)
        })
        .collect();
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>"#
    );
    let rels: String = (1..=n)
        .map(|i| format!(r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#, i + 1))
        .collect();
    let workbook_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>{rels}</Relationships>"#
    );
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), content_types),
        ("_rels/.rels".into(), ROOT_RELS.into()),
        ("xl/workbook.xml".into(), workbook),
        ("xl/_rels/workbook.xml.rels".into(), workbook_rels),
        ("xl/styles.xml".into(), STYLES.into()),
    ];
    for (i, t) in tables.iter().enumerate() {
        let mut xml = String::new();
        let cell = |xml: &mut String, r: usize, c: usize, text: &str, style: u8| {
            let _ = write!(
                xml,
                r#"<c r="{}{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                column(c),
                escape(text)
            );
        };
        let _ = write!(xml, r#"<row r="1">"#);
        for (c, h) in t.header.iter().enumerate() {
            cell(&mut xml, 1, c, h, 5);
        }
        xml.push_str("</row>");
        for (r, row) in t.rows.iter().enumerate() {
            let _ = write!(xml, r#"<row r="{}">"#, r + 2);
            for (c, text) in row.cells.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                cell(&mut xml, r + 2, c, text, 0);
            }
            xml.push_str("</row>");
        }
        let doc = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>{xml}</sheetData></worksheet>"#
        );
        parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), doc));
    }
    let stamp = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()), stamp);
    for (name, xml) in &parts {
        if zip.bytes(name, Method::Deflated, xml.as_bytes()).is_err() {
            return Vec::new();
        }
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(
            [column(0), column(25), column(26), column(27), column(701), column(702)],
            ["A", "Z", "AA", "AB", "ZZ", "AAA"]
        );
        assert_eq!(sheet_name("II.06a: 2026/Q1"), "II.06a 2026Q1");
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
