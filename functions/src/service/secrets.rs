//! Lookup secrets: random, printed once on the receipt, stored only as a SHA-256 hash and
//! compared in constant time.

use rand::Rng;
use sha2::{Digest, Sha256};

/// Unambiguous characters for a secret a person may type from paper (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// 16 characters from a 31-symbol alphabet: about 79 bits.
pub fn new_lookup_secret() -> String {
    let mut rng = rand::thread_rng();
    (0..16).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
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
    given.len() == stored_hash.len()
        && given.bytes().zip(stored_hash.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

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
