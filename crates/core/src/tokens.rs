//! Session tokens: 32 random characters from `[A-Za-z0-9]` (about 190 bits), as better-auth
//! makes them. Only the SHA-256 digest is stored.

use beep_domain::Secret;
use rand::Rng;
use rand::distributions::Alphanumeric;
use sha2::{Digest, Sha256};

/// The secret half of a session: travels only in the cookie or the bearer header.
#[derive(Debug, Clone)]
pub struct SessionToken(Secret<String>);

impl SessionToken {
    /// Length of a token in characters.
    pub const LENGTH: usize = 32;

    /// A fresh random token from the OS's CSPRNG.
    pub fn generate() -> Self {
        Self(Secret::new(random_alphanumeric(Self::LENGTH)))
    }

    /// Wraps a token presented by a client (after its signature was checked).
    pub fn from_client(token: &str) -> Self {
        Self(Secret::new(token.to_owned()))
    }

    /// The token text, to put into a cookie or header.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The digest stored in the database.
    pub fn digest(&self) -> String {
        digest_hex(self.expose())
    }
}

/// The secret in a mailed link (verification, reset, change of email): 32 characters from
/// `[A-Za-z0-9]`, about 190 bits. Only a digest is stored, under a purpose prefix, so a
/// token made for one purpose is worthless for another.
#[derive(Debug, Clone)]
pub struct LinkToken(Secret<String>);

impl LinkToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        Self(Secret::new(random_alphanumeric(SessionToken::LENGTH)))
    }

    /// Wraps a token presented by a client. `None` when it cannot be one of ours (so junk
    /// never reaches the database).
    pub fn from_client(token: &str) -> Option<Self> {
        let plausible =
            token.len() == SessionToken::LENGTH && token.chars().all(|c| c.is_ascii_alphanumeric());
        plausible.then(|| Self(Secret::new(token.to_owned())))
    }

    /// The token text, for the link.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The verification identifier for `purpose`: `purpose:` plus the SHA-256 digest.
    pub fn identifier(&self, purpose: &str) -> String {
        format!("{purpose}:{}", digest_hex(self.expose()))
    }
}

/// `length` random characters from `[A-Za-z0-9]`, from the OS's CSPRNG.
pub fn random_alphanumeric(length: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

/// `length` random ASCII letters (`[A-Za-z]`), from the OS's CSPRNG: better-auth's API keys,
/// OAuth client ids, client secrets and opaque tokens.
pub fn random_letters(length: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(rand::distributions::Uniform::from(0..52u8))
        .take(length)
        .map(|i| char::from(if i < 26 { b'a' + i } else { b'A' + i - 26 }))
        .collect()
}

/// Hex SHA-256 of a string.
pub fn digest_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_32_alphanumerics_and_unique() {
        let tokens: HashSet<String> = (0..1000)
            .map(|_| SessionToken::generate().expose().to_owned())
            .collect();
        assert_eq!(tokens.len(), 1000);
        assert!(
            tokens
                .iter()
                .all(|t| t.len() == 32 && t.chars().all(|c| c.is_ascii_alphanumeric()))
        );
    }

    /// ASVS 7.2.3 / security bar C1: every position draws evenly from all 62 characters.
    /// A chi-square over 10,000 tokens, all positions pooled (1,952 degrees of freedom), must
    /// stay below mean + 5 standard deviations (a false alarm about once in three million runs).
    #[test]
    fn every_position_is_uniform_over_the_alphabet() {
        const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let samples = 10_000;
        let mut counts = vec![[0u32; 62]; SessionToken::LENGTH];
        for _ in 0..samples {
            let token = SessionToken::generate();
            for (position, c) in token.expose().chars().enumerate() {
                counts[position][ALPHABET.find(c).unwrap()] += 1;
            }
        }
        let expected = f64::from(samples) / 62.0;
        let chi_square: f64 = counts
            .iter()
            .flat_map(|row| row.iter())
            .map(|&observed| (f64::from(observed) - expected).powi(2) / expected)
            .sum();
        let freedom = (SessionToken::LENGTH * 61) as f64;
        assert!(
            chi_square < freedom + 5.0 * (2.0 * freedom).sqrt(),
            "chi-square {chi_square:.0}"
        );
    }

    #[test]
    fn the_digest_is_not_the_token() {
        let token = SessionToken::generate();
        assert_eq!(token.digest().len(), 64);
        assert!(!token.digest().contains(token.expose()));
        assert_eq!(format!("{token:?}"), "SessionToken([redacted])");
    }
}
