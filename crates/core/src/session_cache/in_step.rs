//! Keeps a node in step with the others over PostgreSQL: its leased [`LocalSessionCache`],
//! and whatever else holds per-user state (the HTTP edge's cookie-cache revocations).
//!
//! The node subscribes to the database's change notices (see `beep_store::ChangeFeed`) and
//! forgets each named user. It also sends an echo through the database every
//! [`ECHO_EVERY`]; when an echo comes back, every notice committed before it was sent has
//! arrived (one connection delivers notices in commit order), so the cache may be believed
//! until [`LEASE`] after the echo was sent. When the subscription breaks, the cache is
//! emptied and bypassed until a new one is up and its first echo is back.

use super::LocalSessionCache;
use crate::tokens::random_alphanumeric;
use beep_store::{ChangeFeed, EchoLine, Notice, Store};
use std::time::{Duration, Instant};

/// How often a node sends itself an echo through the database.
pub const ECHO_EVERY: Duration = Duration::from_millis(250);

/// How long after an echo was sent the cache is believed: the most a node's cache can lag
/// behind when its connection to the database stalls without breaking.
pub const LEASE: Duration = Duration::from_secs(1);

/// The wait between attempts to subscribe again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// What the feed tells the rest of the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedEvent<'a> {
    /// This user's sessions or profile changed, on some node or straight in the database.
    UserChanged(&'a str),
    /// The subscription broke: changes from now on may go unheard.
    Lost,
    /// A subscription is up again (or for the first time): changes are heard from now on,
    /// but those made while it was down were not.
    Resumed,
}

/// Keeps `cache` (if any) in step with the database, and tells `observer` what it hears,
/// for as long as the returned future runs (spawn it, and abort it at shutdown). On SQLite
/// it returns at once, trusting the cache: there is no other node whose changes it could
/// miss.
pub async fn keep_in_step(
    cache: Option<LocalSessionCache>,
    store: Store,
    observer: impl Fn(FeedEvent<'_>) + Send + Sync,
) {
    let echo_channel = format!("beep_iam_echo_{}", random_alphanumeric(16));
    let epoch = Instant::now();
    let mut lost = false;
    // A leased cache starts untrusted and empty; after a loss, the end of the loop empties it.
    loop {
        match store.subscribe_to_changes(&echo_channel).await {
            Ok(None) => {
                if let Some(cache) = &cache {
                    cache.trust_until(epoch + Duration::from_secs(100 * 365 * 24 * 3600));
                }
                observer(FeedEvent::Resumed);
                return;
            }
            Ok(Some(mut feed)) => {
                let Some(mut echoes) = store.echo_line() else {
                    return;
                };
                // Notices sent before the subscription are gone: start from nothing.
                if let Some(cache) = &cache {
                    cache.forget_all();
                }
                observer(FeedEvent::Resumed);
                if lost {
                    tracing::info!("session change notices flow again");
                    lost = false;
                }
                tokio::select! {
                    () = follow(&mut feed, cache.as_ref(), &observer, epoch) => {}
                    () = send_echoes(&mut echoes, &echo_channel, epoch) => {}
                }
            }
            Err(_) => {}
        }
        if !lost {
            tracing::warn!(
                "session change notices lost; sessions and cookie caches are checked against \
                 the database until they are back"
            );
            lost = true;
        }
        if let Some(cache) = &cache {
            cache.distrust();
        }
        observer(FeedEvent::Lost);
        tokio::time::sleep(RETRY_EVERY).await;
    }
}

/// Applies notices until the subscription breaks.
async fn follow(
    feed: &mut ChangeFeed,
    cache: Option<&LocalSessionCache>,
    observer: &impl Fn(FeedEvent<'_>),
    epoch: Instant,
) {
    loop {
        match feed.next().await {
            Ok(Some(Notice::UserChanged(user_id))) => {
                if let Some(cache) = cache {
                    cache.forget_user_id(&user_id);
                }
                observer(FeedEvent::UserChanged(&user_id));
            }
            Ok(Some(Notice::Echo(sent_ms))) => {
                if let (Some(cache), Ok(sent_ms)) = (cache, sent_ms.parse::<u64>()) {
                    cache.trust_until(epoch + Duration::from_millis(sent_ms) + LEASE);
                }
            }
            Ok(None) | Err(_) => return,
        }
    }
}

/// Sends an echo carrying its own send time (ms since `epoch`) every [`ECHO_EVERY`]; never
/// returns. A failed send only means no lease renewal.
async fn send_echoes(echoes: &mut EchoLine, channel: &str, epoch: Instant) {
    let mut ticks = tokio::time::interval(ECHO_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let sent_ms = epoch.elapsed().as_millis();
        let _ = echoes.send(channel, &sent_ms.to_string()).await;
    }
}
