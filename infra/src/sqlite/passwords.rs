//! Officers' passwords in SQLite (the web console's sign-in on one machine): one row an officer,
//! its argon2id hash and the failed attempts since the last success.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::catalogue::OfficerId;
use motcua_domain::ports::{OfficerPasswords, PasswordRecord, StoreResult};
use rusqlite::{params, OptionalExtension};

use super::{ts, unavailable, SqliteStore};
use crate::codec::parse_ts;

#[async_trait]
impl OfficerPasswords for SqliteStore {
    async fn password(&self, officer: &OfficerId) -> StoreResult<Option<PasswordRecord>> {
        let officer = officer.to_string();
        self.read(move |c| {
            let row: Option<(String, u32, Option<String>, Option<String>)> = c
                .query_row(
                    "SELECT hash, failures, last_failure_at, sessions_ended_at FROM officer_passwords WHERE officer = ?1",
                    [&officer],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .map_err(unavailable)?;
            row.map(|(hash, failures, last, ended)| {
                Ok(PasswordRecord {
                    hash,
                    failures,
                    last_failure_at: last.as_deref().map(parse_ts).transpose()?,
                    sessions_ended_at: ended.as_deref().map(parse_ts).transpose()?,
                })
            })
            .transpose()
        })
        .await
    }

    async fn set_password(&self, officer: &OfficerId, hash: &str) -> StoreResult<()> {
        let (officer, hash, now) = (officer.to_string(), hash.to_owned(), ts(Utc::now()));
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO officer_passwords (officer, hash, failures, last_failure_at, sessions_ended_at)
                 VALUES (?1, ?2, 0, NULL, NULL)
                 ON CONFLICT (officer) DO UPDATE SET hash = excluded.hash, failures = 0, last_failure_at = NULL,
                     sessions_ended_at = ?3",
                params![officer, hash, now],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn sign_in_failed(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<u32> {
        let officer = officer.to_string();
        self.write(move |tx| {
            let failures: Option<u32> = tx
                .query_row(
                    "UPDATE officer_passwords SET failures = failures + 1, last_failure_at = ?2 WHERE officer = ?1
                     RETURNING failures",
                    params![officer, ts(at)],
                    |r| r.get(0),
                )
                .optional()
                .map_err(unavailable)?;
            Ok(failures.unwrap_or(0))
        })
        .await
    }

    async fn signed_in(&self, officer: &OfficerId) -> StoreResult<()> {
        let officer = officer.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE officer_passwords SET failures = 0, last_failure_at = NULL WHERE officer = ?1 AND failures > 0",
                [&officer],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }

    async fn end_sessions(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<()> {
        let officer = officer.to_string();
        self.write(move |tx| {
            tx.execute(
                "UPDATE officer_passwords SET sessions_ended_at = ?2 WHERE officer = ?1",
                params![officer, ts(at)],
            )
            .map_err(unavailable)?;
            Ok(())
        })
        .await
    }
}
