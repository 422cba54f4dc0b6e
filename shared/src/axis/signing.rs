//! How a call to the axis proves itself (`../shared/INTEGRATIONS.md` §6, the VXP SDK): no login
//! or token; every call parameter travels as a header `XroadVnpt-<name>`, and three more headers
//! sign them: the names joined by `;`, the JSON object of names and values, and the hex
//! HMAC-SHA-256 of that JSON text under the system's secret. The adapter signs, the fake axis
//! checks.

use std::collections::BTreeMap;

/// The prefix of every signed header.
pub const PREFIX: &str = "XroadVnpt-";
const KEYS: &str = "XroadVnpt-sign-header-key";
const SIGNED: &str = "XroadVnpt-sign-header";
const HASH: &str = "XroadVnpt-hash-header";
/// The protocol version the SDK sends.
pub const VERSION: &str = "3.0.201608";

/// The headers of a call: `params` (name, value) each as `XroadVnpt-<name>`, with `systemid`
/// and `timestamp` first, and the three signing headers.
pub fn sign(system_id: &str, secret: &str, timestamp: &str, params: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut named: Vec<(String, String)> =
        vec![(format!("{PREFIX}systemid"), system_id.to_owned()), (format!("{PREFIX}timestamp"), timestamp.to_owned())];
    named.extend(params.iter().map(|(k, v)| (format!("{PREFIX}{k}"), (*v).to_owned())));
    let keys = named.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    let object: serde_json::Map<String, serde_json::Value> =
        named.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    let json = serde_json::Value::Object(object).to_string();
    let hash = crate::mac::hex(&crate::mac::hmac_sha256(secret.as_bytes(), json.as_bytes()));
    named.push((KEYS.into(), keys));
    named.push((SIGNED.into(), json));
    named.push((HASH.into(), hash));
    named.push((format!("{PREFIX}version"), VERSION.into()));
    named
}

/// The call's parameters (without the prefix) when its signature holds under the secret that
/// `secret_of` gives for its `systemid`, or why not. `header` reads a request header by name
/// (case-insensitive, as HTTP has it).
pub fn verify(
    header: impl Fn(&str) -> Option<String>,
    secret_of: impl Fn(&str) -> Option<String>,
) -> Result<BTreeMap<String, String>, String> {
    let keys = header(KEYS).ok_or("no signed header list")?;
    let signed = header(SIGNED).ok_or("no signed headers")?;
    let hash = header(HASH).ok_or("no signature")?;
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&signed).map_err(|_| "the signed headers are not a JSON object")?;
    let mut params = BTreeMap::new();
    for key in keys.split(';') {
        let value = object.get(key).and_then(|v| v.as_str()).ok_or(format!("{key} is not signed"))?;
        // What was signed must be what was sent.
        if header(key).as_deref() != Some(value) {
            return Err(format!("{key} differs from what was signed"));
        }
        let name = key.strip_prefix(PREFIX).ok_or(format!("{key} is not a signed header"))?;
        params.insert(name.to_owned(), value.to_owned());
    }
    let system = params.get("systemid").ok_or("no systemid")?;
    let secret = secret_of(system).ok_or(format!("unknown system {system}"))?;
    let expected = crate::mac::hex(&crate::mac::hmac_sha256(secret.as_bytes(), signed.as_bytes()));
    if !crate::mac::same(hash.to_ascii_lowercase().as_bytes(), expected.as_bytes()) {
        return Err("the signature does not hold".into());
    }
    Ok(params)
}

/// The SDK's timestamp: `ddMMyyyy'T'HHmmss` and milliseconds, Vietnam time.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    crate::calendar::vietnam::to_local(at).format("%d%m%YT%H%M%S+%3f").to_string()
}
