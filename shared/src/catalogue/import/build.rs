//! Rows into procedures: each procedure row with its components, fees and steps (found by its
//! national code), checked as a single `PUT` would check it. An error of a component, fee or
//! step row belongs to its procedure; an error of the file itself (a missing sheet, an unknown
//! column, too many rows, what the reader refused) belongs to no procedure and stops the import.

use std::collections::{BTreeMap, BTreeSet};

use super::columns::{self, list, named, whole, yes_no, Cells, Spec, COMPONENTS, FEES, PROCEDURES, STEPS};
use super::workbook::{ImportError, Row, Table, Workbook};
use super::{MAX_PROCEDURES, MAX_ROWS};
use crate::calendar::{DurationUnit, ProcessingTime};
use crate::catalogue::{
    is_procedure_code, Allowances, Component, ComponentForm, Fee, FeeKind, InvalidProcedure, Procedure, SupplementRule,
    WorkflowStep,
};
use crate::codes::AgencyCode;

/// What the file makes: each procedure (by national code, with its row) or its errors, and the
/// file's own errors.
#[derive(Debug, Clone, Default)]
pub struct Built {
    pub procedures: Vec<(String, usize, Result<Procedure, Vec<ImportError>>)>,
    pub file_errors: Vec<ImportError>,
}

/// A procedure's part from another sheet: the row it came from, what it says, or its errors.
struct Part<T> {
    row: usize,
    value: Option<T>,
}

/// Reads `workbook`; `agencies` are the agencies the catalogue knows.
pub fn build(workbook: &Workbook, agencies: &BTreeSet<AgencyCode>) -> Built {
    let mut out = Built { file_errors: workbook.problems.clone(), ..Built::default() };
    let mut tables: Vec<Option<&Table>> = vec![];
    for spec in super::SHEETS {
        match workbook.table(spec.sheet) {
            Some(t) => {
                out.file_errors.extend(spec.check(t));
                tables.push(Some(t));
            }
            None => {
                out.file_errors
                    .push(ImportError::sheet(spec.sheet, format!("thiếu bảng / missing sheet `{}`", spec.sheet)));
                tables.push(None);
            }
        }
    }
    let rows: usize = workbook.tables.iter().map(|t| t.rows.len()).sum();
    if rows > MAX_ROWS {
        out.file_errors.push(ImportError::sheet("", format!("more than {MAX_ROWS} rows in all")));
    }
    let Some(procedures) = tables[0] else { return out };
    if procedures.rows.len() > MAX_PROCEDURES {
        out.file_errors.push(ImportError::sheet(PROCEDURES.sheet, format!("more than {MAX_PROCEDURES} procedures")));
    }
    if !out.file_errors.is_empty() {
        return out;
    }
    let codes: BTreeSet<&str> = procedures.rows.iter().map(|r| code_of(procedures, r)).collect();
    let mut errors: BTreeMap<String, Vec<ImportError>> = BTreeMap::new();
    let mut components = parts(&COMPONENTS, tables[1], &codes, &mut errors, &mut out.file_errors, component);
    let mut fees = parts(&FEES, tables[2], &codes, &mut errors, &mut out.file_errors, fee);
    let mut steps = parts(&STEPS, tables[3], &codes, &mut errors, &mut out.file_errors, |c| step(c, agencies));
    let mut first_row: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &procedures.rows {
        let mut cells = Cells::new(&PROCEDURES, procedures, row);
        let code = code_of(procedures, row).to_owned();
        if let Some(first) = first_row.get(code.as_str()) {
            cells.fail(
                "code",
                format!("mã lặp lại, đã có ở dòng {first} / the national code is already at row {first}"),
            );
            out.procedures.push((code, row.number, Err(cells.errors)));
            continue;
        }
        first_row.insert(code_of(procedures, row), row.number);
        let head = procedure(&mut cells, agencies);
        let mut errs = cells.errors;
        errs.extend(errors.remove(&code).unwrap_or_default());
        let comps = components.remove(&code).unwrap_or_default();
        let fee_rows = fees.remove(&code).unwrap_or_default();
        let mut step_rows = steps.remove(&code).unwrap_or_default();
        step_rows.sort_by_key(|(n, _)| *n);
        for pair in step_rows.windows(2) {
            if pair[0].0 == pair[1].0 {
                errs.push(ImportError::at(
                    STEPS.sheet,
                    pair[1].1.row,
                    Some("step"),
                    format!("bước {} lặp lại / step {} twice", pair[1].0, pair[1].0),
                ));
            }
        }
        let result = match head {
            Some(mut p) if errs.is_empty() => {
                p.components = comps.into_iter().filter_map(|(_, c)| c.value).collect();
                p.fees = fee_rows.into_iter().filter_map(|(_, f)| f.value).collect();
                let step_at: Vec<usize> = step_rows.iter().map(|(_, s)| s.row).collect();
                p.workflow = step_rows.into_iter().filter_map(|(_, s)| s.value).collect();
                match p.validate() {
                    Ok(()) => Ok(p),
                    Err(e) => Err(vec![placed(e, row.number, &step_at)]),
                }
            }
            _ => Err(errs),
        };
        out.procedures.push((code, row.number, result));
    }
    out
}

