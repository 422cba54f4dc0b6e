//! Idempotent filings (`Idempotency-Key`): the key with the hash of its body, the record the
//! filing's own write keeps (the dossier it created and the status it answered), and the
//! replay, rendered from the store. The lookup secret of a keyed filing is derived from the
//! server key, the key and the body, so a replay gives the same secret without it ever being
//! stored in clear.

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use motcua_domain::codes::DossierCode;
use motcua_domain::ports::IdempotencyRecord;

use crate::service::secrets::{derived_lookup_secret, sha256_hex};
use crate::service::{Refused, ServiceResult};

/// The part of a filing's body its key is held to: the body as sent, except that a document
/// sent as an upload counts by its bytes' SHA-256, not by the upload's id. A client that sends
/// a filing again after a lost answer, uploading its files again (new ids, same bytes), is
/// answered with the dossier it filed, not refused as another request.
fn what_counts(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else { return body.into() };
    let mut changed = false;
    for document in value.get_mut("documents").and_then(|d| d.as_array_mut()).into_iter().flatten() {
        if let Some(d) = document.as_object_mut().filter(|d| d.get("sha256").is_some_and(|s| s.is_string())) {
            changed |= d.remove("upload").is_some();
        }
    }
    match changed {
        true => serde_json::to_vec(&value).map_or(body.into(), Into::into),
        false => body.into(),
    }
}

/// An `Idempotency-Key` with the hash of the body it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl IdempotencyKey {
    /// The key a request sent (none when it sent none), within `scope`.
    pub fn parse(scope: String, key: Option<&str>, body: &[u8]) -> ServiceResult<Option<Self>> {
        let Some(key) = key else { return Ok(None) };
        let ok = (1..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(Refused::InvalidIdempotencyKey);
        }
        Ok(Some(Self { scope, key: key.to_owned(), request_hash: sha256_hex(&what_counts(body)) }))
    }

    /// The lookup secret of the filing made with this key and body.
    pub fn lookup_secret(&self, server_key: &[u8]) -> String {
        derived_lookup_secret(server_key, &self.scope, &self.key, &self.request_hash)
    }

    /// The record the filing's write keeps: it created `dossier` and answered 201.
    pub fn record(&self, dossier: DossierCode, at: DateTime<Utc>) -> IdempotencyRecord {
        IdempotencyRecord {
            scope: self.scope.clone(),
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            status: StatusCode::CREATED.as_u16(),
            dossier,
            created_at: at,
        }
    }

    /// What `record`, found under this key, means for the request: the dossier to answer with
    /// again and the status, or `409 idempotency_key_reused` when the body differs.
    pub fn replay_of(&self, record: &IdempotencyRecord) -> ServiceResult<(DossierCode, StatusCode)> {
        if record.request_hash != self.request_hash {
            return Err(Refused::IdempotencyKeyReused);
        }
        Ok((record.dossier.clone(), StatusCode::from_u16(record.status).unwrap_or(StatusCode::CREATED)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filing_sent_again_with_its_files_uploaded_again_is_the_same_request() {
        let first = br#"{"procedure_code":"1.001193","documents":[{"component":"A","upload":"u1","sha256":"ab"}]}"#;
        let again = br#"{"procedure_code":"1.001193","documents":[{"component":"A","upload":"u2","sha256":"ab"}]}"#;
        let other = br#"{"procedure_code":"1.001193","documents":[{"component":"A","upload":"u2","sha256":"cd"}]}"#;
        let hash = |b: &[u8]| IdempotencyKey::parse("s".into(), Some("k"), b).unwrap().unwrap().request_hash;
        assert_eq!(hash(first), hash(again));
        assert_ne!(hash(first), hash(other), "other bytes are another request");
        let plain = br#"{"documents":[{"component":"A","file_name":"a.pdf"}]}"#;
        assert_eq!(hash(plain), sha256_hex(plain), "a body without uploads counts as sent");
    }
}
