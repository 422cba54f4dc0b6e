//! Embedded migrations, applied in order and tracked with `PRAGMA user_version`.

use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE agencies (code TEXT PRIMARY KEY, parent TEXT, body TEXT NOT NULL);
CREATE INDEX agencies_parent ON agencies(parent, code);
CREATE TABLE procedures (
    code TEXT PRIMARY KEY, agency TEXT NOT NULL, field TEXT NOT NULL, level TEXT NOT NULL,
    search TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX procedures_agency ON procedures(agency, code);
CREATE TABLE holidays (date TEXT PRIMARY KEY, year INTEGER NOT NULL, name TEXT NOT NULL);
CREATE TABLE officers (id TEXT PRIMARY KEY, agency TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX officers_agency ON officers(agency, id);
-- handler: the agency whose queue the dossier is in now; due_key: due time as fixed-width
-- UTC text, '' before reception, so (due_key, code) orders a queue and is its cursor.
CREATE TABLE dossiers (
    code TEXT PRIMARY KEY, agency TEXT NOT NULL, handler TEXT NOT NULL, status TEXT NOT NULL,
    assignee TEXT, due_key TEXT NOT NULL, version INTEGER NOT NULL, secret_hash TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE INDEX dossiers_queue ON dossiers(handler, due_key, code);
CREATE INDEX dossiers_status ON dossiers(handler, status, due_key, code);
CREATE INDEX dossiers_assignee ON dossiers(assignee, due_key, code);
CREATE TABLE events (dossier TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (dossier, seq));
-- next_attempt_at: when the worker may try an unsent message; NULL once given up.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY, dossier TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
    next_attempt_at TEXT, sent_at TEXT, provider_id TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL AND next_attempt_at IS NOT NULL;
CREATE TABLE sequences (agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (agency, day));
CREATE TABLE idempotency (scope TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
"#,
    r#"
-- Notifications follow a state machine (motcua_domain::notify::delivery); deadline: until when
-- a message may stay in 'sending'.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'created';
ALTER TABLE outbox ADD COLUMN deadline TEXT;
UPDATE outbox SET state = 'delivered' WHERE sent_at IS NOT NULL;
UPDATE outbox SET state = 'permanent_failure' WHERE sent_at IS NULL AND next_attempt_at IS NULL;
DROP INDEX outbox_pending;
CREATE INDEX outbox_created ON outbox(next_attempt_at) WHERE state = 'created';
CREATE INDEX outbox_sending ON outbox(deadline) WHERE state = 'sending';
CREATE INDEX outbox_provider ON outbox(provider_id) WHERE provider_id IS NOT NULL;
-- Fixed-window counters for caps and rate limits.
CREATE TABLE limits (
    key TEXT NOT NULL, window_start TEXT NOT NULL, used INTEGER NOT NULL, expires_at TEXT NOT NULL,
    PRIMARY KEY (key, window_start));
"#,
    r#"
-- Work queues list open dossiers only: indexes of open dossiers keep a queue page's cost flat
-- as closed ones pile up (a province-year showed the agency queue 16 times slower at 100,000
-- dossiers with the whole history in the index). The condition is the queue query's own,
-- `super::dossiers::OPEN_ONLY`, word for word, so SQLite can use the indexes.
CREATE INDEX dossiers_open_queue ON dossiers(handler, due_key, code)
    WHERE status NOT IN ('refused', 'withdrawn', 'stopped', 'returned');
CREATE INDEX dossiers_open_assignee ON dossiers(assignee, due_key, code)
    WHERE status NOT IN ('refused', 'withdrawn', 'stopped', 'returned');
DROP INDEX dossiers_queue;
DROP INDEX dossiers_assignee;
"#,
    r#"
-- Every online filing and wrong lookup secret purges expired counters in its own transaction
-- (super::limits::PURGE_EXPIRED): an index keeps that a range search, not a scan of the table.
CREATE INDEX limits_expiry ON limits(expires_at);
"#,
    r#"
-- A dossier returned for want of a supplement is closed too: the open-queue indexes follow
-- `super::dossiers::OPEN_ONLY` again, word for word.
DROP INDEX dossiers_open_queue;
DROP INDEX dossiers_open_assignee;
CREATE INDEX dossiers_open_queue ON dossiers(handler, due_key, code)
    WHERE status NOT IN ('refused', 'withdrawn', 'stopped', 'returned', 'returned_unsupplemented');
CREATE INDEX dossiers_open_assignee ON dossiers(assignee, due_key, code)
    WHERE status NOT IN ('refused', 'withdrawn', 'stopped', 'returned', 'returned_unsupplemented');
"#,
    r#"
-- Announced uploads (motcua_domain::documents::Upload); dossier: the dossier holding it, once
-- attached. Unattached uploads are forgotten after a day (oldest first, by created_at).
CREATE TABLE uploads (
    id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, state TEXT NOT NULL, dossier TEXT,
    created_at TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX uploads_unattached ON uploads(created_at) WHERE dossier IS NULL;
CREATE INDEX uploads_sha256 ON uploads(sha256);
"#,
    r#"
-- The applicants' document store (motcua_domain::documents::StoredDocument), by owner key
-- (`citizen:<id>`, `organisation:<tax code>`); id: the file's upload id.
CREATE TABLE stored_documents (
    owner TEXT NOT NULL, id TEXT NOT NULL, recorded_at TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (owner, id));
CREATE INDEX stored_documents_latest ON stored_documents(owner, recorded_at);
"#,
    r#"
-- Report counters (motcua_domain::reports): one row per officer ('' for an agency's own counts),
-- agency, Vietnam date and procedure, one column per measure (reports::Measure::ALL, in order),
-- added to by each transition in its own transaction; the same by month (`month`: its first
-- day), so whole months are read one row a procedure (reports::Span).
CREATE TABLE tallies (
    officer TEXT NOT NULL, agency TEXT NOT NULL, day TEXT NOT NULL, procedure TEXT NOT NULL,
    received_online INTEGER NOT NULL DEFAULT 0, received_direct INTEGER NOT NULL DEFAULT 0,
    received_postal INTEGER NOT NULL DEFAULT 0, received_full_eligible INTEGER NOT NULL DEFAULT 0,
    received_online_full INTEGER NOT NULL DEFAULT 0,
    received_online_partial INTEGER NOT NULL DEFAULT 0, resolved_early INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0, resolved_late INTEGER NOT NULL DEFAULT 0,
    within_delta INTEGER NOT NULL DEFAULT 0, overdue_delta INTEGER NOT NULL DEFAULT 0,
    results_electronic INTEGER NOT NULL DEFAULT 0, components INTEGER NOT NULL DEFAULT 0,
    components_digitised INTEGER NOT NULL DEFAULT 0, components_reused INTEGER NOT NULL DEFAULT 0,
    steps_early INTEGER NOT NULL DEFAULT 0, steps_on_time INTEGER NOT NULL DEFAULT 0,
    steps_late INTEGER NOT NULL DEFAULT 0, step_minutes INTEGER NOT NULL DEFAULT 0,
    ratings INTEGER NOT NULL DEFAULT 0, very_satisfied INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0,
    score_total_time INTEGER NOT NULL DEFAULT 0, score_time_per_agency INTEGER NOT NULL DEFAULT 0,
    score_contacts INTEGER NOT NULL DEFAULT 0, score_agencies_contacted INTEGER NOT NULL DEFAULT 0,
    score_desk_handling INTEGER NOT NULL DEFAULT 0, score_disclosure INTEGER NOT NULL DEFAULT 0,
    score_attitude INTEGER NOT NULL DEFAULT 0, score_complaints INTEGER NOT NULL DEFAULT 0,
    score_online_service INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (officer, agency, day, procedure)) WITHOUT ROWID;
CREATE TABLE tallies_by_month (
    officer TEXT NOT NULL, agency TEXT NOT NULL, month TEXT NOT NULL, procedure TEXT NOT NULL,
    received_online INTEGER NOT NULL DEFAULT 0, received_direct INTEGER NOT NULL DEFAULT 0,
    received_postal INTEGER NOT NULL DEFAULT 0, received_full_eligible INTEGER NOT NULL DEFAULT 0,
    received_online_full INTEGER NOT NULL DEFAULT 0,
    received_online_partial INTEGER NOT NULL DEFAULT 0, resolved_early INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0, resolved_late INTEGER NOT NULL DEFAULT 0,
    within_delta INTEGER NOT NULL DEFAULT 0, overdue_delta INTEGER NOT NULL DEFAULT 0,
    results_electronic INTEGER NOT NULL DEFAULT 0, components INTEGER NOT NULL DEFAULT 0,
    components_digitised INTEGER NOT NULL DEFAULT 0, components_reused INTEGER NOT NULL DEFAULT 0,
    steps_early INTEGER NOT NULL DEFAULT 0, steps_on_time INTEGER NOT NULL DEFAULT 0,
    steps_late INTEGER NOT NULL DEFAULT 0, step_minutes INTEGER NOT NULL DEFAULT 0,
    ratings INTEGER NOT NULL DEFAULT 0, very_satisfied INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0, unsatisfied INTEGER NOT NULL DEFAULT 0,
    score_total_time INTEGER NOT NULL DEFAULT 0, score_time_per_agency INTEGER NOT NULL DEFAULT 0,
    score_contacts INTEGER NOT NULL DEFAULT 0, score_agencies_contacted INTEGER NOT NULL DEFAULT 0,
    score_desk_handling INTEGER NOT NULL DEFAULT 0, score_disclosure INTEGER NOT NULL DEFAULT 0,
    score_attitude INTEGER NOT NULL DEFAULT 0, score_complaints INTEGER NOT NULL DEFAULT 0,
    score_online_service INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (officer, agency, month, procedure)) WITHOUT ROWID;
"#,
    r#"
-- The national portal's sync queue (motcua_domain::portal): one row per committed history event,
-- inserted by the commit's transaction, sent in seq order per dossier. `claim`/`claim_until`:
-- the sender holding it; `documents`: how many the dossier held after the event. The national codes of local procedures (motcua_domain::portal::NationalCode).
CREATE TABLE portal_sync (
    dossier TEXT NOT NULL, seq INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL, claim TEXT, claim_until TEXT, last_error TEXT, acknowledged_at TEXT,
    documents INTEGER, PRIMARY KEY (dossier, seq)) WITHOUT ROWID;
CREATE INDEX portal_sync_due ON portal_sync(next_attempt_at) WHERE state = 'pending';
CREATE INDEX portal_sync_parked ON portal_sync(dossier, seq) WHERE state = 'parked';
CREATE TABLE national_codes (procedure TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
-- Receptions the portal acknowledged in real time (reports::Measure::PortalSyncedTimely).
ALTER TABLE tallies ADD COLUMN portal_synced_timely INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_by_month ADD COLUMN portal_synced_timely INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- Payment transactions with the payment platform (motcua_domain::payment::Transaction), by
-- reference (MaThamChieu); `state`: created, paid, failed.
CREATE TABLE payments (
    reference TEXT PRIMARY KEY, dossier TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,
    body TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX payments_open ON payments(created_at) WHERE state = 'created';
CREATE INDEX payments_of_dossier ON payments(dossier, created_at);
"#,
    r#"
-- Fees paid, and of them paid online (reports::Measure::FeesPaid, FeesPaidOnline).
ALTER TABLE tallies ADD COLUMN fees_paid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_by_month ADD COLUMN fees_paid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies ADD COLUMN fees_paid_online INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_by_month ADD COLUMN fees_paid_online INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- The search terms each dossier is filed under (motcua_domain::search): by agency and term,
-- newest first by `position` (filing time, then code), written by the dossier's creation.
CREATE TABLE search_terms (
    agency TEXT NOT NULL, term TEXT NOT NULL, position TEXT NOT NULL, code TEXT NOT NULL,
    PRIMARY KEY (agency, term, position)) WITHOUT ROWID;
"#,
    r#"
-- Requests for what is held about a person (motcua_domain::privacy), by position (time, id).
CREATE TABLE subject_requests (position TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
"#,
    r#"
-- Every version of a procedure by effective date ('0000-00-00' undated); scheduled = 1 while
-- dated after the day it was written and not yet put in force (motcua_domain::catalogue::versions).
CREATE TABLE procedure_versions (
    code TEXT NOT NULL, effective TEXT NOT NULL, scheduled INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (code, effective)) WITHOUT ROWID;
CREATE INDEX procedure_versions_scheduled ON procedure_versions(effective) WHERE scheduled = 1;
INSERT INTO procedure_versions (code, effective, scheduled, body)
    SELECT code, COALESCE(json_extract(body, '$.effective_from'), '0000-00-00'), 0, body FROM procedures;
"#,
    r#"
-- Search terms gained names' sets of words and long names' words (motcua_domain::search): the
-- dossiers filed before are filed again, once, by the server at its start; a row while pending.
CREATE TABLE search_refile (pending INTEGER NOT NULL);
INSERT INTO search_refile (pending) SELECT 1 WHERE EXISTS (SELECT 1 FROM dossiers);
-- The messages of one key (a dossier, an officer's quarter hour of arrivals), gathered at once.
CREATE INDEX outbox_dossier ON outbox(dossier, id);
"#,
    r#"
-- Longer names gained their pairs of words (motcua_domain::search): filed again, once, as above.
INSERT INTO search_refile (pending) SELECT 1
    WHERE EXISTS (SELECT 1 FROM dossiers) AND NOT EXISTS (SELECT 1 FROM search_refile);
"#,
    r#"
-- Retention (motcua_domain::notify::retention): when a message became final, and when its
-- recipient and text were redacted; the final messages still to redact, by when they became final.
ALTER TABLE outbox ADD COLUMN final_at TEXT;
ALTER TABLE outbox ADD COLUMN redacted_at TEXT;
UPDATE outbox SET final_at = COALESCE(sent_at, created_at) WHERE state NOT IN ('created', 'sending');
CREATE INDEX outbox_unredacted ON outbox(final_at) WHERE final_at IS NOT NULL AND redacted_at IS NULL;
"#,
    r#"
-- What went over the document axis (motcua_domain::axis::journal), by position (time,
-- direction, the axis's id).
CREATE TABLE axis_journal (position TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
"#,
    r#"
-- Steps given to other agencies, and those handed over the document axis
-- (motcua_domain::reports::Measure::HandOvers, HandOversAxis).
ALTER TABLE tallies ADD COLUMN hand_overs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_by_month ADD COLUMN hand_overs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies ADD COLUMN hand_overs_axis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies_by_month ADD COLUMN hand_overs_axis INTEGER NOT NULL DEFAULT 0;
"#,
    r#"
-- Officers' passwords for the web console's sign-in (argon2id hashes) and the failed attempts
-- since the last success (motcua_domain::signin).
CREATE TABLE officer_passwords (
    officer TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure_at TEXT
) WITHOUT ROWID;
"#,
    r#"
-- When the officer last signed out of the web console (or had a password set): sessions
-- issued until then are refused.
ALTER TABLE officer_passwords ADD COLUMN sessions_ended_at TEXT;
"#,
];

/// The version a database is at once every migration has been applied.
pub const LATEST: usize = MIGRATIONS.len();

pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}