fn code_of<'a>(table: &'a Table, row: &'a Row) -> &'a str {
    table.column("code").and_then(|i| row.cells.get(i)).map_or("", |c| c.trim())
}

/// Reads each row of a procedure's part sheet, grouped by procedure code (with the key each
/// sorts by); a row naming no procedure of the file is the file's error.
fn parts<T>(
    spec: &Spec,
    table: Option<&Table>,
    codes: &BTreeSet<&str>,
    errors: &mut BTreeMap<String, Vec<ImportError>>,
    file_errors: &mut Vec<ImportError>,
    read: impl Fn(&mut Cells<'_>) -> Option<(u64, T)>,
) -> BTreeMap<String, Vec<(u64, Part<T>)>> {
    let mut out: BTreeMap<String, Vec<(u64, Part<T>)>> = BTreeMap::new();
    let Some(table) = table else { return out };
    for row in &table.rows {
        let mut cells = Cells::new(spec, table, row);
        let code = cells.text("procedure").to_owned();
        if !codes.contains(code.as_str()) {
            let message = format!(
                "không có thủ tục `{code}` trong bảng procedures / no procedure `{code}` in the procedures sheet"
            );
            file_errors.push(ImportError::at(spec.sheet, row.number, Some("procedure"), message));
            continue;
        }
        let value = read(&mut cells);
        let key = value.as_ref().map_or(0, |(k, _)| *k);
        errors.entry(code.clone()).or_default().extend(cells.errors);
        out.entry(code).or_default().push((key, Part { row: row.number, value: value.map(|(_, v)| v) }));
    }
    out
}

const UNITS: &str = "working_days, working_hours, calendar_days";

/// The procedure row itself (its parts come later).
fn procedure(c: &mut Cells<'_>, agencies: &BTreeSet<AgencyCode>) -> Option<Procedure> {
    let code = c.required("code", 20);
    if !code.is_empty() && !is_procedure_code(&code) {
        c.fail("code", "mã thủ tục dạng 1.001234 / expected a national code such as 1.001234");
    }
    let name = c.required("name", 500);
    let field = c.required("field", 200);
    let agency = c.must("agency", columns::agency);
    if let Some(a) = agency.as_ref().filter(|a| !agencies.contains(*a)) {
        c.fail("agency", format!("không có cơ quan {a} / unknown agency {a}"));
    }
    let legal_basis = c.optional("legal_basis", |t| Ok::<_, String>(t.to_owned())).unwrap_or_default();
    let applicant_kinds = c.must("applicant_kinds", list("citizen, organisation"));
    let amount = c.must("processing_time", columns::amount);
    let unit: Option<DurationUnit> = c.must("processing_unit", named(UNITS));
    let online_amount = c.optional("online_processing_time", columns::amount);
    let cutoff = c.optional("cutoff", columns::time_of_day);
    let channels = c.must("channels", list("direct, online, postal"));
    let online_level = c.must("online_level", named("information, partial, full"));
    let postal_return = c.or("postal_return", true, yes_no);
    let fees_first = c.or("fees_first", false, yes_no);
    let supplement_rule = c.or("supplement_rule", SupplementRule::Recompute, named("recompute, resume"));
    let supplement_requests = c.or("supplement_requests", 1, whole(0..=10)) as u32;
    let extensions = c.or("extensions", 1, whole(0..=10)) as u32;
    let deadline = c.optional("supplement_deadline_days", whole(1..=365));
    let sms_segments = c.optional("sms_segments", whole(1..=6)).map(|n| n as u8);
    let extension_limit = c.optional("extension_limit", columns::amount);
    let effective_from = c.optional("effective_from", columns::date);
    if !c.errors.is_empty() {
        return None;
    }
    let unit = unit?;
    Some(Procedure {
        code,
        name,
        field,
        agency: agency?,
        legal_basis,
        applicant_kinds: applicant_kinds?,
        components: vec![],
        fees: vec![],
        processing_time: ProcessingTime { amount: amount?, unit },
        online_processing_time: online_amount.map(|amount| ProcessingTime { amount, unit }),
        cutoff,
        channels: channels?,
        online_level: online_level?,
        postal_return,
        fees_first,
        supplement_rule,
        allowances: Allowances {
            supplement_requests,
            extensions,
            extension_limit: extension_limit.map(|amount| ProcessingTime { amount, unit }),
            supplement_deadline: deadline
                .map(|d| ProcessingTime { amount: d as f64, unit: DurationUnit::CalendarDays }),
            sms_segments,
        },
        workflow: vec![],
        effective_from,
    })
}

fn component(c: &mut Cells<'_>) -> Option<(u64, Component)> {
    let name = c.required("name", 500);
    let form = c.or("form", ComponentForm::Original, named("original, copy"));
    let quantity = c.or("quantity", 1, whole(1..=100)) as u32;
    let required = c.or("required", true, yes_no);
    c.errors.is_empty().then_some((0, Component { name, form, quantity, required }))
}

fn fee(c: &mut Cells<'_>) -> Option<(u64, Fee)> {
    let name = c.required("name", 200);
    let kind = c.or("kind", FeeKind::Charge, named("fee, charge"));
    let amount_vnd = c.must("amount_vnd", whole(0..=10_000_000_000));
    c.errors.is_empty().then_some((0, Fee { name, kind, amount_vnd: amount_vnd? }))
}

fn step(c: &mut Cells<'_>, agencies: &BTreeSet<AgencyCode>) -> Option<(u64, WorkflowStep)> {
    let order = c.must("step", whole(1..=50));
    let name = c.required("name", 200);
    let role = c.must("role", named("reception, specialist, leader"));
    let agency = c.optional("agency", columns::agency);
    if let Some(a) = agency.as_ref().filter(|a| !agencies.contains(*a)) {
        c.fail("agency", format!("không có cơ quan {a} / unknown agency {a}"));
    }
    let share = c.must("share_percent", whole(0..=100));
    if !c.errors.is_empty() {
        return None;
    }
    Some((order?, WorkflowStep { name, role: role?, agency, share_percent: share? as u32 }))
}

/// Where a procedure's own fault is shown: the workflow's on the steps sheet, the rest on the
/// procedure's row.
fn placed(e: InvalidProcedure, row: usize, steps: &[usize]) -> ImportError {
    let message = e.to_string();
    match e {
        InvalidProcedure::Shares(_) => {
            ImportError::at(STEPS.sheet, steps.first().copied().unwrap_or(0), Some("share_percent"), message)
        }
        InvalidProcedure::LastStepNotLeader => {
            ImportError::at(STEPS.sheet, steps.last().copied().unwrap_or(0), Some("role"), message)
        }
        InvalidProcedure::Missing(what) if what.contains("workflow") => {
            ImportError::at(PROCEDURES.sheet, row, None, format!("{message}: no row of the steps sheet names it"))
        }
        InvalidProcedure::OnlineTimeLonger => {
            ImportError::at(PROCEDURES.sheet, row, Some("online_processing_time"), message)
        }
        InvalidProcedure::OnlineNotOffered => ImportError::at(PROCEDURES.sheet, row, Some("channels"), message),
        InvalidProcedure::Time(_) => ImportError::at(PROCEDURES.sheet, row, Some("processing_time"), message),
        _ => ImportError::at(PROCEDURES.sheet, row, None, message),
    }
}
