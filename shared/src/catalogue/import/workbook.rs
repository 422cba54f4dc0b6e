//! What a reader makes of a file: tables of text cells under a header, each row with the number
//! the person sees in the spreadsheet, and what the reader itself refused (a formula cell, say).

use serde::Serialize;
use utoipa::ToSchema;

/// One row: its number as the spreadsheet shows it (the header is row 1) or, in JSON, its place
/// in the array (from 1), and its cells in the header's order (missing cells are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A sheet, a CSV file or a JSON array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    /// The column names, as written (matched without case or surrounding spaces).
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The column named `name`'s position.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h.trim().eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workbook {
    pub tables: Vec<Table>,
    /// What the reader refused, at its place.
    pub problems: Vec<ImportError>,
}

impl Workbook {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name.trim().eq_ignore_ascii_case(name))
    }
}

/// Something wrong at a place of the file: a sheet (row 0: the sheet itself), a row (no
/// column: the row as a whole) or a cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[schema(as = CatalogueError)]
pub struct ImportError {
    pub sheet: String,
    /// 0 for the sheet as a whole.
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl ImportError {
    pub fn sheet(sheet: &str, message: impl Into<String>) -> Self {
        Self { sheet: sheet.into(), row: 0, column: None, message: message.into() }
    }

    pub fn at(sheet: &str, row: usize, column: Option<&str>, message: impl Into<String>) -> Self {
        Self { sheet: sheet.into(), row, column: column.map(str::to_owned), message: message.into() }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, &self.column) {
            (0, _) => write!(f, "{}: {}", self.sheet, self.message),
            (row, None) => write!(f, "{} row {row}: {}", self.sheet, self.message),
            (row, Some(c)) => write!(f, "{} row {row}, {c}: {}", self.sheet, self.message),
        }
    }
}
