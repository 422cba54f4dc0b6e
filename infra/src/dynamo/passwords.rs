//! Officers' passwords on DynamoDB (the web console's sign-in when `motcua serve` runs over a
//! table): one item beside each officer's record, `OF#<id>` / `#PASSWORD`, in no index. Every
//! change is one conditional update, so two instances counting failures never lose one.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};
use motcua_domain::catalogue::OfficerId;
use motcua_domain::ports::{OfficerPasswords, PasswordRecord, StoreResult};

use super::items::{self, n, s};
use super::{condition_failed, failure, keys, DynamoStore, Item};
use crate::codec::{parse_ts, ts};

const HASH: &str = "password_hash"; // `hash` is a reserved word in expressions
const FAILURES: &str = "failures";
const LAST_FAILURE: &str = "last_failure_at";
const SESSIONS_ENDED: &str = "sessions_ended_at";

fn record(item: &Item) -> StoreResult<PasswordRecord> {
    let time = |name: &str| match item.get(name) {
        Some(AttributeValue::S(v)) => parse_ts(v).map(Some),
        _ => Ok(None),
    };
    Ok(PasswordRecord {
        hash: items::text(item, HASH)?.to_owned(),
        failures: u32::try_from(items::number(item, FAILURES)?).unwrap_or(u32::MAX),
        last_failure_at: time(LAST_FAILURE)?,
        sessions_ended_at: time(SESSIONS_ENDED)?,
    })
}

impl DynamoStore {
    /// Applies `expression` to `officer`'s password item if it exists (and `condition` holds);
    /// the new attributes, or `None` when there was nothing to change.
    async fn update_password(
        &self,
        officer: &OfficerId,
        expression: &str,
        condition: &str,
        values: Vec<(&str, AttributeValue)>,
    ) -> StoreResult<Option<Item>> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::password(officer.as_str()))))
            .update_expression(expression)
            .condition_expression(condition)
            .return_values(ReturnValue::AllNew);
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        match update.send().await {
            Ok(out) => Ok(out.attributes),
            Err(e) if condition_failed(&e) => Ok(None),
            Err(e) => Err(failure(e)),
        }
    }
}

#[async_trait]
impl OfficerPasswords for DynamoStore {
    async fn password(&self, officer: &OfficerId) -> StoreResult<Option<PasswordRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(items::key(keys::password(officer.as_str()))))
            .consistent_read(true)
            .send()
            .await
            .map_err(failure)?;
        out.item().map(record).transpose()
    }

    async fn set_password(&self, officer: &OfficerId, hash: &str) -> StoreResult<()> {
        // A new password ends the sessions of the old one; a first one has none to end.
        let replaced = self
            .update_password(
                officer,
                &format!("SET {HASH} = :hash, {FAILURES} = :zero, {SESSIONS_ENDED} = :now REMOVE {LAST_FAILURE}"),
                "attribute_exists(pk)",
                vec![(":hash", s(hash)), (":zero", n(0)), (":now", s(ts(Utc::now())))],
            )
            .await?;
        if replaced.is_some() {
            return Ok(());
        }
        let mut item = items::key(keys::password(officer.as_str()));
        item.insert(HASH.into(), s(hash));
        item.insert(FAILURES.into(), n(0));
        let put = self.client.put_item().table_name(&self.table).set_item(Some(item));
        match put.condition_expression("attribute_not_exists(pk)").send().await {
            Ok(_) => Ok(()),
            // Set by someone else meanwhile: this one replaces it.
            Err(e) if condition_failed(&e) => Box::pin(self.set_password(officer, hash)).await,
            Err(e) => Err(failure(e)),
        }
    }

    async fn sign_in_failed(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<u32> {
        let updated = self
            .update_password(
                officer,
                &format!("ADD {FAILURES} :one SET {LAST_FAILURE} = :at"),
                "attribute_exists(pk)",
                vec![(":one", n(1)), (":at", s(ts(at)))],
            )
            .await?;
        match updated {
            Some(item) => Ok(u32::try_from(items::number(&item, FAILURES)?).unwrap_or(u32::MAX)),
            None => Ok(0),
        }
    }

    async fn signed_in(&self, officer: &OfficerId) -> StoreResult<()> {
        self.update_password(
            officer,
            &format!("SET {FAILURES} = :zero REMOVE {LAST_FAILURE}"),
            &format!("attribute_exists(pk) AND {FAILURES} > :zero"),
            vec![(":zero", n(0))],
        )
        .await
        .map(drop)
    }

    async fn end_sessions(&self, officer: &OfficerId, at: DateTime<Utc>) -> StoreResult<()> {
        self.update_password(
            officer,
            &format!("SET {SESSIONS_ENDED} = :at"),
            "attribute_exists(pk)",
            vec![(":at", s(ts(at)))],
        )
        .await
        .map(drop)
    }
}
