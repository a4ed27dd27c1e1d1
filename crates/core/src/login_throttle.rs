//! Per-account throttling of password guesses (NIST 800-63B §3.2.2, ASVS 6.3.1): after
//! [`FREE_ATTEMPTS`] consecutive failures for one email, each further attempt must wait an
//! exponentially growing delay, whatever the client address. Every path that checks a
//! password counts. A success resets the count.
//!
//! Once an account has a failure, attempts still hashing count against it too, so a burst of
//! concurrent guesses cannot slip past the limit while their hashes run; a burst of correct
//! sign-ins (many devices at once) is never throttled. Unknown emails are throttled exactly
//! like known ones, so throttling reveals nothing. The map is per node and bounded.

use std::collections::HashMap;
use std::sync::Mutex;

/// Consecutive failures allowed before delays start.
pub const FREE_ATTEMPTS: u32 = 10;
/// The longest delay between attempts once throttled (15 minutes).
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Clone, Copy, Default)]
struct Attempts {
    failures: u32,
    in_flight: u32,
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

/// A password check in progress; say how it ended, or drop it when it could not be decided
/// (a database error): then it counts neither way.
#[must_use]
#[derive(Debug)]
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    account: Option<String>,
}

impl Attempt<'_> {
    /// The password was right: the account's count starts over.
    pub fn succeeded(mut self) {
        if let Some(account) = self.account.take() {
            self.throttle.finish(&account, Some(true), 0);
        }
    }

    /// The password was wrong.
    pub fn failed(mut self, now_ms: i64) {
        if let Some(account) = self.account.take() {
            self.throttle.finish(&account, Some(false), now_ms);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(account) = self.account.take() {
            self.throttle.finish(&account, None, 0);
        }
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

    /// Starts an attempt for `account` (a lower-cased email) at `now_ms`, or `Err(seconds)`
    /// when the account must wait that long first.
    pub fn begin(&self, account: &str, now_ms: i64) -> Result<Attempt<'_>, u64> {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        if accounts.len() >= self.max_entries && !accounts.contains_key(account) {
            // Forget the accounts that are not throttled; a throttled one is kept until its
            // delay has passed, so a flood of other names cannot reset a victim's count.
            accounts.retain(|_, a| {
                a.in_flight > 0
                    || (a.failures >= FREE_ATTEMPTS && now_ms - a.last_ms < MAX_DELAY_MS)
            });
            if accounts.len() >= self.max_entries {
                // Full of throttled accounts: let this one through untracked (the per-address
                // limiter still applies) rather than refuse every other user.
                tracing::warn!("login throttle table full");
                return Ok(Attempt {
                    throttle: self,
                    account: None,
                });
            }
        }
        let entry = accounts.entry(account.to_owned()).or_default();
        let pending = if entry.failures > 0 {
            entry.in_flight
        } else {
            0
        };
        let effective = entry.failures + pending;
        if effective >= FREE_ATTEMPTS {
            let ready_at = entry.last_ms + delay_ms(effective);
            if now_ms < ready_at {
                let seconds = (ready_at - now_ms + 999) / 1000;
                return Err(u64::try_from(seconds).unwrap_or(1).max(1));
            }
        }
        entry.in_flight += 1;
        Ok(Attempt {
            throttle: self,
            account: Some(account.to_owned()),
        })
    }

    fn finish(&self, account: &str, outcome: Option<bool>, now_ms: i64) {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let Some(entry) = accounts.get_mut(account) else {
            return;
        };
        entry.in_flight = entry.in_flight.saturating_sub(1);
        match outcome {
            Some(true) => entry.failures = 0,
            Some(false) => {
                entry.failures = entry.failures.saturating_add(1);
                entry.last_ms = now_ms;
            }
            None => {}
        }
        if entry.failures == 0 && entry.in_flight == 0 {
            accounts.remove(account);
        }
    }
}

/// 1 s at the tenth failure, doubling with each further one, at most 15 minutes.
fn delay_ms(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(FREE_ATTEMPTS).min(20);
    (1000_i64 << doublings).min(MAX_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(throttle: &LoginThrottle, account: &str, now_ms: i64) -> Result<(), u64> {
        throttle
            .begin(account, now_ms)
            .map(|attempt| attempt.failed(now_ms))
    }

    #[test]
    fn ten_failures_are_free_then_delays_grow() {
        let throttle = LoginThrottle::default();
        for i in 0..10 {
            assert_eq!(fail(&throttle, "a@example.com", i), Ok(()));
        }
        assert_eq!(fail(&throttle, "a@example.com", 10), Err(1));
        assert_eq!(fail(&throttle, "a@example.com", 1010), Ok(()));
        assert_eq!(fail(&throttle, "a@example.com", 1011), Err(2));
        assert_eq!(
            fail(&throttle, "b@example.com", 1011),
            Ok(()),
            "other accounts are unaffected"
        );
    }

    #[test]
    fn a_success_starts_the_count_over() {
        let throttle = LoginThrottle::default();
        for i in 0..9 {
            fail(&throttle, "a@example.com", i).unwrap();
        }
        throttle.begin("a@example.com", 10).unwrap().succeeded();
        for i in 0..10 {
            assert_eq!(fail(&throttle, "a@example.com", 11 + i), Ok(()));
        }
    }

    #[test]
    fn many_concurrent_correct_sign_ins_are_never_throttled() {
        let throttle = LoginThrottle::default();
        let attempts: Vec<_> = (0..64)
            .map(|_| throttle.begin("busy@example.com", 0).unwrap())
            .collect();
        attempts.into_iter().for_each(Attempt::succeeded);
        assert!(throttle.begin("busy@example.com", 0).is_ok());
    }

    #[test]
    fn concurrent_guesses_after_a_failure_count_while_they_hash() {
        let throttle = LoginThrottle::default();
        fail(&throttle, "t@example.com", 0).unwrap();
        let pending: Vec<_> = (0..9)
            .map(|_| throttle.begin("t@example.com", 1).unwrap())
            .collect();
        assert!(
            throttle.begin("t@example.com", 1).is_err(),
            "the tenth concurrent guess must wait"
        );
        drop(pending);
    }

    #[test]
    fn an_undecided_attempt_counts_neither_way() {
        let throttle = LoginThrottle::default();
        for i in 0..10 {
            drop(throttle.begin("a@example.com", i).unwrap());
        }
        assert!(throttle.begin("a@example.com", 10).is_ok());
    }

    #[test]
    fn a_flood_of_accounts_does_not_reset_a_throttled_one() {
        let throttle = LoginThrottle::new(100);
        for i in 0..11 {
            let _ = fail(&throttle, "victim@example.com", i);
        }
        for i in 0..1000 {
            let _ = fail(&throttle, &format!("noise{i}@example.com"), 20);
        }
        assert!(throttle.begin("victim@example.com", 30).is_err());
    }

    #[test]
    fn the_delay_is_capped() {
        assert_eq!(delay_ms(1000), MAX_DELAY_MS);
    }
}
