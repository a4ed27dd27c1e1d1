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
        .map(|c| c.0.ip().to_canonical())?;
    let trusted = state.settings.trusted_proxies.iter();
    if !trusted.map(|p| p.to_canonical()).any(|p| p == peer) {
        return Some(peer);
    }
    // The hop our proxy appended is the last one of the last header line; anything before
    // it was written by the client.
    let forwarded = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .next_back()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|hop| hop.trim().parse::<IpAddr>().ok());
    Some(forwarded.unwrap_or(peer))
}
