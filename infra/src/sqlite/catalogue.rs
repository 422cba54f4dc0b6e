//! Agencies, procedures, holidays and officers in SQLite.

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::catalogue::versions::version_key;
use motcua_domain::catalogue::{Agency, Officer, OfficerId, Procedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{CatalogueReader, CatalogueWriter, Holiday, ProcedureQuery, StoreResult};
use motcua_domain::text::search_key;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;

use super::{from_json, to_json, unavailable, SqliteStore};

fn bodies<T: DeserializeOwned>(c: &Connection, sql: &str, args: &[String]) -> StoreResult<Vec<T>> {
    let mut stmt = c.prepare_cached(sql).map_err(unavailable)?;
    let rows =
        stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get::<_, String>(0)).map_err(unavailable)?;
    let mut out = Vec::new();
    for body in rows {
        out.push(from_json(&body.map_err(unavailable)?)?);
    }
    Ok(out)
}

fn one<T: DeserializeOwned>(c: &Connection, sql: &str, key: String) -> StoreResult<Option<T>> {
    let body: Option<String> = c.query_row(sql, [key], |r| r.get(0)).optional().map_err(unavailable)?;
    body.map(|b| from_json(&b)).transpose()
}

/// `LIKE` pattern matching `word` anywhere, with wildcards in the word taken literally.
fn contains_pattern(word: &str) -> String {
    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

#[async_trait]
impl CatalogueReader for SqliteStore {
    async fn procedure(&self, code: &str) -> StoreResult<Option<Procedure>> {
        let code = code.to_owned();
        self.read(move |c| one(c, "SELECT body FROM procedures WHERE code = ?1", code)).await
    }

    async fn procedures(&self, q: ProcedureQuery) -> StoreResult<Vec<Procedure>> {
        self.read(move |c| {
            let mut sql = String::from("SELECT body FROM procedures WHERE 1=1");
            let mut args = Vec::new();
            let mut bind = |sql: &mut String, clause: &str, value: String| {
                args.push(value);
                sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
            };
            for word in q.text.as_deref().unwrap_or("").split_whitespace().take(10) {
                bind(&mut sql, " AND search LIKE ? ESCAPE '\\'", contains_pattern(word));
            }
            if let Some(a) = &q.agency {
                bind(&mut sql, " AND agency = ?", a.to_string());
            }
            if let Some(f) = &q.field {
                bind(&mut sql, " AND field = ?", search_key(f));
            }
            if let Some(l) = q.level {
                bind(&mut sql, " AND level = ?", to_json(&l)?);
            }
            if let Some(after) = &q.after {
                bind(&mut sql, " AND code > ?", after.clone());
            }
            sql.push_str(&format!(" ORDER BY code LIMIT {}", q.limit.clamp(1, 1000)));
            bodies(c, &sql, &args)
        })
        .await
    }

    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<Procedure>> {
        let code = code.to_owned();
        self.read(move |c| bodies(c, "SELECT body FROM procedure_versions WHERE code = ?1 ORDER BY effective", &[code]))
            .await
    }

    async fn agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>> {
        let code = code.to_string();
        self.read(move |c| one(c, "SELECT body FROM agencies WHERE code = ?1", code)).await
    }

    async fn agencies(
        &self,
        parent: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Agency>> {
        let parent = parent.map(|p| p.to_string());
        let after = after.unwrap_or("").to_owned();
        let limit = limit.clamp(1, 1000);
        self.read(move |c| match parent {
            Some(p) => bodies(
                c,
                &format!("SELECT body FROM agencies WHERE parent = ?1 AND code > ?2 ORDER BY code LIMIT {limit}"),
                &[p, after],
            ),
            None => {
                bodies(c, &format!("SELECT body FROM agencies WHERE code > ?1 ORDER BY code LIMIT {limit}"), &[after])
            }
        })
        .await
    }

    async fn holidays(&self) -> StoreResult<Vec<Holiday>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached("SELECT date, name FROM holidays ORDER BY date").map_err(unavailable)?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(unavailable)?;
            let mut out = Vec::new();
            for row in rows {
                let (date, name) = row.map_err(unavailable)?;
                let date = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|e| motcua_domain::ports::StoreError::Corrupt(e.to_string()))?;
                out.push(Holiday { date, name });
            }
            Ok(out)
        })
        .await
    }

    async fn officer(&self, id: &OfficerId) -> StoreResult<Option<Officer>> {
        let id = id.to_string();
        self.read(move |c| one(c, "SELECT body FROM officers WHERE id = ?1", id)).await
    }

    async fn officers(
        &self,
        agency: Option<&AgencyCode>,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Officer>> {
        let agency = agency.map(|a| a.to_string());
        let after = after.unwrap_or("").to_owned();
        let limit = limit.clamp(1, 1000);
        self.read(move |c| match agency {
            Some(a) => bodies(
                c,
                &format!("SELECT body FROM officers WHERE agency = ?1 AND id > ?2 ORDER BY id LIMIT {limit}"),
                &[a, after],
            ),
            None => bodies(c, &format!("SELECT body FROM officers WHERE id > ?1 ORDER BY id LIMIT {limit}"), &[after]),
        })
        .await
    }
}

