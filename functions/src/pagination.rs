//! Opaque cursors: base64url of a small JSON position, so clients cannot depend on the shape.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, ApiResult};

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

pub fn encode<T: Serialize>(position: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

pub fn decode<T: DeserializeOwned>(cursor: &str) -> ApiResult<T> {
    let invalid = || ApiError::bad_request("invalid_cursor", "con trỏ phân trang không hợp lệ / invalid cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

/// The page size asked for: default 50, 1 to 200.
pub fn limit(asked: Option<usize>) -> ApiResult<usize> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request("invalid_limit", "limit phải từ 1 đến 200 / limit must be 1 to 200")),
    }
}

/// Splits one extra fetched item off to tell whether there is a next page.
pub fn page<T, P: Serialize>(mut items: Vec<T>, limit: usize, position: impl Fn(&T) -> P) -> (Vec<T>, Option<String>) {
    if items.len() > limit {
        items.truncate(limit);
        let next = items.last().map(|last| encode(&position(last)));
        (items, next)
    } else {
        (items, None)
    }
}
