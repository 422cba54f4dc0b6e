//! What an import would do: each procedure of the file added, changed (which fields), unchanged
//! or refused (with its errors), against the catalogue as it stands. Nothing is written when
//! anything is refused, unless the caller chose to skip what is refused; nothing at all when
//! the file itself is wrong.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use chrono::NaiveDate;

use super::build::Built;
use super::columns::PROCEDURES;
use super::workbook::ImportError;
use crate::catalogue::versions::{self, Placement};
use crate::catalogue::Procedure;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CatalogueOutcome)]
pub enum Outcome {
    Added,
    Changed,
    Unchanged,
    /// A version dated after today: kept, in force on its date.
    Scheduled,
    Refused,
}

/// One procedure of the file.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = CatalogueItem)]
pub struct Item {
    pub code: String,
    /// Its row in the procedures sheet.
    pub row: usize,
    pub outcome: Outcome,
    /// What changed (top-level fields of the procedure), when it changed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ImportError>,
}

/// The plan: its items in the file's order, the file's own errors, and what to write.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub items: Vec<Item>,
    pub file_errors: Vec<ImportError>,
    /// The procedures to put in force (added and changed).
    pub writes: Vec<Procedure>,
    /// The versions to keep for their later date.
    pub schedules: Vec<Procedure>,
}

/// What the catalogue holds, to plan against.
#[derive(Debug, Clone, Copy)]
pub struct Held<'a> {
    /// The current records, by code.
    pub current: &'a BTreeMap<String, Procedure>,
    /// The versions kept of the procedures the file dates after today, by code.
    pub versions: &'a BTreeMap<String, Vec<Procedure>>,
    pub today: NaiveDate,
}

impl Plan {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.items.iter().filter(|i| i.outcome == outcome).count()
    }

    /// Whether the file may be applied: no error of the file, and none refused unless
    /// `skip_invalid`.
    pub fn applicable(&self, skip_invalid: bool) -> bool {
        self.file_errors.is_empty() && (skip_invalid || self.count(Outcome::Refused) == 0)
    }

    /// Every error, by sheet, row and column.
    pub fn errors(&self) -> Vec<ImportError> {
        let mut all: Vec<ImportError> =
            self.file_errors.iter().chain(self.items.iter().flat_map(|i| i.errors.iter())).cloned().collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Compares what `built` makes with what is `held`. A row without a date is compared with the
/// current record whatever its date (so the same file imported on another day changes nothing);
/// a row dated after today with the version kept for that date.
pub fn plan(built: Built, held: &Held<'_>) -> Plan {
    let mut out = Plan { file_errors: built.file_errors, ..Plan::default() };
    for (code, row, result) in built.procedures {
        let item = |outcome, changed, errors| Item { code: code.clone(), row, outcome, changed, errors };
        let p = match result {
            Err(errors) => {
                out.items.push(item(Outcome::Refused, vec![], errors));
                continue;
            }
            Ok(p) => p,
        };
        let current = held.current.get(&code);
        let undated = p.effective_from.is_none();
        let (p, placement) = match versions::placed(p, current, held.today) {
            Ok(placed) => placed,
            Err(e) => {
                let error = ImportError::at(PROCEDURES.sheet, row, Some("effective_from"), e.to_string());
                out.items.push(item(Outcome::Refused, vec![], vec![error]));
                continue;
            }
        };
        match (placement, current) {
            (Placement::Scheduled, _) => {
                let kept = held.versions.get(&code).into_iter().flatten().any(|v| *v == p);
                if kept {
                    out.items.push(item(Outcome::Unchanged, vec![], vec![]));
                } else {
                    out.items.push(item(Outcome::Scheduled, vec![], vec![]));
                    out.schedules.push(p);
                }
            }
            (Placement::InForce, None) => {
                out.items.push(item(Outcome::Added, vec![], vec![]));
                out.writes.push(p);
            }
            (Placement::InForce, Some(held)) => {
                let same = if undated {
                    Procedure { effective_from: held.effective_from, ..p.clone() } == *held
                } else {
                    *held == p
                };
                if same {
                    out.items.push(item(Outcome::Unchanged, vec![], vec![]));
                } else {
                    out.items.push(item(Outcome::Changed, differences(held, &p), vec![]));
                    out.writes.push(p);
                }
            }
        }
    }
    out
}

/// The top-level fields in which `a` and `b` differ.
fn differences(a: &Procedure, b: &Procedure) -> Vec<String> {
    let (a, b) = (serde_json::to_value(a).unwrap_or_default(), serde_json::to_value(b).unwrap_or_default());
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else { return vec![] };
    let mut keys: Vec<String> = a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).cloned().collect();
    keys.sort();
    keys.dedup();
    keys
}
