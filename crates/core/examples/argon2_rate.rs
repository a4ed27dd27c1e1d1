//! The raw argon2id hash rate on this machine, with the server's parameters and one thread
//! per core: the ceiling that sign-in throughput is measured against (`bench/run.sh`).
//!
//! Usage: `argon2_rate [seconds] [memory_kib] [iterations]` (defaults: 5, 19456, 2).
//! Prints one line of JSON.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let seconds = arg(0, 5);
    let memory_kib = u32::try_from(arg(1, 19_456)).unwrap_or(19_456);
    let iterations = u32::try_from(arg(2, 2)).unwrap_or(2);
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let params = Params::new(memory_kib, iterations, 1, None).expect("valid argon2 parameters");
    let done = AtomicU64::new(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
                while Instant::now() < deadline {
                    let salt = SaltString::generate(&mut rand::rngs::OsRng);
                    let _ = argon.hash_password(b"bench-Pa55word-signin", &salt);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let hashes = done.load(Ordering::Relaxed);
    println!(
        "{{\"threads\":{threads},\"memory_kib\":{memory_kib},\"iterations\":{iterations},\"hashes\":{hashes},\"seconds\":{elapsed:.3},\"rate\":{:.2}}}",
        hashes as f64 / elapsed
    );
}
