//! What an acknowledgement adds to the report counters: the Decision 766 score card's sync
//! component counts a received dossier as synced in real time when the portal acknowledged its
//! reception within [`TIMELY`]. Counted once, in the same write that records the
//! acknowledgement, on the reception's day and the dossier's agency and procedure (where the
//! reception itself is counted).

use chrono::{DateTime, Duration, Utc};

use crate::calendar::vietnam;
use crate::lifecycle::{Action, Dossier, HistoryEvent};
use crate::reports::{Measure, Tally, TallyKey};

/// How soon an acknowledgement counts as real time: the system's reading of "kịp thời", pending
/// the detailed guidance.
pub const TIMELY: Duration = Duration::hours(1);

/// The tallies of the portal acknowledging `event` (of `dossier`, whose history is `history`) at
/// `acknowledged_at`: one [`Measure::PortalSyncedTimely`] when the event is the dossier's
/// reception and the acknowledgement came within [`TIMELY`]; nothing otherwise.
pub fn sync_tally(
    dossier: &Dossier,
    history: &[HistoryEvent],
    event: &HistoryEvent,
    acknowledged_at: DateTime<Utc>,
) -> Vec<Tally> {
    let reception = history.iter().find(|e| matches!(e.action, Action::Receive | Action::CounterReceive));
    let (Some(reception), Some(received_at)) = (reception, dossier.received_at) else { return vec![] };
    if reception.seq != event.seq || acknowledged_at - event.at > TIMELY {
        return vec![];
    }
    let key = TallyKey {
        day: vietnam::to_local(received_at).date(),
        agency: dossier.agency_code.clone(),
        procedure: dossier.procedure_code.clone(),
        officer: None,
    };
    vec![Tally { key, counts: [(Measure::PortalSyncedTimely, 1)].into_iter().collect() }]
}
