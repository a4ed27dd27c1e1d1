//! The client's address: the TCP peer, or the last `X-Forwarded-For` hop when the peer is a
//! configured trusted proxy. A forwarded header from anyone else is ignored.

use crate::state::AppState;
use axum::extract::ConnectInfo;
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The client address of a request, if known.
pub fn client_ip(state: &AppState, parts: &Parts) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !state.settings.trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
    Some(forwarded.unwrap_or(peer))
}
