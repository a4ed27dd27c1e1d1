//! Password hashing on a fixed pool of dedicated worker threads, so peak memory is
//! `workers × m_cost` however many sign-ins arrive, and cheap requests never starve. (Tokio's
//! blocking pool would spread hashes over hundreds of threads, each keeping its own freed
//! 19 MiB in its malloc arena.)
//!
//! New hashes are argon2id (PHC strings). better-auth's scrypt hashes (`saltHex:keyHex`,
//! N=16384, r=16, p=1, 64 bytes) verify too and are reported as needing a re-hash.

use crate::config::HashingConfig;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use beep_domain::PlainPassword;
use std::cell::RefCell;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// Hashing failed for a reason other than a wrong password.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The configured argon2 parameters are invalid.
    #[error("invalid argon2 parameters")]
    Params,
    /// The hashing worker stopped unexpectedly.
    #[error("hashing worker failed")]
    Worker,
}

/// The outcome of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOutcome {
    /// Whether the password matched.
    pub matches: bool,
    /// Whether the stored hash should be replaced by one with the current parameters.
    pub needs_rehash: bool,
}

/// The shared hasher. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: Sender<Job>,
    workers: usize,
    params: Params,
    /// A hash of a random password, checked when the account does not exist so that an
    /// unknown email costs the same time as a wrong password.
    dummy_hash: Arc<String>,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher")
            .field("m_cost", &self.params.m_cost())
            .field("t_cost", &self.params.t_cost())
            .field("workers", &self.workers)
            .finish()
    }
}

impl PasswordHasher {
    /// A hasher with these parameters; computes its dummy hash once.
    pub fn new(config: HashingConfig) -> Result<Self, HashError> {
        let params = Params::new(
            config.memory_kib,
            config.iterations,
            config.parallelism,
            None,
        )
        .map_err(|_| HashError::Params)?;
        // Hashed here with memory that is freed at once; the workers' memory is allocated on
        // first use, so an idle server stays small.
        let dummy = {
            use argon2::password_hash::PasswordHasher as _;
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                .hash_password(random_password().as_bytes(), &salt)
                .map_err(|_| HashError::Params)?
                .to_string()
        };
        let workers = config.workers.max(1);
        let jobs = start_workers(workers)?;
        Ok(Self {
            jobs,
            workers,
            params,
            dummy_hash: Arc::new(dummy),
        })
    }

    /// Hashes a new password as argon2id.
    pub async fn hash(&self, password: PlainPassword) -> Result<String, HashError> {
        let params = self.params.clone();
        self.run(move || hash_blocking(&params, &password)).await?
    }

    /// Checks a password against a stored hash; with `None` (no such account) it checks
    /// against the dummy hash and reports no match, taking the same time.
    pub async fn verify(
        &self,
        password: PlainPassword,
        stored: Option<String>,
    ) -> Result<VerifyOutcome, HashError> {
        let params = self.params.clone();
        let dummy = Arc::clone(&self.dummy_hash);
        self.run(move || match stored {
            Some(stored) => verify_blocking(&params, &password, &stored),
            None => {
                let _ = verify_blocking(&params, &password, &dummy);
                VerifyOutcome {
                    matches: false,
                    needs_rehash: false,
                }
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(work());
        });
        self.jobs.send(job).map_err(|_| HashError::Worker)?;
        answer.await.map_err(|_| HashError::Worker)
    }
}

/// Starts `count` hashing threads fed from one queue; they stop when every sender is gone.
fn start_workers(count: usize) -> Result<Sender<Job>, HashError> {
    let (jobs, queue) = channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for index in 0..count {
        let queue = Arc::clone(&queue);
        std::thread::Builder::new()
            .name(format!("argon2-{index}"))
            .spawn(move || {
                yield_to_cheap_requests();
                work_off(&queue)
            })
            .map_err(|_| HashError::Worker)?;
    }
    Ok(jobs)
}

/// The nice level of hashing threads: the lowest, so a thread serving requests preempts a hash
/// at once. On two cores this halved get-session's p99 during a sign-in storm (7.7 → 4.3 ms)
/// and left sign-in's own rate unchanged, since an idle core still goes to hashing.
pub const HASHING_NICENESS: i32 = 19;

/// Lowers this thread's scheduling priority, so a storm of sign-ins takes only the CPU the
/// cheap requests leave: hashing queues behind them instead of delaying them. Best effort:
/// where the call is refused, hashing runs at normal priority.
fn yield_to_cheap_requests() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: both calls only read their integer arguments; `gettid` cannot fail, and on
        // Linux `setpriority(PRIO_PROCESS, tid, …)` changes that one thread's nice value.
        let outcome = unsafe {
            let thread = libc::gettid();
            libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, HASHING_NICENESS)
        };
        if outcome != 0 {
            tracing::debug!("hashing thread keeps normal priority");
        }
    }
}

