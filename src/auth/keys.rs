//! API key material: generation, hashing, and the admin token.
//!
//! A key is `upj_` followed by 40 base62 characters from the OS random
//! generator (about 238 bits). Only its SHA-256 is stored; listings show
//! `upj_` + its first 4 random characters and its last 4.

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const KEY_PREFIX: &str = "upj_";
const KEY_RANDOM_CHARS: usize = 40;
pub const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub type KeyHash = [u8; 32];

/// A freshly generated key and what the database stores of it.
pub struct NewKey {
    pub key: String,
    pub hash: KeyHash,
    pub prefix: String,
    pub last4: String,
}

/// `length` base62 characters, uniformly distributed (rejection sampling
/// keeps the modulo from favouring the first characters).
pub fn random_base62(length: usize) -> String {
    let mut text = String::with_capacity(length);
    let mut buffer = [0u8; 64];
    while text.len() < length {
        OsRng.try_fill_bytes(&mut buffer).expect("the OS random generator failed");
        for byte in buffer {
            if byte < 248 && text.len() < length {
                text.push(BASE62[(byte % 62) as usize] as char);
            }
        }
    }
    text
}

pub fn generate_key() -> NewKey {
    let random = random_base62(KEY_RANDOM_CHARS);
    let key = format!("{KEY_PREFIX}{random}");
    NewKey {
        hash: hash_secret(&key),
        prefix: format!("{KEY_PREFIX}{}", &random[..4]),
        last4: random[random.len() - 4..].to_string(),
        key,
    }
}

/// A new id for a key, webhook or message: `prefix` + 16 base62 characters.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", random_base62(16))
}

pub fn hash_secret(secret: &str) -> KeyHash {
    Sha256::digest(secret.as_bytes()).into()
}

/// Compares a presented secret with a stored hash in constant time.
pub fn secret_matches(presented: &str, stored: &KeyHash) -> bool {
    hash_secret(presented).ct_eq(stored).into()
}

/// Whether text has the shape of a key (cheap pre-check before hashing).
pub fn looks_like_key(text: &str) -> bool {
    text.len() >= KEY_PREFIX.len() + 32
        && text.len() <= 128
        && text.starts_with(KEY_PREFIX)
        && text[KEY_PREFIX.len()..].bytes().all(|byte| byte.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_documented_shape() {
        let new = generate_key();
        assert!(looks_like_key(&new.key));
        assert_eq!(new.key.len(), 4 + 40);
        assert!(new.key.starts_with(&new.prefix));
        assert!(new.key.ends_with(&new.last4));
        assert!(secret_matches(&new.key, &new.hash));
        assert!(!secret_matches("upj_other", &new.hash));
        assert_ne!(generate_key().key, new.key);
    }
}
