//! Per-account throttling of password guesses (NIST 800-63B §3.2.2, ASVS 6.3.1): after
//! [`FREE_ATTEMPTS`] consecutive failures for one email, each further attempt must wait an
//! exponentially growing delay, whatever the client address. Every path that checks a
//! password counts. A success resets the count.
//!
//! Attempts are counted when they start, under one lock, so concurrent guesses cannot slip
//! past the limit while their hashes run. Unknown emails are throttled exactly like known
//! ones, so throttling reveals nothing. The map is per node and bounded.

use std::collections::HashMap;
use std::sync::Mutex;

/// Consecutive failures allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 10;
/// The longest delay between attempts once throttled (15 minutes).
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Copy)]
struct Attempts {
    failures: u32,
    last_ms: i64,
}

/// The throttle shared by every password check of a node.
#[derive(Debug)]
pub struct LoginThrottle {
    accounts: Mutex<HashMap<String, Attempts>>,
    max_entries: usize,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl LoginThrottle {
    /// A throttle tracking at most `max_entries` accounts.
    pub fn new(max_entries: usize) -> Self {
        Self {
            accounts: Mutex::new(HashMap::new()),
            max_entries,
        }
    }

    /// Starts an attempt for `account` (a lower-cased email or a user id) at `now_ms`:
    /// `Err(seconds)` when the account must wait that long first. An allowed attempt counts
    /// as a failure until [`LoginThrottle::succeeded`] is called.
    pub fn begin(&self, account: &str, now_ms: i64) -> Result<(), u64> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if accounts.len() >= self.max_entries && !accounts.contains_key(account) {
            // Forget the accounts that are not throttled; a throttled one is kept until its
            // delay has passed, so a flood of other names cannot reset a victim's count.
            accounts
                .retain(|_, a| a.failures >= FREE_ATTEMPTS && now_ms - a.last_ms < MAX_DELAY_MS);
            if accounts.len() >= self.max_entries {
                // Full of throttled accounts: let this one through untracked (the per-address
                // limiter still applies) rather than refuse every other user.
                tracing::warn!("login throttle table full");
                return Ok(());
            }
        }
        let entry = accounts.entry(account.to_owned()).or_insert(Attempts {
            failures: 0,
            last_ms: now_ms,
        });
        if entry.failures >= FREE_ATTEMPTS {
            let wait = delay_ms(entry.failures);
            let ready_at = entry.last_ms + wait;
            if now_ms < ready_at {
                let seconds = (ready_at - now_ms + 999) / 1000;
                return Err(u64::try_from(seconds).unwrap_or(1).max(1));
            }
        }
        entry.failures += 1;
        entry.last_ms = now_ms;
        Ok(())
    }

    /// The attempt succeeded: the account's count starts over.
    pub fn succeeded(&self, account: &str) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        accounts.remove(account);
    }
}

/// 1 s after the tenth failure, doubling with each further one, at most 15 minutes.
fn delay_ms(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(FREE_ATTEMPTS).min(20);
    (1000_i64 << doublings).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_are_free_then_delays_grow() {
        let throttle = LoginThrottle::default();
        for i in 0..10 {
            assert_eq!(throttle.begin("a@example.com", i), Ok(()));
        }
        assert_eq!(throttle.begin("a@example.com", 10), Err(1));
        assert_eq!(throttle.begin("a@example.com", 1010), Ok(()));
        assert_eq!(throttle.begin("a@example.com", 1011), Err(2));
        assert_eq!(
            throttle.begin("b@example.com", 1011),
            Ok(()),
            "other accounts are unaffected"
        );
    }

    #[test]
    fn a_success_starts_the_count_over() {
        let throttle = LoginThrottle::default();
        for i in 0..10 {
            throttle.begin("a@example.com", i).unwrap();
        }
        throttle.succeeded("a@example.com");
        assert_eq!(throttle.begin("a@example.com", 11), Ok(()));
    }

    #[test]
    fn a_flood_of_accounts_does_not_reset_a_throttled_one() {
        let throttle = LoginThrottle::new(100);
        for i in 0..11 {
            let _ = throttle.begin("victim@example.com", i);
        }
        for i in 0..1000 {
            let _ = throttle.begin(&format!("noise{i}@example.com"), 20);
        }
        assert!(throttle.begin("victim@example.com", 30).is_err());
    }

    #[test]
    fn the_delay_is_capped() {
        assert_eq!(delay_ms(1000), MAX_DELAY_MS);
    }
}
