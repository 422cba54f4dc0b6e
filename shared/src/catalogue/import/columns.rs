//! The layout: each sheet's columns, which are required, and how a cell's text is read. A
//! header naming a column not listed is refused (a typo would otherwise lose a field).

use super::workbook::{ImportError, Row, Table};

/// One sheet's columns: `(name, required, what it holds)`.
pub struct Spec {
    pub sheet: &'static str,
    pub columns: &'static [(&'static str, bool, &'static str)],
}

pub const PROCEDURES: Spec = Spec {
    sheet: "procedures",
    columns: &[
        ("code", true, "national code (mã TTHC), e.g. 1.001234"),
        ("name", true, "the procedure's name"),
        ("field", true, "its field (lĩnh vực)"),
        ("agency", true, "the agency in charge, e.g. 000.00.03.H56"),
        ("legal_basis", false, "its legal basis (căn cứ pháp lý)"),
        ("applicant_kinds", true, "citizen, organisation or both, comma-separated"),
        ("processing_time", true, "the statutory time, e.g. 10 or 0.5"),
        ("processing_unit", true, "working_days, working_hours or calendar_days"),
        ("online_processing_time", false, "a shorter time for online dossiers, in the same unit"),
        ("cutoff", false, "same-day cut-off as HH:MM (received later counts from the next working morning)"),
        ("channels", true, "direct, online, postal: comma-separated"),
        ("online_level", true, "information, partial or full"),
        ("postal_return", false, "results may be returned by post: yes or no (default yes)"),
        ("fees_first", false, "fees are paid before processing: yes or no (default no)"),
        ("supplement_rule", false, "recompute or resume (default recompute)"),
        ("supplement_requests", false, "supplement requests allowed per dossier (default 1)"),
        ("extensions", false, "extensions with an apology allowed per dossier (default 1)"),
        ("supplement_deadline_days", false, "calendar days to bring a supplement (default 30)"),
        ("sms_segments", false, "the most SMS segments one notice may take, 1 to 6"),
        (
            "extension_limit",
            false,
            "how much later an extension may set the due date, in the procedure's unit (default: its own time)",
        ),
        (
            "effective_from",
            false,
            "the date this version is in force from, YYYY-MM-DD or DD/MM/YYYY (after today: scheduled; default: in force now)",
        ),
    ],
};

pub const COMPONENTS: Spec = Spec {
    sheet: "components",
    columns: &[
        ("procedure", true, "the procedure's national code"),
        ("name", true, "the component's name (thành phần hồ sơ)"),
        ("form", false, "original or copy (default original)"),
        ("quantity", false, "how many (default 1)"),
        ("required", false, "yes or no (default yes)"),
    ],
};

pub const FEES: Spec = Spec {
    sheet: "fees",
    columns: &[
        ("procedure", true, "the procedure's national code"),
        ("name", true, "the fee's name"),
        ("kind", false, "fee (phí) or charge (lệ phí; the default)"),
        ("amount_vnd", true, "the amount in đồng, digits only"),
    ],
};

pub const STEPS: Spec = Spec {
    sheet: "steps",
    columns: &[
        ("procedure", true, "the procedure's national code"),
        ("step", true, "its place in the workflow: 1, 2, 3…"),
        ("name", true, "the step's name"),
        ("role", true, "reception, specialist or leader (the last step is the leader's)"),
        ("agency", false, "another agency's code for an inter-agency step"),
        ("share_percent", true, "its share of the processing time; a workflow's shares add up to 100"),
    ],
};

/// The four sheets, in the order they are read.
pub const SHEETS: [&Spec; 4] = [&PROCEDURES, &COMPONENTS, &FEES, &STEPS];

impl Spec {
    /// Checks `table`'s header: every required column present, none unknown.
    pub fn check(&self, table: &Table) -> Vec<ImportError> {
        let mut errors = vec![];
        for (name, required, _) in self.columns {
            if *required && table.column(name).is_none() {
                errors.push(ImportError::sheet(self.sheet, format!("thiếu cột / missing column `{name}`")));
            }
        }
        for (i, h) in table.header.iter().enumerate() {
            let known = self.columns.iter().any(|(name, _, _)| h.trim().eq_ignore_ascii_case(name));
            if !known && !h.trim().is_empty() {
                errors.push(ImportError::sheet(
                    self.sheet,
                    format!("cột không có trong mẫu / unknown column `{}` (column {})", h.trim(), i + 1),
                ));
            }
            if table.header[..i].iter().any(|earlier| earlier.trim().eq_ignore_ascii_case(h.trim())) {
                errors.push(ImportError::sheet(self.sheet, format!("cột lặp lại / column `{}` twice", h.trim())));
            }
        }
        errors
    }
}

/// One row of one sheet being read: its cells by column name, and the errors found so far.
pub struct Cells<'a> {
    pub sheet: &'static str,
    table: &'a Table,
    row: &'a Row,
    pub errors: Vec<ImportError>,
}

impl<'a> Cells<'a> {
    pub fn new(spec: &Spec, table: &'a Table, row: &'a Row) -> Self {
        Self { sheet: spec.sheet, table, row, errors: vec![] }
    }

