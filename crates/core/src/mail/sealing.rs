//! Sealing data at rest: XChaCha20-Poly1305 under a key derived from the server secret and a
//! purpose, so a key for one purpose opens nothing sealed for another.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// Nonce length of XChaCha20 (random nonces are safe at this size).
const NONCE_LEN: usize = 24;

/// A key for one purpose. `Debug` shows nothing of it.
#[derive(Clone)]
pub struct SealingKey(Key);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

impl SealingKey {
    /// The key for `purpose`: HMAC-SHA-256 of the purpose under the secret.
    pub fn derive(secret: &str, purpose: &str) -> Self {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(b"beep-iam sealing key\0");
        mac.update(purpose.as_bytes());
        Self(mac.finalize().into_bytes())
    }

    /// Seals `plain`: hex of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plain: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let cipher = XChaCha20Poly1305::new(&self.0);
        // Encryption only fails for inputs beyond 256 GiB, far past any mail.
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), plain)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        hex::encode(out)
    }

    /// HMAC-SHA-256 of `data` under this key, hex: a digest only the server can compute (for
    /// short codes, whose plain digest could be reversed by trying them all).
    pub fn mac_hex(&self, data: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.0.as_slice())
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(data);
        hex::encode(mac.finalize().into_bytes())
    }

    /// Opens what [`SealingKey::seal`] made with this key; `None` if it was made with another
    /// key or altered.
    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(sealed).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        XChaCha20Poly1305::new(&self.0)
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_sealed_opens_with_the_same_key_only() {
        let key = SealingKey::derive("secret-one", "outbox");
        let sealed = key.seal(b"https://example.com/reset/abc");

        assert_eq!(key.open(&sealed).unwrap(), b"https://example.com/reset/abc");
        assert!(!sealed.contains("example"));
        assert!(
            SealingKey::derive("secret-two", "outbox")
                .open(&sealed)
                .is_none()
        );
        assert!(
            SealingKey::derive("secret-one", "other")
                .open(&sealed)
                .is_none()
        );
    }

    #[test]
    fn altered_or_truncated_text_does_not_open() {
        let key = SealingKey::derive("secret", "outbox");
        let sealed = key.seal(b"hello");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };

        assert!(key.open(std::str::from_utf8(&altered).unwrap()).is_none());
        assert!(key.open(&sealed[..20]).is_none());
        assert!(key.open("not hex").is_none());
    }

    #[test]
    fn the_same_text_seals_differently_each_time() {
        let key = SealingKey::derive("secret", "outbox");
        assert_ne!(key.seal(b"same"), key.seal(b"same"));
        assert_eq!(format!("{key:?}"), "SealingKey([redacted])");
    }
}
