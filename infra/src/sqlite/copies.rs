//! The database file seen from outside the store, for `motcua backup` and `motcua check`
//! (`docs/operations.md`): a consistent copy taken while the server writes (`VACUUM INTO`
//! reads one snapshot through the same WAL the server uses, and writes a compact file with no
//! WAL of its own), SQLite's own integrity check, and the schema version a file is at.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// Why a database file cannot be copied or checked.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("no database at {0}")]
    Missing(String),
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// A connection to an existing database, never creating one; writers wait for it (and it for
/// them) up to a minute.
fn existing(path: &Path) -> Result<Connection, CopyError> {
    if !path.is_file() {
        return Err(CopyError::Missing(path.display().to_string()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(60))?;
    Ok(conn)
}

/// Writes a consistent copy of the database at `from` to the new file `to`: everything
/// committed when the copy began, nothing after, while writers go on.
pub fn copy_database(from: &Path, to: &Path) -> Result<(), CopyError> {
    let conn = existing(from)?;
    conn.execute("VACUUM INTO ?1", [to.to_string_lossy()])?;
    Ok(())
}

/// What SQLite's `integrity_check` finds wrong with the database at `path` (nothing: intact).
pub fn integrity_problems(path: &Path) -> Result<Vec<String>, CopyError> {
    let conn = existing(path)?;
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    Ok(lines.into_iter().filter(|l| l != "ok").collect())
}

/// The schema version (migrations applied) of the database at `path`, and the version this
/// build migrates to.
pub fn schema_version(path: &Path) -> Result<(usize, usize), CopyError> {
    let conn = existing(path)?;
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((version, super::schema::LATEST))
}
