//! Backup codes: ten single-use codes of the form `xxxxx-xxxxx`, kept sealed as a JSON list.

use crate::tokens::random_alphanumeric;
use subtle::ConstantTimeEq;

/// Codes per set.
pub const COUNT: usize = 10;

/// A user's unused backup codes. `Debug` shows only how many.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCodes(Vec<String>);

impl std::fmt::Debug for BackupCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BackupCodes({} left)", self.0.len())
    }
}

impl BackupCodes {
    /// A fresh set.
    pub fn generate() -> Self {
        Self(
            (0..COUNT)
                .map(|_| {
                    let raw = random_alphanumeric(10);
                    format!("{}-{}", &raw[..5], &raw[5..])
                })
                .collect(),
        )
    }

    /// The codes, to show the user once.
    pub fn codes(&self) -> &[String] {
        &self.0
    }

    /// JSON, for sealing.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    /// From unsealed JSON; `None` if it is not a list of strings.
    pub fn from_json(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok().map(Self)
    }

    /// Removes `code` if it is one of the set; every code is compared, in constant time.
    pub fn take(&mut self, code: &str) -> bool {
        let mut found = None;
        for (index, candidate) in self.0.iter().enumerate() {
            if bool::from(candidate.as_bytes().ct_eq(code.trim().as_bytes())) {
                found = Some(index);
            }
        }
        match found {
            Some(index) => {
                self.0.remove(index);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_distinct_codes_of_the_documented_form() {
        let set = BackupCodes::generate();
        assert_eq!(set.codes().len(), COUNT);
        for code in set.codes() {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
        }
        let distinct: std::collections::BTreeSet<_> = set.codes().iter().collect();
        assert_eq!(distinct.len(), COUNT);
        assert!(!format!("{set:?}").contains(&set.codes()[0]));
    }

    #[test]
    fn a_code_is_taken_once() {
        let mut set = BackupCodes::generate();
        let code = set.codes()[3].clone();
        assert!(set.take(&code));
        assert!(!set.take(&code));
        assert_eq!(set.codes().len(), COUNT - 1);
        let again = BackupCodes::from_json(&set.to_json()).unwrap();
        assert_eq!(again, set);
    }
}
