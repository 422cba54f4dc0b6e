//! The single-table key layout: every item's partition and sort keys and its entries in the
//! three overloaded indexes. `docs/dynamodb.md` is the same layout as a table, with the access
//! pattern each key serves.

use motcua_domain::catalogue::OfficerId;
use motcua_domain::codes::{AgencyCode, DossierCode};
use motcua_domain::documents::Owner;
use motcua_domain::lifecycle::{Dossier, Status};
use sha2::{Digest, Sha256};

use crate::codec::due_key;

pub const PK: &str = "pk";
pub const SK: &str = "sk";

/// One of the table's global secondary indexes, all projecting every attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// Lists: an agency's open dossiers by due time, pending outbox items by next attempt, the
    /// catalogue's agencies, procedures and officers by code.
    Lists,
    /// Narrower lists: an agency's dossiers of one status by due time; agencies by parent,
    /// procedures and officers by agency.
    Groups,
    /// An officer's own open dossiers by due time; procedures by field.
    People,
}

impl Index {
    pub const ALL: [Index; 3] = [Index::Lists, Index::Groups, Index::People];

    pub fn name(self) -> &'static str {
        match self {
            Index::Lists => "gsi1",
            Index::Groups => "gsi2",
            Index::People => "gsi3",
        }
    }

    pub fn pk(self) -> &'static str {
        match self {
            Index::Lists => "gsi1pk",
            Index::Groups => "gsi2pk",
            Index::People => "gsi3pk",
        }
    }

    pub fn sk(self) -> &'static str {
        match self {
            Index::Lists => "gsi1sk",
            Index::Groups => "gsi2sk",
            Index::People => "gsi3sk",
        }
    }
}

/// A table or index key: (partition, sort).
pub type Key = (String, String);

pub fn dossier(code: &DossierCode) -> Key {
    (format!("D#{code}"), "#DOSSIER".into())
}

pub fn event(code: &DossierCode, seq: u32) -> Key {
    (format!("D#{code}"), format!("E#{seq:010}"))
}

pub const EVENT_PREFIX: &str = "E#";

/// Outbox items live beside their dossier; the stream carries them to `notify`.
pub fn message(code: &str, id: &str) -> Key {
    (format!("D#{code}"), format!("M#{id}"))
}

pub const MESSAGE_PREFIX: &str = "M#";

/// The portal sync item of history event `seq`, beside its dossier; the stream carries it to
/// `notify`.
pub fn sync_item(code: &str, seq: u32) -> Key {
    (format!("D#{code}"), format!("{SYNC_PREFIX}{seq:010}"))
}

pub const SYNC_PREFIX: &str = "S#";

/// The `Lists` entries of sync items: pending by next attempt, parked by dossier and event.
pub const PENDING_SYNC: &str = "PORTAL#PENDING";
pub const PARKED_SYNC: &str = "PORTAL#PARKED";

/// A payment transaction, by its reference.
pub fn payment(reference: &str) -> Key {
    (format!("PAY#{reference}"), "#PAYMENT".into())
}

/// The `Lists` entries of open payment transactions (by opening time), and the `Groups`
/// partition of a dossier's transactions.
pub const OPEN_PAYMENTS: &str = "PAYMENTS#OPEN";
pub fn payments_of(dossier: &str) -> String {
    format!("PAY#{dossier}")
}

/// A procedure's national code (its row of the mapping table).
pub fn national_code(procedure: &str) -> Key {
    (format!("NC#{procedure}"), "#NATIONAL_CODE".into())
}

pub const NATIONAL_CODES: &str = "NATIONAL_CODES";

/// Marks history item `seq` of a dossier as counted in the reports (kept a week: the stream
/// redelivers within a day).
pub fn counted(code: &str, seq: u32) -> Key {
    (format!("D#{code}"), format!("T#{seq:010}"))
}

/// The counter item of a tally key at one grain: an agency's own counts by day (or month, its
/// first day) and procedure, its officers' by day (or month), officer and procedure.
pub fn counter(k: &motcua_domain::reports::TallyKey, monthly: bool) -> Key {
    let date = if monthly { motcua_domain::reports::month_of(k.day) } else { k.day }.format("%Y-%m-%d");
    let partition = counters(&k.agency, k.officer.is_some(), monthly);
    match &k.officer {
        None => (partition, format!("{date}#{}", k.procedure)),
        Some(o) => (partition, format!("{date}#{o}#{}", k.procedure)),
    }
}

/// The partition of an agency's counters: its own (`R#`) or its officers' (`RO#`), by day or by
/// month (`RM#`, `ROM#`).
pub fn counters(agency: &AgencyCode, officers: bool, monthly: bool) -> String {
    let whose = if officers { "O" } else { "" };
    let grain = if monthly { "M" } else { "" };
    format!("R{whose}{grain}#{agency}")
}

/// The dossier code a message id (`<code>:<seq>:<channel>`) belongs to.
pub fn code_of_message(id: &str) -> &str {
    id.split(':').next().unwrap_or(id)
}

