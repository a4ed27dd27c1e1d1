//! Password rules (NIST 800-63B): 8–128 characters after NFKC, no composition rules, and no
//! common or guessable passwords. Length is checked before anything costly.

use crate::secret::Secret;
use unicode_normalization::UnicodeNormalization;
use zxcvbn::Score;

/// A password as the user typed it, NFKC-normalised. `Debug` prints `[redacted]`.
#[derive(Debug, Clone)]
pub struct PlainPassword(Secret<String>);

impl PlainPassword {
    /// Normalises a password without judging it (for sign-in, where the stored hash decides).
    pub fn normalized(raw: &str) -> Self {
        Self(Secret::new(raw.nfkc().collect()))
    }

    /// The normalised text, for hashing.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// Length in Unicode code points.
    pub fn char_count(&self) -> usize {
        self.expose().chars().count()
    }
}

/// Why a password was refused. Each has a stable code for the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejection {
    /// Fewer than the minimum number of characters.
    #[error("Password too short")]
    TooShort,
    /// More than the maximum number of characters.
    #[error("Password too long")]
    TooLong,
    /// On a list of common passwords, or easy to guess.
    #[error("Password is too common or easy to guess")]
    TooCommon,
    /// Built from the account's own email or name.
    #[error("Password must not contain your email or name")]
    ContainsPersonalInfo,
}

impl PasswordRejection {
    /// The error code sent to clients.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooShort => "PASSWORD_TOO_SHORT",
            Self::TooLong => "PASSWORD_TOO_LONG",
            Self::TooCommon => "PASSWORD_TOO_COMMON",
            Self::ContainsPersonalInfo => "PASSWORD_CONTAINS_PERSONAL_INFO",
        }
    }
}

/// Length limits and the strength rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Minimum length in code points.
    pub min_length: usize,
    /// Maximum length in code points.
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: 128,
        }
    }
}

impl PasswordPolicy {
    /// Checks only the length, cheaply, before any normalisation of a huge input.
    pub fn check_length(&self, raw: &str) -> Result<(), PasswordRejection> {
        // A code point is at most 4 bytes, and NFKC expands by a bounded factor; reject
        // absurd inputs by byte length first so a 1 MiB body costs nothing.
        if raw.len() > self.max_length * 4 * 18 {
            return Err(PasswordRejection::TooLong);
        }
        let count = raw.nfkc().count();
        if count < self.min_length {
            Err(PasswordRejection::TooShort)
        } else if count > self.max_length {
            Err(PasswordRejection::TooLong)
        } else {
            Ok(())
        }
    }

    /// Checks a password being set: length, then strength against common lists, the
    /// account's own details (`personal`: email local part, name) and words of the product
    /// (`product`: its name, spelled a few ways).
    pub fn check_new(
        &self,
        raw: &str,
        personal: &[impl AsRef<str>],
        product: &[impl AsRef<str>],
    ) -> Result<PlainPassword, PasswordRejection> {
        self.check_length(raw)?;
        let password = PlainPassword::normalized(raw);
        let lower = password.expose().to_lowercase();
        let personal = lowercase_words(personal);
        let product = lowercase_words(product);
        let inputs: Vec<&str> = personal
            .iter()
            .chain(product.iter())
            .map(String::as_str)
            .collect();
        let entropy = zxcvbn::zxcvbn(password.expose(), &inputs);
        if entropy.score() >= Score::Two {
            return Ok(password);
        }
        if personal.iter().any(|p| lower.contains(p.as_str())) {
            Err(PasswordRejection::ContainsPersonalInfo)
        } else {
            Err(PasswordRejection::TooCommon)
        }
    }
}

/// Lower-cased words of three or more characters, for matching inside passwords.
fn lowercase_words<S: AsRef<str>>(list: &[S]) -> Vec<String> {
    list.iter()
        .map(|p| p.as_ref().trim().to_lowercase())
        .filter(|p| p.chars().count() >= 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> PasswordPolicy {
        PasswordPolicy::default()
    }

    #[test]
    fn length_counts_code_points_after_nfkc() {
        assert_eq!(
            policy().check_length("short7!"),
            Err(PasswordRejection::TooShort)
        );
        assert_eq!(policy().check_length("😀😀😀😀😀😀😀😀"), Ok(()));
        assert_eq!(policy().check_length(&"a".repeat(128)), Ok(()));
        assert_eq!(
            policy().check_length(&"a".repeat(129)),
            Err(PasswordRejection::TooLong)
        );
        assert_eq!(
            policy().check_length(&"a".repeat(1 << 20)),
            Err(PasswordRejection::TooLong)
        );
    }

    #[test]
    fn common_passwords_are_refused() {
        for weak in [
            "password",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
            "beepiam2026",
        ] {
            assert_eq!(
                policy()
                    .check_new(weak, &[] as &[&str], &["beepiam", "beep-iam"])
                    .map(|_| ()),
                Err(PasswordRejection::TooCommon),
                "{weak}"
            );
        }
    }

    #[test]
    fn the_email_local_part_is_refused() {
        assert_eq!(
            policy()
                .check_new(
                    "rosalind.franklin",
                    &["rosalind.franklin", "Rosalind"],
                    &["beep-iam"]
                )
                .map(|_| ()),
            Err(PasswordRejection::ContainsPersonalInfo)
        );
    }

    #[test]
    fn long_random_passwords_need_no_digits_or_symbols() {
        assert!(
            policy()
                .check_new("qzmvtrwkpxhdjfla", &[] as &[&str], &[] as &[&str])
                .is_ok()
        );
        assert!(
            policy()
                .check_new(
                    "correct horse battery staple",
                    &[] as &[&str],
                    &[] as &[&str]
                )
                .is_ok()
        );
    }

    #[test]
    fn compatibility_characters_normalise_to_the_same_password() {
        let angstrom_sign = PlainPassword::normalized("\u{212B}ngstrom-unit-42");
        let a_ring = PlainPassword::normalized("\u{00C5}ngstrom-unit-42");
        assert_eq!(angstrom_sign.expose(), a_ring.expose());
    }
}
