//! Reading tables of text out of what a person uploads: an XLSX workbook (each sheet a table,
//! its first row the header), a CSV file (UTF-8, a byte-order mark allowed, comma or semicolon
//! separated, RFC 4180 quoting) or a JSON object of arrays of row objects. Cells are text as the
//! spreadsheet shows it; a formula cell is refused at its place (its value is whatever the
//! program last computed, which the file may not hold), as is an error cell.

use motcua_domain::catalogue::import::{ImportError, Row, Table, Workbook};
use serde_json::Value;

use super::xml::{attr, decode, tokens, Token};
use crate::archive::unzip::Archive;

/// The most bytes one part of a workbook may expand to.
const PART_CAP: u64 = 64 * 1024 * 1024;

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("không đọc được tệp XLSX / not a readable XLSX workbook: {0}")]
    Xlsx(String),
    #[error("không đọc được tệp CSV / not a readable CSV file: {0}")]
    Csv(String),
    #[error("không đọc được tệp JSON / not a readable JSON catalogue: {0}")]
    Json(String),
}

fn xlsx_error(e: impl std::fmt::Display) -> ReadError {
    ReadError::Xlsx(e.to_string())
}

/// The column letters of a cell reference (`AB12` → 27), 0-based.
fn column_of(reference: &str) -> Option<usize> {
    let letters: String = reference.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    Some(letters.bytes().fold(0usize, |n, b| n * 26 + (b.to_ascii_uppercase() - b'A') as usize + 1) - 1)
}

fn part(zip: &Archive<'_>, name: &str) -> Result<Option<String>, ReadError> {
    match zip.read(name, PART_CAP).map_err(xlsx_error)? {
        Some(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| xlsx_error(format!("{name} is not UTF-8"))),
        None => Ok(None),
    }
}

/// The text of every `<t>` under each `<si>` (rich text runs joined; phonetic runs left out).
fn shared_strings(doc: &str) -> Result<Vec<String>, ReadError> {
    let mut out = vec![];
    let (mut current, mut in_t, mut in_phonetic) = (None::<String>, false, false);
    for token in tokens(doc) {
        match token.map_err(xlsx_error)? {
            Token::Start { name: "si", empty, .. } => {
                current = Some(String::new());
                if empty {
                    out.push(current.take().unwrap_or_default());
                }
            }
            Token::End("si") => out.push(current.take().unwrap_or_default()),
            Token::Start { name: "rPh", .. } => in_phonetic = true,
            Token::End("rPh") => in_phonetic = false,
            Token::Start { name: "t", empty: false, .. } => in_t = true,
            Token::End("t") => in_t = false,
            Token::Text(t) if in_t && !in_phonetic => current.get_or_insert_with(String::new).push_str(&decode(t)),
            Token::Cdata(t) if in_t && !in_phonetic => current.get_or_insert_with(String::new).push_str(t),
            _ => {}
        }
    }
    Ok(out)
}

/// The workbook's sheets in order: (name, part path).
fn sheets(zip: &Archive<'_>) -> Result<Vec<(String, String)>, ReadError> {
    let workbook = part(zip, "xl/workbook.xml")?.ok_or_else(|| xlsx_error("no xl/workbook.xml"))?;
    let rels = part(zip, "xl/_rels/workbook.xml.rels")?.unwrap_or_default();
    let mut targets = std::collections::HashMap::new();
    for token in tokens(&rels) {
        if let Token::Start { name: "Relationship", attrs, .. } = token.map_err(xlsx_error)? {
            if let (Some(id), Some(target)) = (attr(attrs, "Id"), attr(attrs, "Target")) {
                let path = match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id, path);
            }
        }
    }
    let mut out = vec![];
    for token in tokens(&workbook) {
        if let Token::Start { name: "sheet", attrs, .. } = token.map_err(xlsx_error)? {
            let (Some(name), Some(id)) = (attr(attrs, "name"), attr(attrs, "id")) else { continue };
            if let Some(path) = targets.get(&id) {
                out.push((name, path.clone()));
            }
        }
    }
    Ok(out)
}

/// One cell as read: its column, its text, and whether it holds a formula or an error.
struct Cell {
    column: usize,
    text: String,
    formula: bool,
    error: bool,
}

