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
        Ok(Some(Self { scope, key: key.to_owned(), request_hash: sha256_hex(body) }))
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
