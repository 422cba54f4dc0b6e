//! The report counters in SQLite: each transition adds its tallies in its own transaction, to the
//! day's row and to the month's (an upsert adding every measure), and a report sums a range of
//! days with one query: whole months from `tallies_by_month`, the days of partly covered months
//! from `tallies` (`reports::Span`), each over its primary key (officer, agency, day or month,
//! procedure).

use async_trait::async_trait;
use motcua_domain::catalogue::OfficerId;
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{ReportCounters, StoreError, StoreResult};
use motcua_domain::reports::{month_of, Counts, Measure, Span, Summed, Tally, TallyQuery};
use rusqlite::{params_from_iter, types::Value, Transaction};

use super::{unavailable, SqliteStore};

/// The two grains: (table, the key column holding the date).
const DAYS: (&str, &str) = ("tallies", "day");
const MONTHS: (&str, &str) = ("tallies_by_month", "month");

/// The upsert of one tally into `table`: every measure added to what the row holds.
fn upsert((table, date): (&str, &str)) -> String {
    let names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
    let marks: Vec<String> = (5..5 + names.len()).map(|i| format!("?{i}")).collect();
    let adds: Vec<String> = names.iter().map(|n| format!("{n} = {n} + excluded.{n}")).collect();
    format!(
        "INSERT INTO {table} (officer, agency, {date}, procedure, {}) VALUES (?1, ?2, ?3, ?4, {})
         ON CONFLICT (officer, agency, {date}, procedure) DO UPDATE SET {}",
        names.join(", "),
        marks.join(", "),
        adds.join(", ")
    )
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Adds `tallies`, in the transition's transaction.
pub(super) fn add(tx: &Transaction<'_>, tallies: &[Tally]) -> StoreResult<()> {
    if tallies.is_empty() {
        return Ok(());
    }
    for (grain, date_of) in [(DAYS, day as fn(_) -> _), (MONTHS, |d| day(month_of(d)))] {
        let mut stmt = tx.prepare_cached(&upsert(grain)).map_err(unavailable)?;
        for t in tallies {
            let k = &t.key;
            let mut values: Vec<Value> = vec![
                Value::Text(k.officer.as_ref().map(|o| o.to_string()).unwrap_or_default()),
                Value::Text(k.agency.to_string()),
                Value::Text(date_of(k.day)),
                Value::Text(k.procedure.clone()),
            ];
            values.extend(t.counts.values().map(Value::Integer));
            stmt.execute(params_from_iter(values)).map_err(unavailable)?;
        }
    }
    Ok(())
}

/// A query summing `q`'s measures over `span`, with its arguments.
fn sum_query(q: &TallyQuery, span: &Span) -> (String, Vec<Value>) {
    let measures: Vec<&str> = q.measures().iter().map(|m| m.name()).collect();
    let mut args: Vec<Value> = vec![];
    let mut arg = |v: String| {
        args.push(Value::Text(v));
        format!("?{}", args.len())
    };
    let who = if q.officers { "officer <> ''" } else { "officer = ''" };
    let agencies = q.agencies.as_ref().map(|list| {
        let marks: Vec<String> = list.iter().map(|a| arg(a.to_string())).collect();
        format!(" AND agency IN ({})", marks.join(", "))
    });
    let mut parts = vec![];
    let mut part = |(table, date): (&str, &str), from: Option<String>, to: String| {
        let low = from.map(|f| format!(" AND {date} >= {f}")).unwrap_or_default();
        parts.push(format!(
            "SELECT agency, procedure, officer, {} FROM {table} WHERE {who}{}{low} AND {date} <= {to}",
            measures.join(", "),
            agencies.as_deref().unwrap_or_default()
        ));
    };
    if let Some((first, last)) = span.months {
        let from = first.map(|f| arg(day(f)));
        part(MONTHS, from, arg(day(last)));
    }
    for (a, b) in &span.days {
        let (from, to) = (arg(day(*a)), arg(day(*b)));
        part(DAYS, Some(from), to);
    }
    if parts.is_empty() {
        parts.push(format!("SELECT agency, procedure, officer, {} FROM tallies WHERE 0", measures.join(", ")));
    }
    let sums: Vec<String> = measures.iter().map(|m| format!("SUM({m})")).collect();
    let sql = format!(
        "SELECT agency, procedure, officer, {} FROM ({}) GROUP BY agency, procedure, officer",
        sums.join(", "),
        parts.join(" UNION ALL ")
    );
    (sql, args)
}

#[async_trait]
impl ReportCounters for SqliteStore {
    async fn summed(&self, q: &TallyQuery) -> StoreResult<Vec<Summed>> {
        let q = q.clone();
        self.read(move |c| {
            let (sql, args) = sum_query(&q, &Span::of(q.from, q.to));
            let mut stmt = c.prepare_cached(&sql).map_err(unavailable)?;
            let mut rows = stmt.query(params_from_iter(args)).map_err(unavailable)?;
            let mut out = Vec::new();
            while let Some(r) = rows.next().map_err(unavailable)? {
                let text = |i: usize| r.get::<_, String>(i).map_err(unavailable);
                let corrupt = |e: String| StoreError::Corrupt(e);
                let agency = AgencyCode::parse(&text(0)?).map_err(|e| corrupt(e.to_string()))?;
                let officer = match text(2)? {
                    o if o.is_empty() => None,
                    o => Some(OfficerId::parse(&o).map_err(|e| corrupt(e.to_string()))?),
                };
                let mut counts = Counts::new();
                for (i, m) in q.measures().iter().enumerate() {
                    counts.add(*m, r.get::<_, i64>(3 + i).map_err(unavailable)?);
                }
                if !counts.is_zero() {
                    out.push(Summed { agency, procedure: text(1)?, officer, counts });
                }
            }
            Ok(out)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both tables have one column per measure, in order: a new measure needs a migration.
    #[test]
    fn the_tables_have_a_column_per_measure() {
        let store = SqliteStore::in_memory().unwrap();
        let conn = store.raw_connection().unwrap();
        for (table, date) in [DAYS, MONTHS] {
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
            let columns: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            let mut expected = vec!["officer", "agency", date, "procedure"];
            expected.extend(Measure::ALL.iter().map(|m| m.name()));
            assert_eq!(columns, expected);
        }
    }
}