/// A worksheet's rows: (row number, cells).
fn rows(doc: &str, strings: &[String]) -> Result<Vec<(usize, Vec<Cell>)>, ReadError> {
    let mut out: Vec<(usize, Vec<Cell>)> = vec![];
    let mut cell: Option<(Cell, String)> = None; // the cell and its type
    let (mut in_value, mut in_inline) = (false, false);
    for token in tokens(doc) {
        match token.map_err(xlsx_error)? {
            Token::Start { name: "row", attrs, .. } => {
                let number = attr(attrs, "r").and_then(|r| r.parse().ok()).unwrap_or(out.len() + 1);
                out.push((number, vec![]));
            }
            Token::Start { name: "c", attrs, empty } => {
                let next = out.last().map_or(0, |(_, cells)| cells.last().map_or(0, |c| c.column + 1));
                let column = attr(attrs, "r").and_then(|r| column_of(&r)).unwrap_or(next);
                let kind = attr(attrs, "t").unwrap_or_default();
                let c = Cell { column, text: String::new(), formula: false, error: kind == "e" };
                if empty {
                    if let Some((_, cells)) = out.last_mut() {
                        cells.push(c);
                    }
                } else {
                    cell = Some((c, kind));
                }
            }
            Token::Start { name: "f", .. } => {
                if let Some((c, _)) = cell.as_mut() {
                    c.formula = true;
                }
            }
            Token::Start { name: "v", empty: false, .. } => in_value = true,
            Token::End("v") => in_value = false,
            Token::Start { name: "is", .. } => in_inline = true,
            Token::End("is") => in_inline = false,
            Token::Text(t) if in_value || in_inline => {
                if let Some((c, _)) = cell.as_mut() {
                    c.text.push_str(&decode(t));
                }
            }
            Token::End("c") => {
                if let Some((mut c, kind)) = cell.take() {
                    if kind == "s" {
                        let index: usize =
                            c.text.trim().parse().map_err(|_| xlsx_error("a bad shared string index"))?;
                        c.text =
                            strings.get(index).cloned().ok_or_else(|| xlsx_error("a shared string out of range"))?;
                    }
                    if let Some((_, cells)) = out.last_mut() {
                        cells.push(c);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Reads an XLSX workbook: each sheet a table whose first row is the header.
pub fn xlsx(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let zip = Archive::open(bytes).map_err(xlsx_error)?;
    let strings = match part(&zip, "xl/sharedStrings.xml")? {
        Some(doc) => shared_strings(&doc)?,
        None => vec![],
    };
    let mut book = Workbook::default();
    for (name, path) in sheets(&zip)? {
        let doc = part(&zip, &path)?.ok_or_else(|| xlsx_error(format!("sheet `{name}` has no part {path}")))?;
        let mut rows = rows(&doc, &strings)?
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.text.trim().is_empty() || c.formula));
        let Some((_, head)) = rows.next() else {
            book.tables.push(Table { name, header: vec![], rows: vec![] });
            continue;
        };
        let width = head.iter().map(|c| c.column + 1).max().unwrap_or(0);
        let mut header = vec![String::new(); width];
        for c in head {
            header[c.column] = c.text.trim().to_owned();
        }
        let mut table = Table { name: name.clone(), header, rows: vec![] };
        for (number, cells) in rows {
            let mut row = Row { number, cells: vec![String::new(); table.header.len()] };
            for c in cells {
                let column = table
                    .header
                    .get(c.column)
                    .filter(|h| !h.is_empty())
                    .cloned()
                    .unwrap_or_else(|| super::xlsx::column(c.column));
                if c.formula {
                    book.problems.push(ImportError::at(
                        &name,
                        number,
                        Some(&column),
                        "ô chứa công thức: hãy nhập giá trị / a formula cell: enter its value instead",
                    ));
                } else if c.error {
                    book.problems.push(ImportError::at(
                        &name,
                        number,
                        Some(&column),
                        format!("ô lỗi / an error cell ({})", c.text),
                    ));
                } else if c.column < row.cells.len() {
                    row.cells[c.column] = c.text;
                } else if !c.text.trim().is_empty() {
                    book.problems.push(ImportError::at(
                        &name,
                        number,
                        Some(&column),
                        "ô ngoài các cột có tiêu đề / a cell outside the header's columns",
                    ));
                }
            }
            table.rows.push(row);
        }
        book.tables.push(table);
    }
    Ok(book)
}

/// Reads a CSV file as the table `name`.
pub fn csv(name: &str, bytes: &[u8]) -> Result<Table, ReadError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| ReadError::Csv(format!("{name}: not UTF-8 (save it as CSV UTF-8)")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { ';' } else { ',' };
    let mut records: Vec<(usize, Vec<String>)> = vec![];
    let (mut field, mut record, mut quoted, mut line, mut start) = (String::new(), vec![], false, 1usize, 1usize);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (c, false) if c == delimiter => record.push(std::mem::take(&mut field)),
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            ('\n', true) => {
                line += 1;
                field.push('\n');
            }
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err(ReadError::Csv(format!("{name}: a quoted field is not closed")));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    let mut records = records.into_iter().filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = records.next() else {
        return Ok(Table { name: name.into(), header: vec![], rows: vec![] });
    };
    let header: Vec<String> = header.into_iter().map(|h| h.trim().to_owned()).collect();
    let rows = records
        .map(|(number, cells)| {
            let mut cells: Vec<String> = cells.into_iter().map(armed).collect();
            cells.resize(header.len().max(cells.len()), String::new());
            Row { number, cells }
        })
        .collect();
    Ok(Table { name: name.into(), header, rows })
}

/// A cell as written before [`super::disarmed`] guarded it against spreadsheet formulas.
fn armed(cell: String) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => cell,
    }
}

/// Reads a JSON catalogue: `{"procedures": [{"code": …, …}], "components": […], …}`. Each
/// object is a row (numbered from 1 in its array); strings, numbers and booleans are its cells.
pub fn json(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| ReadError::Json(e.to_string()))?;
    let Value::Object(sheets) = value else { return Err(ReadError::Json("expected an object of arrays".into())) };
    let mut book = Workbook::default();
    for (name, rows) in sheets {
        let Value::Array(rows) = rows else { return Err(ReadError::Json(format!("`{name}` is not an array"))) };
        let mut header: Vec<String> = vec![];
        for row in &rows {
            let Value::Object(fields) = row else {
                return Err(ReadError::Json(format!("`{name}`: a row is not an object")));
            };
            for key in fields.keys() {
                if !header.contains(key) {
                    header.push(key.clone());
                }
            }
        }
        let mut table = Table { name: name.clone(), header, rows: vec![] };
        for (i, row) in rows.iter().enumerate() {
            let mut cells = vec![String::new(); table.header.len()];
            for (k, v) in row.as_object().into_iter().flatten() {
                let at = table.header.iter().position(|h| h == k).unwrap_or(0);
                cells[at] = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
                    Value::Null => String::new(),
                    _ => {
                        book.problems.push(ImportError::at(
                            &name,
                            i + 1,
                            Some(k),
                            "một giá trị, không phải danh sách / a value, not a list or object",
                        ));
                        String::new()
                    }
                };
            }
            table.rows.push(Row { number: i + 1, cells });
        }
        book.tables.push(table);
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_quotes_semicolons_and_line_numbers() {
        let t = csv(
            "fees",
            "\u{feff}procedure;name;amount_vnd\r\n2.000488;\"Lệ phí; \"\"cấp\"\"\";200000\r\n\r\n1.1;\"hai\ndòng\";5\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(t.header, ["procedure", "name", "amount_vnd"]);
        assert_eq!(
            t.rows[0],
            Row { number: 2, cells: vec!["2.000488".into(), "Lệ phí; \"cấp\"".into(), "200000".into()] }
        );
        assert_eq!((t.rows[1].number, t.rows[1].cells[1].as_str()), (4, "hai\ndòng"));
        assert!(csv("x", b"a,\"b\n").is_err());
        assert!(csv("x", &[0xff, 0xfe]).is_err());
    }

    #[test]
    fn json_rows_are_numbered_from_one() {
        let book =
            json(br#"{"fees": [{"procedure": "1.1", "amount_vnd": 5}, {"procedure": "1.2", "kind": null, "x": [1]}]}"#)
                .unwrap();
        let t = &book.tables[0];
        let cell = |row: usize, column: &str| t.rows[row].cells[t.column(column).unwrap()].clone();
        assert_eq!(t.header.len(), 4);
        assert_eq!(
            (cell(0, "procedure"), cell(0, "amount_vnd"), cell(1, "kind")),
            ("1.1".into(), "5".into(), String::new())
        );
        assert_eq!(
            book.problems[0].to_string(),
            "fees row 2, x: một giá trị, không phải danh sách / a value, not a list or object"
        );
        assert!(json(b"[1]").is_err());
    }

    #[test]
    fn cell_references_read_their_column() {
        for (n, l) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_of(&format!("{l}12")), Some(n));
        }
    }
}
