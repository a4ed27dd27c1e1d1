//! The request an audit event came from. The HTTP edge runs each request inside
//! [`with_request_origin`]; events recorded while it runs carry its IP address and user agent.
//! It is scoped to the request's task rather than passed down: nearly every flow records an
//! event, and most have no other use for where the request came from. Outside a request
//! (sweeps, the CLI) there is no origin and the event says so.

use crate::ClientInfo;
use std::future::Future;

tokio::task_local! {
    static ORIGIN: ClientInfo;
}

/// Runs `work` (one request) with `origin` as the origin of the events it records.
pub async fn with_request_origin<F: Future>(origin: ClientInfo, work: F) -> F::Output {
    ORIGIN.scope(origin, work).await
}

/// The origin of the request being served, if any: `(ip address, user agent)`, each `None`
/// when unknown.
pub(crate) fn current() -> (Option<String>, Option<String>) {
    ORIGIN
        .try_with(|origin| (non_empty(&origin.ip_address), non_empty(&origin.user_agent)))
        .unwrap_or((None, None))
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}
