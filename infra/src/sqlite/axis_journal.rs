//! What went over the document axis (`axis_journal`), by position.

use async_trait::async_trait;
use motcua_domain::axis::journal::JournalEntry;
use motcua_domain::ports::{AxisJournal, StoreResult};
use rusqlite::params;

use super::{from_json, to_json, unavailable, SqliteStore};

#[async_trait]
impl AxisJournal for SqliteStore {
    async fn note(&self, entry: &JournalEntry) -> StoreResult<()> {
        let (position, body) = (entry.position(), to_json(entry)?);
        self.write(move |tx| {
            tx.execute("INSERT OR IGNORE INTO axis_journal (position, body) VALUES (?1, ?2)", params![position, body])
                .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn journal(&self, after: Option<&str>, limit: usize) -> StoreResult<Vec<JournalEntry>> {
        let after = after.unwrap_or_default().to_owned();
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached("SELECT body FROM axis_journal WHERE position > ?1 ORDER BY position LIMIT ?2")
                .map_err(unavailable)?;
            let rows = stmt
                .query_map(params![after, limit.clamp(1, 1000) as i64], |r| r.get::<_, String>(0))
                .map_err(unavailable)?;
            rows.map(|r| from_json(&r.map_err(unavailable)?)).collect()
        })
        .await
    }
}
