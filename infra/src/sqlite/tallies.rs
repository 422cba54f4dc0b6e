//! The report counters in SQLite: each transition adds its tallies in its own transaction (an
//! upsert adding every measure), and a report sums a range of days with one query over the
//! primary key (officer, agency, day, procedure).

use async_trait::async_trait;
use motcua_domain::catalogue::OfficerId;
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{ReportCounters, StoreError, StoreResult};
use motcua_domain::reports::{Counts, Measure, Summed, Tally, TallyQuery};
use rusqlite::{params_from_iter, types::Value, Transaction};

use super::{unavailable, SqliteStore};

/// The upsert of one tally: every measure added to what the row holds.
fn upsert() -> String {
    let names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
    let marks: Vec<String> = (5..5 + names.len()).map(|i| format!("?{i}")).collect();
    let adds: Vec<String> = names.iter().map(|n| format!("{n} = {n} + excluded.{n}")).collect();
    format!(
        "INSERT INTO tallies (officer, agency, day, procedure, {}) VALUES (?1, ?2, ?3, ?4, {})
         ON CONFLICT (officer, agency, day, procedure) DO UPDATE SET {}",
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
    let mut stmt = tx.prepare_cached(&upsert()).map_err(unavailable)?;
    for t in tallies {
        let k = &t.key;
        let mut values: Vec<Value> = vec![
            Value::Text(k.officer.as_ref().map(|o| o.to_string()).unwrap_or_default()),
            Value::Text(k.agency.to_string()),
            Value::Text(day(k.day)),
            Value::Text(k.procedure.clone()),
        ];
        values.extend(t.counts.values().map(Value::Integer));
        stmt.execute(params_from_iter(values)).map_err(unavailable)?;
    }
    Ok(())
}

#[async_trait]
impl ReportCounters for SqliteStore {
    async fn summed(&self, q: &TallyQuery) -> StoreResult<Vec<Summed>> {
        let q = q.clone();
        self.read(move |c| {
            let sums: Vec<String> = Measure::ALL.iter().map(|m| format!("SUM({})", m.name())).collect();
            let mut args: Vec<Value> = vec![Value::Text(day(q.to))];
            let mut sql = format!(
                "SELECT agency, procedure, officer, {} FROM tallies WHERE officer {} '' AND day <= ?1",
                sums.join(", "),
                if q.officers { "<>" } else { "=" }
            );
            if let Some(from) = q.from {
                args.push(Value::Text(day(from)));
                sql.push_str(&format!(" AND day >= ?{}", args.len()));
            }
            if let Some(agencies) = &q.agencies {
                let marks: Vec<String> = agencies
                    .iter()
                    .map(|a| {
                        args.push(Value::Text(a.to_string()));
                        format!("?{}", args.len())
                    })
                    .collect();
                sql.push_str(&format!(" AND agency IN ({})", marks.join(", ")));
            }
            sql.push_str(" GROUP BY agency, procedure, officer");
            let mut stmt = c.prepare(&sql).map_err(unavailable)?;
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
                for (i, m) in Measure::ALL.iter().enumerate() {
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

    /// The table has one column per measure, in order: a new measure needs a migration.
    #[test]
    fn the_table_has_a_column_per_measure() {
        let store = SqliteStore::in_memory().unwrap();
        let conn = store.raw_connection().unwrap();
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('tallies')").unwrap();
        let columns: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let mut expected = vec!["officer", "agency", "day", "procedure"];
        expected.extend(Measure::ALL.iter().map(|m| m.name()));
        assert_eq!(columns, expected);
    }
}
