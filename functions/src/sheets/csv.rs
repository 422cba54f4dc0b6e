//! A sheet as CSV (RFC 4180): a byte-order mark, one header line (each column under its group:
//! `Group: column`), the rows, the totals row. Title lines and notes stay out: the file is for
//! machines and spreadsheets; the XLSX carries the form's layout.

use super::{Cell, Sheet};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(out: &mut String, cells: impl Iterator<Item = String>) {
    let fields: Vec<String> = cells.map(|c| field(&c)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// The column headings, each prefixed with its group's title.
fn headings(sheet: &Sheet) -> Vec<String> {
    let mut owners: Vec<Option<&str>> = vec![];
    for g in &sheet.groups {
        owners.extend(std::iter::repeat_n(Some(g.title.as_str()), g.span));
    }
    sheet
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match owners.get(i).copied().flatten() {
            Some(g) if !g.is_empty() => format!("{g}: {c}"),
            _ => c.clone(),
        })
        .collect()
}

pub fn write(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    line(&mut out, headings(sheet).into_iter());
    for row in sheet.rows.iter().chain(sheet.total.as_ref()) {
        line(&mut out, row.iter().map(Cell::display));
    }
    out.into_bytes()
}

/// A table (the catalogue's layout) as CSV: the header, then each row, text a spreadsheet would
/// take for a formula disarmed as in a report (`sheets::read::csv` takes the apostrophe off).
pub fn write_table(table: &motcua_domain::catalogue::import::Table) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    line(&mut out, table.header.iter().cloned());
    for row in &table.rows {
        line(&mut out, row.cells.iter().map(|c| super::disarmed(c)));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::Group;

    #[test]
    fn vietnamese_text_is_marked_and_formulas_are_disarmed() {
        let sheet = Sheet {
            name: "x".into(),
            title: vec!["ignored".into()],
            groups: vec![Group { title: String::new(), span: 1 }, Group { title: "Tiếp nhận".into(), span: 2 }],
            columns: vec!["Lĩnh vực".into(), "Tổng số".into(), "Trực tuyến".into()],
            rows: vec![vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Number(3), Cell::Number(-1)]],
            total: Some(vec![Cell::text("Tổng, cộng"), Cell::Number(3), Cell::Empty]),
            notes: vec![],
        };
        let text = String::from_utf8(write(&sheet)).unwrap();
        assert_eq!(
            text,
            "\u{feff}Lĩnh vực,Tiếp nhận: Tổng số,Tiếp nhận: Trực tuyến\r\n\"'=HYPERLINK(\"\"x\"\")\",3,-1\r\n\"Tổng, cộng\",3,\r\n"
        );
    }
}
