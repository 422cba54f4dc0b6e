//! Agencies, procedures, holidays and officers in DynamoDB. Lists are index queries in code
//! order; free-text search filters the candidate partition (the catalogue, ~1,600 procedures at
//! most a province), never the dossiers.

use async_trait::async_trait;
use chrono::NaiveDate;
use motcua_domain::catalogue::versions::version_key;
use motcua_domain::catalogue::{Agency, Officer, OfficerId, Procedure};
use motcua_domain::codes::AgencyCode;
use motcua_domain::ports::{CatalogueReader, CatalogueWriter, Holiday, ProcedureQuery, StoreResult};
use motcua_domain::text::search_key;
use serde::de::DeserializeOwned;

use super::items::{self, body, s, with_body};
use super::keys::{self, Index, Key};
use super::query::{Page, Range};
use super::{failure, DynamoStore, Item};
use crate::codec::to_json;

const AGENCIES: &str = "AGENCY";
const PROCEDURES: &str = "PROCEDURE";
const OFFICERS: &str = "OFFICER";
/// A procedure's versions beside its record: `V#<effective date>`.
const VERSION: &str = "V#";
/// The `Lists` entries of versions waiting for their date: `<date>#<code>`.
const SCHEDULED: &str = "PROCEDURE#SCHEDULED";

/// A version of a procedure beside its record, listed while `scheduled`.
fn version_item(p: &Procedure, scheduled: bool) -> StoreResult<Item> {
    let (pk, _) = keys::procedure(&p.code);
    let key = version_key(p);
    let mut item = with_body((pk, format!("{VERSION}{key}")), p)?;
    if scheduled {
        items::index(&mut item, Index::Lists, (SCHEDULED.into(), format!("{key}#{}", p.code)));
    }
    Ok(item)
}

fn after(after: Option<&str>) -> Range {
    match after {
        Some(a) => Range::After(a.to_owned()),
        None => Range::All,
    }
}

