//! Standard Webhooks signatures (<https://www.standardwebhooks.com>).
//!
//! A secret is `whsec_` + base64 of 32 random bytes; the HMAC key is the
//! decoded bytes, not the text. A message is signed over
//! `"{webhook-id}.{webhook-timestamp}.{body}"` and the header carries
//! `v1,<base64 HMAC-SHA256>`; several signatures are separated by spaces,
//! which is how a receiver keeps verifying while a rotated secret is phased out.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes in a secret (the size the Standard Webhooks libraries make).
const SECRET_BYTES: usize = 32;

/// A new signing secret from the operating system's random generator.
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    OsRng.try_fill_bytes(&mut bytes).expect("the OS random generator failed");
    format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes))
}

/// The HMAC key a secret stands for, or None when it is not ours.
pub fn secret_key(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.strip_prefix(SECRET_PREFIX)?;
    STANDARD.decode(encoded).ok().filter(|bytes| !bytes.is_empty())
}

/// One `v1,<base64>` signature of a message under `secret`.
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = secret_key(secret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

/// The `webhook-signature` header: one signature per secret, space-separated.
/// Secrets that cannot sign (corrupt rows) are left out rather than failing
/// the delivery, so a bad previous secret never blocks the current one.
pub fn signature_header(secrets: &[&str], message_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().filter_map(|secret| sign(secret, message_id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_standard_webhooks_reference_vector() {
        // The test vector of the Standard Webhooks reference libraries.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(signature.as_deref(), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    #[test]
    fn new_secrets_decode_to_32_bytes_and_differ() {
        let secret = new_secret();
        assert!(secret.starts_with(SECRET_PREFIX));
        assert_eq!(secret_key(&secret).map(|key| key.len()), Some(32));
        assert_ne!(secret, new_secret());
        assert_eq!(secret_key("nope"), None);
    }

    #[test]
    fn a_header_carries_one_signature_per_secret() {
        let (first, second) = (new_secret(), new_secret());
        let header = signature_header(&[&first, &second], "msg_1", 1, b"{}");
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|part| part.starts_with("v1,")));
        assert_eq!(signature_header(&[&first, "broken"], "msg_1", 1, b"{}"), parts[0]);
    }
}
