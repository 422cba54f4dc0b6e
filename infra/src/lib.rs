//! motcua-infra: adapters implementing the domain's ports. On one machine: an embedded SQLite
//! store (dossiers, catalogue, outbox), a local notification sink, the system clock and the
//! outbox worker that drains committed notifications.

pub mod clock;
#[cfg(test)]
pub mod contract;
pub mod outbox_worker;
pub mod sink;
pub mod sqlite;

pub use clock::SystemClock;
pub use sink::LocalSink;
pub use sqlite::SqliteStore;
