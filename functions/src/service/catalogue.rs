//! Importing the province's catalogue (`docs/catalogue.md`): a file read into tables
//! (`sheets::read`), each procedure built and checked as a single `PUT` checks it and compared
//! with the catalogue (`motcua_domain::catalogue::import`), then written in batches, only when
//! nothing is refused (or what is refused is skipped on request) and never on a dry run.

use std::collections::{BTreeMap, BTreeSet};

use motcua_domain::catalogue::import::{self, ImportError, Item, Outcome, Workbook};
use motcua_domain::catalogue::Procedure;
use motcua_domain::ports::{Catalogue, ProcedureQuery};
use serde::Serialize;
use utoipa::ToSchema;

use super::ServiceResult;
use crate::sheets::read::{self, ReadError};

/// How many procedures one store write takes (DynamoDB writes 25 to a batch, several at once).
pub const BATCH: usize = 100;

/// What the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Json,
}

impl Format {
    /// From a file name's extension or a content type.
    pub fn of(name_or_type: &str) -> Option<Self> {
        let t = name_or_type.to_ascii_lowercase();
        if t.ends_with(".xlsx") || t.starts_with("application/vnd.openxmlformats-officedocument.spreadsheetml") {
            Some(Format::Xlsx)
        } else if t.ends_with(".json") || t.starts_with("application/json") {
            Some(Format::Json)
        } else {
            None
        }
    }

    /// From the bytes themselves: a ZIP archive is a workbook, an object a JSON document.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(Format::Xlsx);
        }
        let first = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).iter().find(|b| !b.is_ascii_whitespace());
        (first == Some(&b'{')).then_some(Format::Json)
    }

    pub fn read(self, bytes: &[u8]) -> Result<Workbook, ReadError> {
        match self {
            Format::Xlsx => read::xlsx(bytes),
            Format::Json => read::json(bytes),
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Report only: write nothing.
    pub dry_run: bool,
    /// Write what is valid and list what was skipped (a file error still stops everything).
    pub skip_invalid: bool,
    /// The day the import runs (Vietnam date): rows dated after it are scheduled.
    pub today: chrono::NaiveDate,
}

/// What an import did (or, on a dry run, would do), procedure by procedure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Whether the file may be applied: no error of the file itself, and nothing refused (or
    /// the refused skipped, as asked).
    pub accepted: bool,
    /// Whether anything was written.
    pub applied: bool,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Versions dated after today, kept to be in force on their date.
    pub scheduled: usize,
    /// Refused procedures (skipped, with `skip_invalid`).
    pub refused: usize,
    pub items: Vec<Item>,
    /// Every error by sheet, row and column.
    pub errors: Vec<ImportError>,
}

