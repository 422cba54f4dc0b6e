//! What went over the document axis (`axis_journal`), by position.

use async_trait::async_trait;
use motcua_domain::axis::journal::JournalEntry;
use motcua_domain::ports::{AxisJournal, StoreResult};

use super::positions::Again;
use super::{to_json, SqliteStore};

#[async_trait]
impl AxisJournal for SqliteStore {
    async fn note(&self, entry: &JournalEntry) -> StoreResult<()> {
        self.put_at("axis_journal", entry.position(), to_json(entry)?, Again::Ignored).await
    }

    async fn journal(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<JournalEntry>> {
        self.list_after("axis_journal", after, limit).await
    }
}
