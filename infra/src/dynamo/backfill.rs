//! Backfills: rewriting items of an older layout while the functions keep serving
//! (`docs/operations.md`, *Changing the table's layout*). The rule for a layout change: first
//! deploy readers that accept the old and the new shape and writers of the new; then run the
//! change's [`Rewrite`] over the table with `motcua backfill`; only then may a reader drop the
//! old shape.
//!
//! A backfill is a one-off pass, never on a request path, so it reads the table with `Scan`,
//! a page at a time: each item the rewrite wants gets one update conditioned on the item still
//! being in the shape it was read in (a writer that got there first wins; the item is left), or
//! one transaction moving it under a new key.
//! After each page the scan's position is written to a checkpoint file (created, then renamed),
//! so a stopped run resumes at the page it was on, and a finished one says so and does nothing.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use motcua_domain::ports::{StoreError, StoreResult};

use super::items::{s, text};
use super::keys::{self, Index};
use super::{condition_failed, failure, DynamoStore, Item};
use crate::codec::{parse_ts, ts};

/// What a rewrite does to one item.
pub enum Change {
    /// Updates it in place.
    Update(Update),
    /// Moves it under another key: the same attributes, a new `pk`/`sk`. One transaction puts
    /// it there (unless something is there already) and deletes it here (if still here).
    Move(Item),
}

/// One conditional update of an item: `SET`/`REMOVE` expression, its condition, names and
/// values (the item's key is added).
pub struct Update {
    pub update: String,
    pub condition: String,
    pub names: Vec<(String, String)>,
    pub values: Vec<(String, AttributeValue)>,
}

/// A layout change: which items it rewrites, and how.
pub trait Rewrite: Sync {
    /// The name `motcua backfill` knows it by.
    fn name(&self) -> &'static str;
    /// The change for `item`, or none when it is in the new shape already or not concerned.
    fn change(&self, item: &Item) -> StoreResult<Option<Change>>;
}

/// How far a backfill went.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Progress {
    pub scanned: u64,
    pub rewritten: u64,
    /// Items another writer changed between the read and the update (left as they are).
    pub skipped: u64,
    pub pages: u64,
    /// Where the next page starts (the scan's last key, as text); none once finished.
    pub resume: Option<HashMap<String, String>>,
    pub finished: bool,
}

fn read_checkpoint(path: &Path) -> StoreResult<Progress> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Corrupt(format!("checkpoint {}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
        Err(e) => Err(StoreError::Unavailable(format!("checkpoint {}: {e}", path.display()))),
    }
}

fn write_checkpoint(path: &Path, progress: &Progress) -> StoreResult<()> {
    let partial = path.with_extension("partial");
    let text = serde_json::to_vec_pretty(progress).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| StoreError::Unavailable(format!("checkpoint {}: {e}", path.display())))
}

impl DynamoStore {
    /// Runs `rewrite` over the table from where `checkpoint` says, `page` items a page, for
    /// at most `pages` pages (`None`: to the end); `progress` hears each page.
    pub async fn backfill(
        &self,
        rewrite: &dyn Rewrite,
        checkpoint: &Path,
        page: i32,
        pages: Option<u64>,
        progress: &(dyn Fn(&Progress) + Sync),
    ) -> StoreResult<Progress> {
        let mut done = read_checkpoint(checkpoint)?;
        let mut this_run = 0;
        while !done.finished && pages.is_none_or(|p| this_run < p) {
            let start = done.resume.as_ref().map(|k| k.iter().map(|(n, v)| (n.clone(), s(v))).collect());
            let reply = self
                .client
                .scan()
                .table_name(&self.table)
                .set_exclusive_start_key(start)
                .limit(page.clamp(1, 1000))
                .consistent_read(true)
                .send()
                .await
                .map_err(failure)?;
            for item in reply.items() {
                done.scanned += 1;
                let Some(change) = rewrite.change(item)? else { continue };
                if self.apply(item, change).await? {
                    done.rewritten += 1;
                } else {
                    done.skipped += 1;
                }
            }
            done.pages += 1;
            this_run += 1;
            done.resume = reply
                .last_evaluated_key()
                .map(|k| k.iter().filter_map(|(n, v)| v.as_s().ok().map(|v| (n.clone(), v.clone()))).collect());
            done.finished = done.resume.is_none();
            write_checkpoint(checkpoint, &done)?;
            progress(&done);
        }
        Ok(done)
    }