pub fn idempotency(scope: &str, key: &str) -> Key {
    (format!("I#{scope}#{key}"), "#IDEMPOTENCY".into())
}

pub fn sequence(agency: &AgencyCode, day: &str) -> Key {
    (format!("SEQ#{agency}#{day}"), "#SEQUENCE".into())
}

pub fn agency(code: &str) -> Key {
    (format!("AG#{code}"), "#AGENCY".into())
}

pub fn procedure(code: &str) -> Key {
    (format!("PR#{code}"), "#PROCEDURE".into())
}

pub fn officer(id: &str) -> Key {
    (format!("OF#{id}"), "#OFFICER".into())
}

/// An officer's password for the web console, beside the officer's record (in no index).
pub fn password(id: &str) -> Key {
    (format!("OF#{id}"), "#PASSWORD".into())
}

/// An announced upload (its bytes are in the bucket).
pub fn upload(id: &str) -> Key {
    (format!("U#{id}"), "#UPLOAD".into())
}

/// The partition of the stored documents of the owner whose keyed digest is `owner_digest`
/// ([`motcua_domain::documents::Owner::digest`]): the table key spells neither a citizen ID
/// or tax code nor anything that trying every ID could reverse.
pub fn stored_documents(owner_digest: &str) -> String {
    format!("DS#{owner_digest}")
}

/// A document in the partition `partition` (see [`stored_documents`]).
pub fn stored_document(partition: &str, id: &str) -> Key {
    (partition.to_owned(), format!("{STORED_PREFIX}{id}"))
}

/// Where documents were kept before their partitions were keyed: the owner's key hashed
/// without a key (`V#sha256(owner)`, reversible by trying every citizen ID). Read beside the
/// keyed partition until `motcua backfill key-document-store` has moved them, then dropped.
pub fn legacy_stored_documents(owner: &Owner) -> String {
    format!("{LEGACY_STORED}{}", hex(&Sha256::digest(owner.key().as_bytes())))
}

/// The prefix of the unkeyed partitions [`legacy_stored_documents`] names.
pub const LEGACY_STORED: &str = "V#";

pub const STORED_PREFIX: &str = "SD#";

pub const HOLIDAYS: &str = "HOLIDAYS";

/// The position of a dossier in a queue: due time (empty before reception), then code.
pub fn queue_position(due: Option<chrono::DateTime<chrono::Utc>>, code: &str) -> String {
    format!("{}#{code}", due_key(due))
}

pub fn agency_queue(handler: &AgencyCode) -> String {
    format!("Q#{handler}")
}

pub fn status_queue(handler: &AgencyCode, status: Status) -> String {
    format!("QS#{handler}#{}", status.as_str())
}

pub fn officer_queue(id: &OfficerId) -> String {
    format!("W#{id}")
}

pub const PENDING_MESSAGES: &str = "OUTBOX#PENDING";
pub const SENDING_MESSAGES: &str = "OUTBOX#SENDING";
/// Final messages not yet redacted, by when they became final (retention).
pub const FINAL_MESSAGES: &str = "OUTBOX#FINAL";

/// Points a provider's message id (SNS, SES) back to the outbox item, for delivery receipts.
pub fn provider_message(provider_id: &str) -> Key {
    (format!("P#{provider_id}"), "#PROVIDER".into())
}

/// A fixed-window counter (caps and rate limits).
pub fn limit(key: &str, window_start: &str) -> Key {
    (format!("L#{key}"), format!("W#{window_start}"))
}

/// The index entries of a dossier: open ones sit in their handling agency's queue and their
/// assignee's; every one is listed under its status.
pub fn dossier_entries(d: &Dossier) -> Vec<(Index, Key)> {
    let position = queue_position(d.due_at, &d.code.to_string());
    let handler = d.handling_agency();
    let mut out = vec![(Index::Groups, (status_queue(handler, d.status), position.clone()))];
    if !d.status.is_closed() {
        out.push((Index::Lists, (agency_queue(handler), position.clone())));
        if let Some(a) = d.step.as_ref().and_then(|s| s.assignee.as_ref()) {
            out.push((Index::People, (officer_queue(&a.id), position)));
        }
    }
    // No index by the applicant's ID: its unkeyed SHA-256 could be reversed by trying every ID;
    // finding an applicant's dossiers goes through the search's keyed digests (docs/search.md).
    out
}

/// The attributes of the applicant index older releases wrote (`motcua backfill
/// drop-applicant-index` removes them).
pub const OLD_APPLICANT_INDEX: [&str; 2] = ["gsi4pk", "gsi4sk"];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreceived_dossiers_sort_before_any_due_time() {
        let due = chrono::Utc::now();
        assert!(queue_position(None, "000.00.03.H56-260302-0001") < queue_position(Some(due), "000"));
        assert!(queue_position(Some(due), "b") < queue_position(Some(due + chrono::Duration::seconds(1)), "a"));
        assert_eq!(code_of_message("000.00.03.H56-260302-0001:3:sms"), "000.00.03.H56-260302-0001");
    }
}