impl DynamoStore {
    async fn get_body<T: DeserializeOwned>(&self, key: Key) -> StoreResult<Option<T>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(key)))
            .send()
            .await
            .map_err(failure)?;
        out.item().map(body).transpose()
    }

    async fn put_item(&self, item: Item) -> StoreResult<()> {
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await.map_err(failure)?;
        Ok(())
    }

    /// Puts `items` 25 to a `BatchWriteItem`, sending again what the table left unprocessed
    /// (throttling) after a growing pause, a few times before giving up.
    pub(super) async fn batch_put(&self, items: Vec<Item>) -> StoreResult<()> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        let requests = items
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(|e| motcua_domain::ports::StoreError::Unavailable(e.to_string()))?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<StoreResult<Vec<WriteRequest>>>()?;
        for chunk in requests.chunks(25) {
            let mut pending = chunk.to_vec();
            for attempt in 0..8u32 {
                let out =
                    self.client.batch_write_item().request_items(&self.table, pending).send().await.map_err(failure)?;
                pending = out.unprocessed_items().and_then(|u| u.get(&self.table)).cloned().unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                if attempt == 7 {
                    return Err(motcua_domain::ports::StoreError::Unavailable(format!(
                        "{} catalogue items left unprocessed",
                        pending.len()
                    )));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
        }
        Ok(())
    }

    async fn list<T: DeserializeOwned>(&self, page: Page) -> StoreResult<Vec<T>> {
        self.query_limited(page).await?.iter().map(body).collect()
    }

    /// Items of `kind` in key order after `after`: all of them, or those of one `group`
    /// (agencies of a parent, officers of an agency).
    async fn list_kind<T: DeserializeOwned>(
        &self,
        kind: &str,
        group: Option<&AgencyCode>,
        after_key: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<T>> {
        let (range, limit) = (after(after_key), limit.clamp(1, 1000));
        let page = match group {
            Some(g) => Page::index(Index::Groups, format!("{kind}#{g}"), range, limit),
            None => Page::index(Index::Lists, kind.into(), range, limit),
        };
        self.list(page).await
    }
}

#[async_trait]
impl CatalogueReader for DynamoStore {
    async fn procedure(&self, code: &str) -> StoreResult<Option<Procedure>> {
        self.get_body(keys::procedure(code)).await
    }

    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<Procedure>> {
        let (pk, _) = keys::procedure(code);
        let page = Page::table(pk, Range::Prefix(VERSION.into()));
        self.query_all(page).await?.iter().map(body).collect()
    }

    async fn procedures(&self, q: ProcedureQuery) -> StoreResult<Vec<Procedure>> {
        let field = q.field.as_deref().map(search_key);
        let range = after(q.after.as_deref());
        let limit = q.limit.clamp(1, 1000);
        let mut page = match (&q.agency, &field) {
            (Some(agency), _) => Page::index(Index::Groups, format!("{PROCEDURES}#{agency}"), range, limit),
            (None, Some(field)) => Page::index(Index::People, format!("PF#{field}"), range, limit),
            (None, None) => Page::index(Index::Lists, PROCEDURES.into(), range, limit),
        };
        if let (Some(_), Some(field)) = (&q.agency, field) {
            page = page.filter_eq("field_key", field);
        }
        for word in q.text.as_deref().unwrap_or("").split_whitespace().take(10) {
            page = page.filter_contains("search", word.to_owned());
        }
        if let Some(level) = q.level {
            page = page.filter_eq("level", to_json(&level)?);
        }
        self.list(page).await
    }

    async fn agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>> {
        self.get_body(keys::agency(code.as_str())).await
    }

    async fn agencies(
        &self,
        parent: Option<&AgencyCode>,
        after_code: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Agency>> {
        self.list_kind(AGENCIES, parent, after_code, limit).await
    }

    async fn holidays(&self) -> StoreResult<Vec<Holiday>> {
        let years = self.query_all(Page::table(keys::HOLIDAYS.into(), Range::All)).await?;
        let mut out = vec![];
        for year in &years {
            out.extend(body::<Vec<Holiday>>(year)?);
        }
        out.sort_by_key(|h| h.date);
        Ok(out)
    }

    async fn officer(&self, id: &OfficerId) -> StoreResult<Option<Officer>> {
        self.get_body(keys::officer(id.as_str())).await
    }

    async fn officers(
        &self,
        agency: Option<&AgencyCode>,
        after_id: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<Officer>> {
        self.list_kind(OFFICERS, agency, after_id, limit).await
    }
}

/// A procedure's item with its index entries (all procedures, by agency, by field) and the
/// search text.
fn procedure_item(p: &Procedure) -> StoreResult<Item> {
    let mut item = with_body(keys::procedure(&p.code), p)?;
    let field = search_key(&p.field);
    item.insert("search".into(), s(search_key(&format!("{} {} {}", p.code, p.name, p.field))));
    item.insert("level".into(), s(to_json(&p.online_level)?));
    item.insert("field_key".into(), s(field.clone()));
    items::index(&mut item, Index::Lists, (PROCEDURES.into(), p.code.clone()));
    items::index(&mut item, Index::Groups, (format!("{PROCEDURES}#{}", p.agency), p.code.clone()));
    items::index(&mut item, Index::People, (format!("PF#{field}"), p.code.clone()));
    Ok(item)
}

#[async_trait]
impl CatalogueWriter for DynamoStore {
    async fn put_procedure(&self, p: &Procedure) -> StoreResult<()> {
        self.put_item(procedure_item(p)?).await?;
        self.put_item(version_item(p, false)?).await
    }

    async fn put_procedures(&self, ps: &[Procedure]) -> StoreResult<()> {
        let mut items = Vec::with_capacity(ps.len() * 2);
        for p in ps {
            items.push(procedure_item(p)?);
            items.push(version_item(p, false)?);
        }
        self.batch_put(items).await
    }

    async fn schedule_procedure(&self, p: &Procedure) -> StoreResult<()> {
        self.put_item(version_item(p, true)?).await
    }

    async fn promote_procedures(&self, today: NaiveDate) -> StoreResult<Vec<String>> {
        // "$" sorts after "#": every entry dated today is in range.
        let range = Range::Between("0".into(), format!("{}$", today.format("%Y-%m-%d")));
        let due = self.query_all(Page::index(Index::Lists, SCHEDULED.into(), range, 100)).await?;
        let mut codes: Vec<String> = Vec::new();
        for item in &due {
            let p: Procedure = body(item)?;
            // The record first: a failure before the version is unlisted is done again next time.
            self.put_procedure(&p).await?;
            if !codes.contains(&p.code) {
                codes.push(p.code.clone());
            }
        }
        Ok(codes)
    }

    async fn put_agency(&self, a: &Agency) -> StoreResult<()> {
        let mut item = with_body(keys::agency(a.code.as_str()), a)?;
        items::index(&mut item, Index::Lists, (AGENCIES.into(), a.code.to_string()));
        if let Some(parent) = &a.parent {
            items::index(&mut item, Index::Groups, (format!("{AGENCIES}#{parent}"), a.code.to_string()));
        }
        self.put_item(item).await
    }

    async fn put_holidays(&self, year: i32, holidays: &[Holiday]) -> StoreResult<()> {
        self.put_item(with_body((keys::HOLIDAYS.into(), year.to_string()), &holidays)?).await
    }

    async fn put_officer(&self, o: &Officer) -> StoreResult<()> {
        let mut item = with_body(keys::officer(o.id.as_str()), o)?;
        items::index(&mut item, Index::Lists, (OFFICERS.into(), o.id.to_string()));
        items::index(&mut item, Index::Groups, (format!("{OFFICERS}#{}", o.agency), o.id.to_string()));
        self.put_item(item).await
    }
}