fn work_off(queue: &Mutex<Receiver<Job>>) {
    loop {
        let next = match queue.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = next else { return };
        // A panicking job drops its reply (the caller sees HashError::Worker); the worker lives on.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

thread_local! {
    /// The argon2 working memory of this hashing thread, allocated once and reused, so memory
    /// stays at `workers × m_cost` instead of fragmenting the allocator with 19 MiB blocks.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Runs argon2 into `out` with this thread's reusable memory.
fn argon2_into(
    argon: &Argon2<'_>,
    params: &Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> argon2::Result<()> {
    BLOCKS.with(|cell| {
        let mut blocks = cell.borrow_mut();
        let needed = params.block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..needed])
    })
}

fn hash_blocking(params: &Params, password: &PlainPassword) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_buf)
        .map_err(|_| HashError::Params)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2_into(
            &argon,
            params,
            password.expose().as_bytes(),
            salt_bytes,
            out,
        )
        .map_err(|_| password_hash::Error::Password)
    })
    .map_err(|_| HashError::Params)?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|_| HashError::Params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Recomputes a PHC argon2 hash with its own parameters and compares in constant time.
fn argon2_matches(parsed: &PasswordHash<'_>, password: &PlainPassword) -> bool {
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(parsed),
    ) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    if argon2_into(
        &argon,
        &params,
        password.expose().as_bytes(),
        salt_bytes,
        &mut out,
    )
    .is_err()
    {
        return false;
    }
    out.ct_eq(expected.as_bytes()).into()
}

fn verify_blocking(params: &Params, password: &PlainPassword, stored: &str) -> VerifyOutcome {
    if stored.starts_with('$') {
        verify_argon2(params, password, stored)
    } else {
        VerifyOutcome {
            matches: verify_better_auth_scrypt(password, stored),
            needs_rehash: true,
        }
    }
}

fn verify_argon2(params: &Params, password: &PlainPassword, stored: &str) -> VerifyOutcome {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return VerifyOutcome {
            matches: false,
            needs_rehash: false,
        };
    };
    let matches = argon2_matches(&parsed, password);
    let current = parsed.algorithm.as_str() == "argon2id"
        && Params::try_from(&parsed).is_ok_and(|p| {
            p.m_cost() == params.m_cost()
                && p.t_cost() == params.t_cost()
                && p.p_cost() == params.p_cost()
        });
    VerifyOutcome {
        matches,
        needs_rehash: matches && !current,
    }
}

/// better-auth's format: 16 random bytes as 32 hex characters (whose ASCII bytes are the
/// salt), a colon, and the 64-byte scrypt key as 128 hex characters.
fn verify_better_auth_scrypt(password: &PlainPassword, stored: &str) -> bool {
    let Some((salt_hex, key_hex)) = stored.split_once(':') else {
        return false;
    };
    let Ok(expected) = hex::decode(key_hex) else {
        return false;
    };
    if expected.len() != 64 || salt_hex.is_empty() {
        return false;
    }
    let Ok(params) = scrypt::Params::new(14, 16, 1, 64) else {
        return false;
    };
    let mut derived = [0u8; 64];
    if scrypt::scrypt(
        password.expose().as_bytes(),
        salt_hex.as_bytes(),
        &params,
        &mut derived,
    )
    .is_err()
    {
        return false;
    }
    derived.ct_eq(expected.as_slice()).into()
}

