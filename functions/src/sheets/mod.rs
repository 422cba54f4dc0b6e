//! Reports as spreadsheets: a [`Sheet`] (title lines, column groups, columns, rows, a totals row,
//! notes) written as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Vietnamese
//! right) or as an XLSX workbook laid out like the printed form. Text a person typed (a name)
//! that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
//! is written with a leading apostrophe.

pub mod csv;
pub mod read;
pub mod xlsx;
mod xml;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// A ratio or an average, shown with two decimals.
    Decimal(f64),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// The cell as text, formula characters disarmed.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => disarmed(s),
            Cell::Number(n) => n.to_string(),
            Cell::Decimal(x) => format!("{x:.2}"),
            Cell::Empty => String::new(),
        }
    }
}

/// `s`, with an apostrophe before it when a spreadsheet would read it as a formula.
pub fn disarmed(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_owned(),
    }
}

/// A heading over several columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub title: String,
    /// How many columns it spans.
    pub span: usize,
}

/// A report as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters).
    pub name: String,
    /// Lines above the table: the form's number, its title, the period, the scope.
    pub title: Vec<String>,
    /// Headings over the columns, left to right (empty: none).
    pub groups: Vec<Group>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub total: Option<Vec<Cell>>,
    /// Lines below the table: the rules applied.
    pub notes: Vec<String>,
}

/// A file for download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub media_type: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// How a report is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// The sheet written in this format (none for JSON), as `stem`.csv or `stem`.xlsx.
    pub fn write(self, sheet: &Sheet, stem: &str) -> Option<Download> {
        match self {
            Format::Json => None,
            Format::Csv => Some(Download {
                media_type: "text/csv; charset=utf-8",
                file_name: format!("{stem}.csv"),
                bytes: csv::write(sheet),
            }),
            Format::Xlsx => Some(Download {
                media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                file_name: format!("{stem}.xlsx"),
                bytes: xlsx::write(sheet),
            }),
        }
    }
}
