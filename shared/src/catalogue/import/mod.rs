//! Importing the province's catalogue of procedures from a workbook (`docs/catalogue.md`): four
//! tables keyed by the national code, `procedures`, `components`, `fees` and `steps`, read from
//! XLSX sheets, CSV files or JSON arrays into a [`Workbook`] by the readers outside this crate.
//! Here, pure: each row read into its procedure, every procedure checked with the same rules as
//! a single `PUT` ([`Procedure::validate`] and known agencies), every error placed at its sheet,
//! row and column, and a plan comparing what the file says with what the catalogue holds.

mod build;
mod columns;
mod export;
mod plan;
mod workbook;

pub use build::{build, Built};
pub use columns::{to_markdown, Spec, SHEETS};
pub use export::tables_of;
pub use plan::{plan, Held, Item, Outcome, Plan};
pub use workbook::{ImportError, Row, Table, Workbook};

/// The most procedures one file may hold (a province publishes about 1,600).
pub const MAX_PROCEDURES: usize = 5_000;
/// The most rows of all sheets together.
pub const MAX_ROWS: usize = 100_000;

#[cfg(test)]
mod tests;