    /// The cell's text, trimmed; empty when the column or the cell is absent.
    pub fn text(&self, column: &str) -> &'a str {
        self.table.column(column).and_then(|i| self.row.cells.get(i)).map_or("", |c| c.trim())
    }

    pub fn fail(&mut self, column: &str, message: impl Into<String>) {
        self.errors.push(ImportError::at(self.sheet, self.row.number, Some(column), message));
    }

    /// A required text (at most `max` characters, plain).
    pub fn required(&mut self, column: &str, max: usize) -> String {
        let text = self.text(column);
        if text.is_empty() {
            self.fail(column, "bắt buộc / required");
        } else if text.chars().count() > max {
            self.fail(column, format!("dài quá {max} ký tự / longer than {max} characters"));
        } else if !crate::text::is_plain(text, false) {
            self.fail(column, "có ký tự điều khiển / holds control characters");
        }
        text.to_owned()
    }

    /// An optional value read by `read` (which says what it expected), `None` when empty.
    pub fn optional<T>(&mut self, column: &str, read: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }
        match read(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(column, e);
                None
            }
        }
    }

    /// A value read by `read`, `default` when empty.
    pub fn or<T>(&mut self, column: &str, default: T, read: impl Fn(&str) -> Result<T, String>) -> T {
        self.optional(column, read).unwrap_or(default)
    }

    /// A required value read by `read`.
    pub fn must<T>(&mut self, column: &str, read: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        if self.text(column).is_empty() {
            self.fail(column, "bắt buộc / required");
            return None;
        }
        self.optional(column, read)
    }
}

/// A snake_case name of `T` (`working_days`), any case, spaces as underscores.
pub fn named<T: serde::de::DeserializeOwned>(allowed: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |text| {
        let key = text.trim().to_lowercase().replace([' ', '-'], "_");
        serde_json::from_value(serde_json::Value::String(key))
            .map_err(|_| format!("`{text}` không hợp lệ / `{text}` is not one of: {allowed}"))
    }
}

/// A comma- or semicolon-separated list of names.
pub fn list<T: serde::de::DeserializeOwned>(allowed: &'static str) -> impl Fn(&str) -> Result<Vec<T>, String> {
    move |text| {
        let one = named::<T>(allowed);
        text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(&one).collect()
    }
}

/// yes/no, true/false, 1/0, có/không, x/empty.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "có" | "co" => Ok(true),
        "no" | "n" | "false" | "0" | "không" | "khong" => Ok(false),
        _ => Err(format!("`{text}`: yes hoặc no / expected yes or no")),
    }
}

/// A whole number within `range` (a spreadsheet's `3.0` is 3).
pub fn whole(range: std::ops::RangeInclusive<u64>) -> impl Fn(&str) -> Result<u64, String> {
    move |text| {
        let t = text.trim().strip_suffix(".0").unwrap_or(text.trim());
        match t.parse::<u64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!(
                "`{text}` không phải số nguyên từ {} đến {} / not a whole number from {} to {}",
                range.start(),
                range.end(),
                range.start(),
                range.end()
            )),
        }
    }
}

/// A positive decimal amount (`10`, `0.5`, `0,5`).
pub fn amount(text: &str) -> Result<f64, String> {
    match text.trim().replace(',', ".").parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!("`{text}` không phải số dương / not a positive number")),
    }
}

/// `HH:MM` (or `HH:MM:SS`).
pub fn time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .or_else(|_| chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        .map_err(|_| format!("`{text}`: giờ dạng HH:MM / expected a time as HH:MM"))
}

/// A date as YYYY-MM-DD or DD/MM/YYYY, or a spreadsheet's day number (a date cell of XLSX).
pub fn date(text: &str) -> Result<chrono::NaiveDate, String> {
    let t = text.trim();
    if let Ok(serial) = t.parse::<i64>() {
        // Spreadsheets count days from 30 December 1899; 1990 to 2150 are days 32874 to 91313.
        if (32_874..=91_313).contains(&serial) {
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
            return Ok(epoch + chrono::Days::new(serial as u64));
        }
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y"))
        .map_err(|_| {
            format!("`{text}`: ngày dạng YYYY-MM-DD hoặc DD/MM/YYYY / expected a date as YYYY-MM-DD or DD/MM/YYYY")
        })
}

/// An agency code.
pub fn agency(text: &str) -> Result<crate::codes::AgencyCode, String> {
    crate::codes::AgencyCode::parse(text.trim()).map_err(|e| format!("`{text}`: {e}"))
}

/// The layout as Markdown tables, for `docs/catalogue.md` (a test keeps that file in step).
pub fn to_markdown() -> String {
    let mut out = String::new();
    for spec in SHEETS {
        out.push_str(&format!("**`{}`**\n\n| column | required | what it holds |\n|---|---|---|\n", spec.sheet));
        for (name, required, what) in spec.columns {
            out.push_str(&format!("| `{name}` | {} | {what} |\n", if *required { "yes" } else { "" }));
        }
        out.push('\n');
    }
    out
}
