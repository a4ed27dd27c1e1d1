//! Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of drift either way — what every authenticator app computes.

use ring::hmac;
use subtle::ConstantTimeEq;

/// Seconds per step.
pub const PERIOD_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Secret length in bytes (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

/// A TOTP secret. `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

impl TotpSecret {
    /// A new random secret.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Self(bytes)
    }

    /// A secret from its raw bytes (as unsealed from the database).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for sealing.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as authenticator apps take it: unpadded base32 (RFC 4648).
    pub fn base32(&self) -> String {
        base32_unpadded(&self.0)
    }

    /// The code of time step `step`.
    pub fn code_at(&self, step: i64) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &self.0);
        let tag = hmac::sign(&key, &step.to_be_bytes());
        let digest = tag.as_ref();
        // Dynamic truncation (RFC 4226 §5.3).
        let offset = usize::from(digest[digest.len() - 1] & 0x0f);
        let binary = u32::from_be_bytes([
            digest[offset] & 0x7f,
            digest[offset + 1],
            digest[offset + 2],
            digest[offset + 3],
        ]);
        format!(
            "{:0width$}",
            binary % 10u32.pow(DIGITS),
            width = DIGITS as usize
        )
    }

    /// The step, within one of `unix_secs`'s, whose code is `code`; compared in constant
    /// time, every candidate checked.
    pub fn matching_step(&self, code: &str, unix_secs: i64) -> Option<i64> {
        let current = unix_secs.div_euclid(PERIOD_SECS);
        let mut found = None;
        for step in [current - 1, current, current + 1] {
            let candidate = self.code_at(step);
            if bool::from(candidate.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
                found = Some(step);
            }
        }
        found
    }

    /// The `otpauth://` URI an authenticator app scans: `issuer:account` as the label, and
    /// the issuer again as a parameter.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{}:{}", encode(issuer), encode(account));
        format!(
            "otpauth://totp/{label}?secret={}&issuer={}&digits={DIGITS}&period={PERIOD_SECS}",
            self.base32(),
            encode(issuer)
        )
    }
}

fn encode(value: &str) -> String {
    beep_domain::uri::encode_uri_component(value)
}

/// RFC 4648 base32 without padding.
fn base32_unpadded(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 0x1f) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(
            ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and vectors (8 digits there; the last 6 here).
    #[test]
    fn codes_match_the_rfc_6238_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890".to_vec());
        let vectors = [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ];
        for (time, code) in vectors {
            assert_eq!(secret.code_at(time / PERIOD_SECS), code, "t={time}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_only() {
        let secret = TotpSecret::generate();
        let now = 1_700_000_000;
        let step = now / PERIOD_SECS;
        for drift in -1..=1 {
            let code = secret.code_at(step + drift);
            assert_eq!(secret.matching_step(&code, now), Some(step + drift));
        }
        assert_eq!(secret.matching_step(&secret.code_at(step + 2), now), None);
        assert_eq!(secret.matching_step(&secret.code_at(step - 2), now), None);
        assert_eq!(secret.matching_step("12345", now), None);
    }

    #[test]
    fn base32_follows_rfc_4648() {
        assert_eq!(base32_unpadded(b""), "");
        assert_eq!(base32_unpadded(b"f"), "MY");
        assert_eq!(base32_unpadded(b"fooba"), "MZXW6YTB");
        assert_eq!(base32_unpadded(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let secret = TotpSecret::from_bytes(b"fooba".to_vec());
        assert_eq!(
            secret.uri("Beep IAM", "ada@example.com"),
            "otpauth://totp/Beep%20IAM:ada%40example.com?secret=MZXW6YTB&issuer=Beep%20IAM&digits=6&period=30"
        );
        assert!(!format!("{secret:?}").contains("MZXW"));
    }
}
