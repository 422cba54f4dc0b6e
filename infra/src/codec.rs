//! How both stores write values: bodies as JSON text, times as fixed-width UTC text (so that
//! text order is time order), and the storage failures every adapter reports the same way.

use chrono::{DateTime, Utc};
use motcua_domain::ports::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored body; one that no longer parses is corrupt data, not a client error.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Fixed-width UTC text, so that text order is time order.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The sort key of a dossier in a queue: its due time, empty before reception (so dossiers not
/// yet received come first).
pub(crate) fn due_key(due: Option<DateTime<Utc>>) -> String {
    due.map(ts).unwrap_or_default()
}
