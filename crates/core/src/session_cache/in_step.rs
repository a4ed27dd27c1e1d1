//! Keeps a leased [`LocalSessionCache`] right on one of several nodes over PostgreSQL.
//!
//! The node subscribes to the database's change notices (see `beep_store::ChangeFeed`) and
//! forgets each named user. It also sends an echo through the database every
//! [`ECHO_EVERY`]; when an echo comes back, every notice committed before it was sent has
//! arrived (one connection delivers notices in commit order), so the cache may be believed
//! until [`LEASE`] after the echo was sent. When the subscription breaks, the cache is
//! emptied and bypassed until a new one is up and its first echo is back.

use super::LocalSessionCache;
use beep_store::{ChangeFeed, Notice, Store};
use std::time::{Duration, Instant};

/// How often a node sends itself an echo through the database.
pub const ECHO_EVERY: Duration = Duration::from_millis(250);

/// How long after an echo was sent the cache is believed: the most a node's cache can lag
/// behind when its connection to the database stalls without breaking.
pub const LEASE: Duration = Duration::from_secs(1);

/// The wait between attempts to subscribe again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Keeps `cache` in step with the database for as long as the returned future runs (spawn
/// it, and abort it at shutdown). On SQLite the cache is simply trusted: there is no other
/// node whose changes it could miss.
pub async fn keep_in_step(cache: LocalSessionCache, store: Store) {
    let echo_channel = format!("beep_iam_echo_{}", hex::encode(rand::random::<[u8; 8]>()));
    let epoch = Instant::now();
    let mut lost = false;
    loop {
        cache.distrust();
        match store.subscribe_to_changes(&echo_channel).await {
            Ok(None) => {
                cache.trust_until(epoch + Duration::from_secs(100 * 365 * 24 * 3600));
                return;
            }
            Ok(Some(mut feed)) => {
                // Notices sent before the subscription are gone: start from nothing.
                cache.forget_all();
                if lost {
                    tracing::info!("session change notices flow again; the session cache is back");
                    lost = false;
                }
                tokio::select! {
                    () = follow(&mut feed, &cache, epoch) => {}
                    () = send_echoes(&store, &echo_channel, epoch) => {}
                }
            }
            Err(_) => {}
        }
        if !lost {
            tracing::warn!(
                "session change notices lost; sessions come from the database until they are back"
            );
            lost = true;
        }
        cache.distrust();
        tokio::time::sleep(RETRY_EVERY).await;
    }
}

/// Applies notices until the subscription breaks.
async fn follow(feed: &mut ChangeFeed, cache: &LocalSessionCache, epoch: Instant) {
    loop {
        match feed.next().await {
            Ok(Some(Notice::UserChanged(user_id))) => cache.forget_user_id(&user_id),
            Ok(Some(Notice::Echo(sent_ms))) => {
                if let Ok(sent_ms) = sent_ms.parse::<u64>() {
                    cache.trust_until(epoch + Duration::from_millis(sent_ms) + LEASE);
                }
            }
            Ok(None) | Err(_) => return,
        }
    }
}

/// Sends an echo carrying its own send time (ms since `epoch`) every [`ECHO_EVERY`]; never
/// returns. A failed send only means no lease renewal.
async fn send_echoes(store: &Store, channel: &str, epoch: Instant) {
    let mut ticks = tokio::time::interval(ECHO_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let sent_ms = epoch.elapsed().as_millis();
        let _ = store.send_echo(channel, &sent_ms.to_string()).await;
    }
}
