//! The history as a hash chain: each event commits to the hash of the one before it and to
//! its own canonical content, and the dossier keeps the hash of the last (its head). Changing,
//! removing or reordering any stored event breaks every link after it, so a quiet rewrite of
//! the history shows up in [`verify`] and in the head the applicant was shown.
//!
//! Canonical content: `motcua.event.v1`, the dossier code and the event's JSON (fields in
//! declaration order, `hash` left empty), each followed by a newline, hashed with SHA-256.
//! Fields added to [`HistoryEvent`] later must be skipped when empty, so old hashes still hold.

use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::HistoryEvent;
use crate::codes::DossierCode;

/// The `prev_hash` of a dossier's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const DOMAIN: &str = "motcua.event.v1";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash `event` should carry, from its content and its `prev_hash`.
pub fn event_hash(code: &DossierCode, event: &HistoryEvent) -> String {
    let unsealed = HistoryEvent { hash: String::new(), ..event.clone() };
    // Serialising plain data to a string cannot fail.
    let content = serde_json::to_string(&unsealed).unwrap_or_default();
    let mut h = Sha256::new();
    for part in [DOMAIN, &code.to_string(), &content] {
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// Links `event` after `head` (the dossier's head, or [`GENESIS`]) and seals it; returns its hash.
pub fn seal(code: &DossierCode, event: &mut HistoryEvent, head: &str) -> String {
    event.prev_hash = head.to_owned();
    event.hash = event_hash(code, event);
    event.hash.clone()
}

/// What is wrong at one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// The event's content does not match its hash: it was edited.
    ContentChanged,
    /// The event does not point to the hash of the one before: one was edited, removed or
    /// inserted.
    LinkBroken,
    /// Its sequence number is not the next one: an event is missing or repeated.
    OutOfSequence,
    /// The dossier's head is not the hash of the last event: the end was cut or replaced.
    HeadMismatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Break {
    /// The event's sequence number (for a head mismatch, the last event's).
    pub seq: u32,
    pub problem: Problem,
}

/// The outcome of recomputing one dossier's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ChainReport {
    pub intact: bool,
    pub events: usize,
    /// The head the dossier records.
    pub head: String,
    pub breaks: Vec<Break>,
}

/// Recomputes the chain of `events` (in sequence order) against the dossier's `head` and its
/// count of events.
pub fn verify(code: &DossierCode, events: &[HistoryEvent], head: &str, expected_events: u32) -> ChainReport {
    let mut breaks = vec![];
    let mut prev = GENESIS.to_owned();
    for (i, e) in events.iter().enumerate() {
        if e.seq as usize != i {
            breaks.push(Break { seq: e.seq, problem: Problem::OutOfSequence });
        }
        if e.prev_hash != prev {
            breaks.push(Break { seq: e.seq, problem: Problem::LinkBroken });
        }
        if event_hash(code, e) != e.hash {
            breaks.push(Break { seq: e.seq, problem: Problem::ContentChanged });
        }
        prev = e.hash.clone();
    }
    if prev != head || events.len() != expected_events as usize {
        let seq = events.last().map(|e| e.seq).unwrap_or(0);
        breaks.push(Break { seq, problem: Problem::HeadMismatch });
    }
    ChainReport { intact: breaks.is_empty(), events: events.len(), head: head.to_owned(), breaks }
}