/// Imports `book` into `catalogue`; `progress(written, total)` after each batch.
pub async fn import(
    catalogue: &dyn Catalogue,
    book: &Workbook,
    options: Options,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> ServiceResult<ImportReport> {
    let agencies: BTreeSet<_> = super::every(
        500,
        |a: &motcua_domain::catalogue::Agency| a.code.to_string(),
        |after: Option<String>| async move { catalogue.agencies(None, after.as_deref(), 500).await },
    )
    .await?
    .into_iter()
    .map(|a| a.code)
    .collect();
    let current = procedures(catalogue).await?;
    let built = import::build(book, &agencies);
    // The versions kept of what the file dates after today, to tell a repeat from a change.
    let mut versions: BTreeMap<String, Vec<Procedure>> = BTreeMap::new();
    for (code, _, p) in &built.procedures {
        let later = p.as_ref().ok().and_then(|p| p.effective_from).is_some_and(|d| d > options.today);
        if later && !versions.contains_key(code) {
            versions.insert(code.clone(), catalogue.procedure_versions(code).await?);
        }
    }
    let held = import::Held { current: &current, versions: &versions, today: options.today };
    let plan = import::plan(built, &held);
    let applicable = plan.applicable(options.skip_invalid);
    let applied = applicable && !options.dry_run && !(plan.writes.is_empty() && plan.schedules.is_empty());
    if applied {
        let total = plan.writes.len();
        for (i, batch) in plan.writes.chunks(BATCH).enumerate() {
            catalogue.put_procedures(batch).await?;
            progress((i * BATCH + batch.len()).min(total), total);
        }
        for p in &plan.schedules {
            catalogue.schedule_procedure(p).await?;
        }
        tracing::info!(written = total, scheduled = plan.schedules.len(), "catalogue imported");
    }
    Ok(ImportReport {
        dry_run: options.dry_run,
        accepted: applicable,
        applied,
        added: plan.count(Outcome::Added),
        changed: plan.count(Outcome::Changed),
        unchanged: plan.count(Outcome::Unchanged),
        scheduled: plan.count(Outcome::Scheduled),
        refused: plan.count(Outcome::Refused),
        errors: plan.errors(),
        items: plan.items,
    })
}

/// Puts in force the procedures' versions whose date has come (the Vietnam date of `now`), and
/// logs what it did.
pub async fn promote_and_log(
    catalogue: &dyn motcua_domain::ports::CatalogueWriter,
    now: chrono::DateTime<chrono::Utc>,
) {
    let today = motcua_domain::calendar::vietnam::to_local(now).date();
    match catalogue.promote_procedures(today).await {
        Ok(codes) if !codes.is_empty() => tracing::info!(?codes, "procedure versions put in force"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot put procedure versions in force; next run tries again"),
    }
}

/// Every procedure of the catalogue, by code.
pub async fn procedures(catalogue: &dyn Catalogue) -> ServiceResult<BTreeMap<String, Procedure>> {
    let all = super::every(
        500,
        |p: &Procedure| p.code.clone(),
        |after| catalogue.procedures(ProcedureQuery { after, limit: 500, ..ProcedureQuery::default() }),
    )
    .await?;
    Ok(all.into_iter().map(|p| (p.code.clone(), p)).collect())
}

/// The largest catalogue file read (a province's 1,600 procedures take well under 2 MB).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Reads a catalogue from `paths`: one `.xlsx` or `.json` file, a directory holding
/// `procedures.csv`, `components.csv`, `fees.csv` and `steps.csv`, or those CSV files named one
/// by one (each file's name without `.csv` is its table).
pub fn read_files(paths: &[std::path::PathBuf]) -> Result<Workbook, String> {
    let read = |path: &std::path::Path| -> Result<Vec<u8>, String> {
        let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        if size > MAX_FILE_BYTES {
            return Err(format!(
                "{}: {size} bytes, more than the {MAX_FILE_BYTES} a catalogue may take",
                path.display()
            ));
        }
        std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let csvs: Vec<std::path::PathBuf> = match paths {
        [one] if one.is_dir() => {
            import::SHEETS.iter().map(|s| one.join(format!("{}.csv", s.sheet))).filter(|p| p.exists()).collect()
        }
        [one] => {
            let name = one.to_string_lossy();
            if let Some(format) = Format::of(&name) {
                return format.read(&read(one)?).map_err(|e| e.to_string());
            }
            vec![one.clone()]
        }
        many => many.to_vec(),
    };
    let mut book = Workbook::default();
    for path in &csvs {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() != Some("csv") {
            return Err(format!("{}: expected an .xlsx or .json file, a directory, or .csv files", path.display()));
        }
        book.tables.push(read::csv(&name, &read(path)?).map_err(|e| e.to_string())?);
    }
    Ok(book)
}

/// `procedures` as the import's tables in one file: an XLSX workbook, or a JSON document of
/// row objects (empty cells left out).
pub fn encode(procedures: &[Procedure], format: Format) -> Vec<u8> {
    let tables = import::tables_of(procedures);
    match format {
        Format::Xlsx => crate::sheets::xlsx::write_tables(&tables),
        Format::Json => {
            let doc: serde_json::Map<String, serde_json::Value> = tables
                .iter()
                .map(|t| {
                    let rows = t
                        .rows
                        .iter()
                        .map(|r| {
                            let fields = t.header.iter().zip(&r.cells).filter(|(_, c)| !c.is_empty());
                            serde_json::Value::Object(fields.map(|(h, c)| (h.clone(), c.clone().into())).collect())
                        })
                        .collect();
                    (t.name.clone(), serde_json::Value::Array(rows))
                })
                .collect();
            let mut text = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            text.push(b'\n');
            text
        }
    }
}

/// Writes `procedures` as the import's tables to `path`: an `.xlsx` workbook, a `.json`
/// file, or else a directory of CSV files (created if needed).
pub fn write_files(procedures: &[Procedure], path: &std::path::Path) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("{}: {e}", path.display());
    match Format::of(&path.to_string_lossy()) {
        Some(format) => std::fs::write(path, encode(procedures, format)).map_err(failed),
        None => {
            std::fs::create_dir_all(path).map_err(failed)?;
            for t in &import::tables_of(procedures) {
                std::fs::write(path.join(format!("{}.csv", t.name)), crate::sheets::csv::write_table(t))
                    .map_err(failed)?;
            }
            Ok(())
        }
    }
}
