//! Finding dossiers by their search terms in DynamoDB: each term a dossier is filed under is
//! an item of its partition (`D#<code>` / `F#<term>`), written in the transaction that creates
//! it, listed on `gsi2` under `S#<agency>#<term>` by position (filing time, then code). A search
//! reads one such list backwards (newest first) and then the dossiers it names, 100 to a
//! `BatchGetItem` (consistent). No scan.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use motcua_domain::codes::AgencyCode;
use motcua_domain::lifecycle::Dossier;
use motcua_domain::ports::{DossierSearch, StoreError, StoreResult};
use motcua_domain::search::{position, Term};

use super::items::{self, body, s, text};
use super::keys::{self, Index};
use super::{failure, DynamoStore, Item};

fn list(agency: &AgencyCode, term: &Term) -> String {
    format!("S#{agency}#{}", term.as_str())
}

/// The item filing `d` under `term`.
pub(super) fn term_item(d: &Dossier, term: &Term) -> Item {
    let (pk, _) = keys::dossier(&d.code);
    let mut item: Item = HashMap::new();
    item.insert(keys::PK.into(), s(pk));
    item.insert(keys::SK.into(), s(format!("F#{}", term.as_str())));
    item.insert("code".into(), s(d.code.to_string()));
    items::index(&mut item, Index::Groups, (list(&d.agency_code, term), position(d)));
    item
}

#[async_trait]
impl DossierSearch for DynamoStore {
    async fn filed_under(
        &self,
        agency: &AgencyCode,
        term: &Term,
        after: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<(String, Dossier)>> {
        let index = Index::Groups;
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.name())
            .scan_index_forward(false)
            .limit(i32::try_from(limit.clamp(1, 1000)).unwrap_or(1000))
            .expression_attribute_names("#pk", index.pk())
            .expression_attribute_values(":pk", s(list(agency, term)));
        request = match after {
            Some(after) => request
                .key_condition_expression("#pk = :pk AND #sk < :after")
                .expression_attribute_names("#sk", index.sk())
                .expression_attribute_values(":after", s(after.to_owned())),
            None => request.key_condition_expression("#pk = :pk"),
        };
        let reply = request.send().await.map_err(failure)?;
        let mut found: Vec<(String, String)> = vec![];
        for item in reply.items() {
            found.push((text(item, index.sk())?.to_owned(), text(item, "code")?.to_owned()));
        }
        let mut dossiers: HashMap<String, Dossier> = HashMap::new();
        for chunk in found.chunks(100) {
            let mut wanted: Vec<HashMap<String, AttributeValue>> = chunk
                .iter()
                .map(|(_, code)| {
                    let mut key = HashMap::new();
                    key.insert(keys::PK.to_owned(), s(format!("D#{code}")));
                    key.insert(keys::SK.to_owned(), s("#DOSSIER".to_owned()));
                    key
                })
                .collect();
            for attempt in 0..8u32 {
                let keys_and = KeysAndAttributes::builder()
                    .set_keys(Some(wanted.clone()))
                    .consistent_read(true)
                    .build()
                    .map_err(|e| StoreError::Unavailable(e.to_string()))?;
                let out =
                    self.client.batch_get_item().request_items(&self.table, keys_and).send().await.map_err(failure)?;
                for item in out.responses().and_then(|r| r.get(&self.table)).into_iter().flatten() {
                    let d: Dossier = body(item)?;
                    dossiers.insert(d.code.to_string(), d);
                }
                wanted = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
                if wanted.is_empty() {
                    break;
                }
                if attempt == 7 {
                    return Err(StoreError::Unavailable(format!("{} dossiers left unread", wanted.len())));
                }
                tokio::time::sleep(std::time::Duration::from_millis(20 << attempt)).await;
            }
        }
        Ok(found.into_iter().filter_map(|(p, code)| dossiers.remove(&code).map(|d| (p, d))).collect())
    }

    async fn file(&self, d: &Dossier, terms: &[Term]) -> StoreResult<()> {
        self.batch_put(terms.iter().map(|t| term_item(d, t)).collect()).await
    }
}