fn random_password() -> String {
    crate::tokens::SessionToken::generate().expose().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap() -> HashingConfig {
        HashingConfig::minimal()
    }

    fn pw(text: &str) -> PlainPassword {
        PlainPassword::normalized(text)
    }

    /// The nice value of the calling thread, from `/proc/thread-self/stat` (field 19).
    fn own_niceness() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 1..];
        after_name
            .split_whitespace()
            .nth(16)
            .unwrap()
            .parse()
            .unwrap()
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_below_the_threads_that_serve_requests() {
        let caller_before = own_niceness();
        let hasher = PasswordHasher::new(cheap()).unwrap();
        let on_worker = hasher.run(own_niceness).await.unwrap();
        assert_eq!(on_worker, HASHING_NICENESS);
        assert_eq!(
            own_niceness(),
            caller_before,
            "the caller's priority is untouched"
        );
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hasher = PasswordHasher::new(cheap()).unwrap();
        let hash = hasher.hash(pw("orbit-lantern-meadow")).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        let right = hasher
            .verify(pw("orbit-lantern-meadow"), Some(hash.clone()))
            .await
            .unwrap();
        assert_eq!(
            right,
            VerifyOutcome {
                matches: true,
                needs_rehash: false
            }
        );
        let wrong = hasher
            .verify(pw("orbit-lantern-meadoW"), Some(hash))
            .await
            .unwrap();
        assert!(!wrong.matches);
    }

    #[test]
    fn our_hashes_are_standard_phc_and_standard_hashes_verify() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let params = Params::new(1024, 1, 1, None).unwrap();
        let ours = hash_blocking(&params, &pw("interop-check-pw")).unwrap();
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        assert!(
            standard
                .verify_password(b"interop-check-pw", &PasswordHash::new(&ours).unwrap())
                .is_ok()
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let theirs = standard
            .hash_password(b"interop-check-pw", &salt)
            .unwrap()
            .to_string();
        assert!(argon2_matches(
            &PasswordHash::new(&theirs).unwrap(),
            &pw("interop-check-pw")
        ));
        assert!(!argon2_matches(
            &PasswordHash::new(&theirs).unwrap(),
            &pw("interop-check-px")
        ));
    }

    #[tokio::test]
    async fn two_hashes_of_one_password_differ() {
        let hasher = PasswordHasher::new(cheap()).unwrap();
        let a = hasher.hash(pw("same-password-twice")).await.unwrap();
        let b = hasher.hash(pw("same-password-twice")).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn hashes_with_old_parameters_ask_for_a_rehash() {
        let old = PasswordHasher::new(cheap()).unwrap();
        let hash = old.hash(pw("upgrade-me-please")).await.unwrap();
        let current = PasswordHasher::new(HashingConfig {
            memory_kib: 2048,
            ..cheap()
        })
        .unwrap();
        let outcome = current
            .verify(pw("upgrade-me-please"), Some(hash))
            .await
            .unwrap();
        assert_eq!(
            outcome,
            VerifyOutcome {
                matches: true,
                needs_rehash: true
            }
        );
    }

    #[tokio::test]
    async fn better_auth_scrypt_hashes_verify_and_ask_for_a_rehash() {
        // Made by better-auth 1.7.25's own `hashPassword("better-auth-legacy-pw")`.
        let stored = include_str!("../tests/fixtures/better-auth-scrypt-hash.txt")
            .trim()
            .to_owned();
        let hasher = PasswordHasher::new(cheap()).unwrap();
        let right = hasher
            .verify(pw("better-auth-legacy-pw"), Some(stored.clone()))
            .await
            .unwrap();
        assert_eq!(
            right,
            VerifyOutcome {
                matches: true,
                needs_rehash: true
            }
        );
        let wrong = hasher
            .verify(pw("better-auth-legacy-px"), Some(stored))
            .await
            .unwrap();
        assert!(!wrong.matches);
    }

    #[tokio::test]
    async fn an_unknown_account_never_matches() {
        let hasher = PasswordHasher::new(cheap()).unwrap();
        let outcome = hasher.verify(pw("anything-at-all"), None).await.unwrap();
        assert!(!outcome.matches);
    }
}
