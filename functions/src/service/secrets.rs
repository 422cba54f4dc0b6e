//! Lookup secrets: printed once on the receipt, stored only as a SHA-256 hash and compared in
//! constant time. A filing sent with an `Idempotency-Key` gets a secret derived from the server
//! key, the key and the body (HMAC-SHA256), so a replay can answer with the same secret without
//! the secret ever being stored in clear; any other filing gets a random one.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

/// Unambiguous characters for a secret a person may type from paper (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// 16 characters from a 31-symbol alphabet: about 79 bits.
pub fn new_lookup_secret() -> String {
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// The secret for an idempotent filing: the same inputs always give the same secret, and
/// nobody without `server_key` can compute it.
pub fn derived_lookup_secret(server_key: &[u8], scope: &str, key: &str, request_hash: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(server_key) {
        Ok(m) => m,
        Err(_) => return new_lookup_secret(),
    };
    for part in [scope, key, request_hash] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    let digest = mac.finalize().into_bytes();
    // 16 symbols from 32 bytes: each symbol from two bytes keeps the modulo bias below 0.05%.
    digest
        .chunks(2)
        .map(|pair| ALPHABET[(usize::from(pair[0]) << 8 | usize::from(pair[1])) % ALPHABET.len()] as char)
        .collect()
}

pub fn random_hex(bytes: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..bytes).map(|_| format!("{:02x}", rng.gen::<u8>())).collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `given` is the secret whose hash is `stored_hash`; time does not depend on where
/// the two differ.
pub fn secret_matches(given: &str, stored_hash: &str) -> bool {
    let given = sha256_hex(given.trim().to_ascii_uppercase().as_bytes());
    motcua_domain::mac::same(given.as_bytes(), stored_hash.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_secrets_are_stable_and_keyed() {
        let a = derived_lookup_secret(b"server key one", "submit", "k-1", "hash");
        assert_eq!(a, derived_lookup_secret(b"server key one", "submit", "k-1", "hash"));
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(a, derived_lookup_secret(b"server key two", "submit", "k-1", "hash"));
        assert_ne!(a, derived_lookup_secret(b"server key one", "submit", "k-2", "hash"));
        assert_ne!(a, derived_lookup_secret(b"server key one", "submit", "k-1", "other"));
    }

    #[test]
    fn secrets_match_only_themselves() {
        let s = new_lookup_secret();
        assert_eq!(s.len(), 16);
        let h = sha256_hex(s.as_bytes());
        assert!(secret_matches(&s, &h));
        assert!(secret_matches(&s.to_lowercase(), &h), "typed in lower case from paper");
        assert!(!secret_matches("AAAAAAAAAAAAAAAA", &h));
        assert!(!secret_matches("", &h));
    }
}
