//! What went over the document axis: one item each (`AXIS#<position>`), put once, listed on
//! `gsi1` under `AXIS_JOURNAL` by position.

use async_trait::async_trait;
use motcua_domain::axis::journal::JournalEntry;
use motcua_domain::ports::{AxisJournal, StoreError, StoreResult};

use super::items::{self, body, with_body};
use super::keys::Index;
use super::query::{Page, Range};
use super::DynamoStore;

const LIST: &str = "AXIS_JOURNAL";

#[async_trait]
impl AxisJournal for DynamoStore {
    async fn note(&self, entry: &JournalEntry) -> StoreResult<()> {
        let position = entry.position();
        let mut item = with_body((format!("AXIS#{position}"), "#ENTRY".into()), entry)?;
        items::index(&mut item, Index::Lists, (LIST.into(), position));
        match self.put_absent(item).await {
            Err(StoreError::Conflict) => Ok(()),
            done => done,
        }
    }

    async fn journal(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<JournalEntry>> {
        let range = after.map_or(Range::All, |a| Range::After(a.to_owned()));
        let page = Page::index(Index::Lists, LIST.into(), range, limit.clamp(1, 1000));
        self.query_limited(page).await?.iter().map(body).collect()
    }
}
