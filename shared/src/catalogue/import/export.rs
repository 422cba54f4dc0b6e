//! The catalogue as the import's four tables: what `motcua catalogue export` writes, for a
//! province to edit and import again (importing it back changes nothing).

use super::columns::{COMPONENTS, FEES, PROCEDURES, STEPS};
use super::workbook::{Row, Table};
use crate::calendar::{DurationUnit, ProcessingTime};
use crate::catalogue::Procedure;

fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn names<T: serde::Serialize>(values: &[T]) -> String {
    values.iter().map(name_of).collect::<Vec<_>>().join(", ")
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// `10`, `0.5`: an amount as a person writes it.
fn amount(x: f64) -> String {
    format!("{x}")
}

fn table(spec: &super::Spec, rows: Vec<Vec<String>>) -> Table {
    Table {
        name: spec.sheet.into(),
        header: spec.columns.iter().map(|(name, _, _)| (*name).to_owned()).collect(),
        rows: rows.into_iter().enumerate().map(|(i, cells)| Row { number: i + 2, cells }).collect(),
    }
}

/// The four tables of `procedures`, in their order.
pub fn tables_of(procedures: &[Procedure]) -> Vec<Table> {
    let (mut ps, mut cs, mut fs, mut ss) = (vec![], vec![], vec![], vec![]);
    for p in procedures {
        let a = &p.allowances;
        let calendar_days = |t: &ProcessingTime| {
            if t.unit == DurationUnit::CalendarDays {
                amount(t.amount)
            } else {
                String::new()
            }
        };
        ps.push(vec![
            p.code.clone(),
            p.name.clone(),
            p.field.clone(),
            p.agency.to_string(),
            p.legal_basis.clone(),
            names(&p.applicant_kinds),
            amount(p.processing_time.amount),
            name_of(&p.processing_time.unit),
            p.online_processing_time.map(|t| amount(t.amount)).unwrap_or_default(),
            p.cutoff.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            names(&p.channels),
            name_of(&p.online_level),
            yes_no(p.postal_return),
            yes_no(p.fees_first),
            name_of(&p.supplement_rule),
            a.supplement_requests.to_string(),
            a.extensions.to_string(),
            a.supplement_deadline.as_ref().map(calendar_days).unwrap_or_default(),
            a.sms_segments.map(|n| n.to_string()).unwrap_or_default(),
            a.extension_limit.map(|t| amount(t.amount)).unwrap_or_default(),
            p.effective_from.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
        ]);
        for c in &p.components {
            cs.push(vec![p.code.clone(), c.name.clone(), name_of(&c.form), c.quantity.to_string(), yes_no(c.required)]);
        }
        for f in &p.fees {
            fs.push(vec![p.code.clone(), f.name.clone(), name_of(&f.kind), f.amount_vnd.to_string()]);
        }
        for (i, s) in p.workflow.iter().enumerate() {
            ss.push(vec![
                p.code.clone(),
                (i + 1).to_string(),
                s.name.clone(),
                name_of(&s.role),
                s.agency.as_ref().map(ToString::to_string).unwrap_or_default(),
                s.share_percent.to_string(),
            ]);
        }
    }
    vec![table(&PROCEDURES, ps), table(&COMPONENTS, cs), table(&FEES, fs), table(&STEPS, ss)]
}
