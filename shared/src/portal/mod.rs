//! The national public-service portal (Cổng Dịch vụ công quốc gia, DVCQG): what the province
//! tells it about each dossier, and how that telling is queued.
//!
//! Every committed transition of a dossier is one sync item (the history event's number), queued
//! by the same write as the transition ([`crate::ports::SyncQueue`]). A sender takes a dossier's
//! items strictly in order: item N+1 is never sent before the portal acknowledged N. What an item
//! sends is built here, purely, from the dossier and its history up to the item's event
//! ([`update_at`]): the dossier record (`DongBoHoSoMC`) and, for an officer's act, the progress
//! line (`CapNhatTienDoHoSoMC`), timestamps `yyyyMMddHHmmss` in Vietnam time. [`queue`] holds an
//! item's states and the retry rule; `docs/integrations.md` the whole protocol.

pub mod queue;
mod record;
mod timely;

pub use queue::{after_attempt, Attempt, Settled, SyncCounts, SyncItem, SyncStanding, SyncState, MAX_ATTEMPTS};
pub use record::{
    stamp, update_at, DossierRecord, FeeItem, NationalCode, Progress, ResultItem, SubmittedFile, SupplementItem,
    Unsyncable, Update,
};
pub use timely::{sync_tally, TIMELY};