/// A procedure's row: code, agency, field and level (for the lists), search text, body.
type ProcedureRow = (String, String, String, String, String, String);

fn procedure_row(p: &Procedure) -> StoreResult<ProcedureRow> {
    Ok((
        p.code.clone(),
        p.agency.to_string(),
        search_key(&p.field),
        to_json(&p.online_level)?,
        search_key(&format!("{} {} {}", p.code, p.name, p.field)),
        to_json(p)?,
    ))
}

/// Keeps a version of a procedure (scheduled or not), over one with the same date.
fn keep_version(tx: &Transaction<'_>, code: &str, version: &str, scheduled: bool, body: &str) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO procedure_versions (code, effective, scheduled, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code, effective) DO UPDATE SET scheduled = ?3, body = ?4",
    )
    .map_err(unavailable)?
    .execute(params![code, version, scheduled, body])
    .map_err(unavailable)?;
    Ok(())
}

/// Makes a version the procedure's current record, and keeps it.
fn put_in_force(tx: &Transaction<'_>, row: &ProcedureRow, version: &str) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO procedures (code, agency, field, level, search, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET agency = ?2, field = ?3, level = ?4, search = ?5, body = ?6",
    )
    .map_err(unavailable)?
    .execute(params![row.0, row.1, row.2, row.3, row.4, row.5])
    .map_err(unavailable)?;
    keep_version(tx, &row.0, version, false, &row.5)
}

#[async_trait]
impl CatalogueWriter for SqliteStore {
    async fn put_procedure(&self, p: &Procedure) -> StoreResult<()> {
        self.put_procedures(std::slice::from_ref(p)).await
    }

    async fn put_procedures(&self, ps: &[Procedure]) -> StoreResult<()> {
        let rows = ps.iter().map(|p| Ok((procedure_row(p)?, version_key(p)))).collect::<StoreResult<Vec<_>>>()?;
        self.write(move |tx| {
            for (row, version) in &rows {
                put_in_force(tx, row, version)?;
            }
            Ok(())
        })
        .await
    }

    async fn schedule_procedure(&self, p: &Procedure) -> StoreResult<()> {
        let (code, version, body) = (p.code.clone(), version_key(p), to_json(p)?);
        self.write(move |tx| keep_version(tx, &code, &version, true, &body)).await
    }

    async fn promote_procedures(&self, today: NaiveDate) -> StoreResult<Vec<String>> {
        let today = today.format("%Y-%m-%d").to_string();
        self.write(move |tx| {
            let due: Vec<Procedure> = bodies(
                tx,
                "SELECT body FROM procedure_versions WHERE scheduled = 1 AND effective <= ?1 ORDER BY effective, code",
                &[today],
            )?;
            let mut codes: Vec<String> = Vec::new();
            for p in &due {
                put_in_force(tx, &procedure_row(p)?, &version_key(p))?;
                if !codes.contains(&p.code) {
                    codes.push(p.code.clone());
                }
            }
            Ok(codes)
        })
        .await
    }

    async fn put_agency(&self, a: &Agency) -> StoreResult<()> {
        let row = (a.code.to_string(), a.parent.as_ref().map(|p| p.to_string()), to_json(a)?);
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO agencies (code, parent, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (code) DO UPDATE SET parent = ?2, body = ?3",
                params![row.0, row.1, row.2],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn put_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()> {
        let holidays = holidays.to_vec();
        self.write(move |tx| {
            tx.execute("DELETE FROM holidays WHERE year = ?1", [year]).map_err(unavailable)?;
            for h in &holidays {
                tx.execute(
                    "INSERT INTO holidays (date, year, name) VALUES (?1, ?2, ?3)",
                    params![h.date.format("%Y-%m-%d").to_string(), year, h.name],
                )
                .map_err(unavailable)?;
            }
            Ok(())
        })
        .await
    }

    async fn put_officer(&self, o: &Officer) -> StoreResult<()> {
        let row = (o.id.to_string(), o.agency.to_string(), to_json(o)?);
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO officers (id, agency, body) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET agency = ?2, body = ?3",
                params![row.0, row.1, row.2],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}
