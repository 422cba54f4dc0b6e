//! Building and reading items: attribute values, keys, bodies stored as JSON text.

use aws_sdk_dynamodb::types::AttributeValue;
use motcua_domain::ports::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::keys::{Index, Key, PK, SK};
use super::Item;
use crate::codec::{from_json, to_json};

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// The table key of an item.
pub fn key((pk, sk): Key) -> Item {
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk))])
}

/// An item with its key and a JSON `body`.
pub fn with_body<T: Serialize>(k: Key, body: &T) -> StoreResult<Item> {
    let mut item = key(k);
    item.insert("body".into(), s(to_json(body)?));
    Ok(item)
}

/// Adds an index entry to an item.
pub fn index(item: &mut Item, index: Index, (pk, sk): Key) {
    item.insert(index.pk().into(), s(pk));
    item.insert(index.sk().into(), s(sk));
}

pub fn text<'a>(item: &'a Item, name: &str) -> StoreResult<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(StoreError::Corrupt(format!("item without text attribute `{name}`"))),
    }
}

pub fn number(item: &Item, name: &str) -> StoreResult<u64> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().map_err(|_| StoreError::Corrupt(format!("`{name}` is not a count"))),
        _ => Err(StoreError::Corrupt(format!("item without number attribute `{name}`"))),
    }
}

pub fn body<T: DeserializeOwned>(item: &Item) -> StoreResult<T> {
    from_json(text(item, "body")?)
}

/// Epoch seconds `days` from now, for a TTL attribute (housekeeping only).
pub fn expires_in_days(days: i64) -> AttributeValue {
    n((chrono::Utc::now() + chrono::Duration::days(days)).timestamp())
}