    /// Applies `change` to `item`; `false` when its condition no longer held.
    async fn apply(&self, item: &Item, change: Change) -> StoreResult<bool> {
        let key: Item =
            [keys::PK, keys::SK].iter().filter_map(|k| item.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
        let change = match change {
            Change::Update(update) => update,
            Change::Move(to) => return self.relocate(key, to).await,
        };
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .update_expression(change.update)
            .condition_expression(change.condition);
        for (name, value) in change.names {
            request = request.expression_attribute_names(name, value);
        }
        for (name, value) in change.values {
            request = request.expression_attribute_values(name, value);
        }
        match request.send().await {
            Ok(_) => Ok(true),
            Err(e) if condition_failed(&e) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }

    /// Puts `to` where nothing is and deletes the item at `from`, both or neither; `false` when
    /// either condition failed (moved already, or removed meanwhile).
    async fn relocate(&self, from: Item, to: Item) -> StoreResult<bool> {
        let built = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Unavailable(e.to_string());
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .build()
            .map_err(built)?;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(from))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .build()
            .map_err(built)?;
        let writes =
            vec![TransactWriteItem::builder().put(put).build(), TransactWriteItem::builder().delete(delete).build()];
        match self.client.transact_write_items().set_transact_items(Some(writes)).send().await {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_transaction_canceled_exception()) => Ok(false),
            Err(e) => Err(failure(e)),
        }
    }
}

/// The first layout change: final outbox messages written before retention existed are not on
/// the `OUTBOX#FINAL` list that `Outbox::redact_final` reads; this puts each there, by when it
/// was sent (or raised, when it never was), unless redacted already.
pub struct FinalMessagesListed;

impl Rewrite for FinalMessagesListed {
    fn name(&self) -> &'static str {
        "final-messages"
    }

    fn change(&self, item: &Item) -> StoreResult<Option<Change>> {
        let message = text(item, keys::SK).is_ok_and(|sk| sk.starts_with(keys::MESSAGE_PREFIX));
        let state = text(item, "state").ok().and_then(motcua_domain::notify::DeliveryState::parse);
        let listed = item.contains_key(Index::Lists.pk()) || item.contains_key("redacted_at");
        let (Some(state), true, false) = (state, message, listed) else { return Ok(None) };
        if !state.is_final() {
            return Ok(None);
        }
        let id = text(item, keys::SK)?.trim_start_matches(keys::MESSAGE_PREFIX).to_owned();
        let at = text(item, "sent_at").or_else(|_| text(item, "created_at"))?;
        Ok(Some(Change::Update(Update {
            update: "SET #lpk = :list, #lsk = :entry".into(),
            condition: "attribute_not_exists(#lpk) AND attribute_not_exists(redacted_at) AND #state = :state".into(),
            names: vec![
                ("#lpk".into(), Index::Lists.pk().into()),
                ("#lsk".into(), Index::Lists.sk().into()),
                ("#state".into(), "state".into()),
            ],
            values: vec![
                (":list".into(), s(keys::FINAL_MESSAGES)),
                (":entry".into(), s(format!("{}#{id}", ts(parse_ts(at)?)))),
                (":state".into(), s(state.as_str())),
            ],
        })))
    }
}

/// The second: dossiers written before the applicant index was dropped still carry its key,
/// the unkeyed SHA-256 of a citizen ID or tax code (reversible by trying every ID); this removes
/// it.
pub struct ApplicantIndexDropped;

impl Rewrite for ApplicantIndexDropped {
    fn name(&self) -> &'static str {
        "drop-applicant-index"
    }

    fn change(&self, item: &Item) -> StoreResult<Option<Change>> {
        let [pk, sk] = keys::OLD_APPLICANT_INDEX;
        if !item.contains_key(pk) && !item.contains_key(sk) {
            return Ok(None);
        }
        Ok(Some(Change::Update(Update {
            update: "REMOVE #apk, #ask".into(),
            condition: "attribute_exists(#apk) OR attribute_exists(#ask)".into(),
            names: vec![("#apk".into(), pk.into()), ("#ask".into(), sk.into())],
            values: vec![],
        })))
    }
}

/// The third: the applicants' stored documents kept before their partitions were keyed sit
/// under the unkeyed SHA-256 of their owner (`V#…`); this moves each to the owner's keyed
/// partition ([`keys::stored_documents`]), the same item under a new key.
pub struct DocumentStoreKeyed {
    pub server_key: Arc<[u8]>,
}

impl Rewrite for DocumentStoreKeyed {
    fn name(&self) -> &'static str {
        "key-document-store"
    }

    fn change(&self, item: &Item) -> StoreResult<Option<Change>> {
        let legacy = text(item, keys::PK).is_ok_and(|pk| pk.starts_with(keys::LEGACY_STORED))
            && text(item, keys::SK).is_ok_and(|sk| sk.starts_with(keys::STORED_PREFIX));
        if !legacy {
            return Ok(None);
        }
        let document: motcua_domain::documents::StoredDocument = super::items::body(item)?;
        let mut to = item.clone();
        let partition = keys::stored_documents(&document.owner.digest(&self.server_key));
        to.insert(keys::PK.into(), s(partition));
        Ok(Some(Change::Move(to)))
    }
}

/// The backfills `motcua backfill` can run, by name; those that need the server key only when
/// it is given.
pub fn rewrites(server_key: Option<Arc<[u8]>>) -> Vec<Box<dyn Rewrite>> {
    let mut all: Vec<Box<dyn Rewrite>> = vec![Box::new(FinalMessagesListed), Box::new(ApplicantIndexDropped)];
    if let Some(server_key) = server_key {
        all.push(Box::new(DocumentStoreKeyed { server_key }));
    }
    all
}
