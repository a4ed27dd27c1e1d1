//! The router and the server loop with graceful shutdown.

use crate::routes::{self, health_live, health_ready, not_found};
use crate::state::AppState;
use crate::{cors, csrf, current_session, rate_limit};
use axum::Router;
use axum::extract::ConnectInfo;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::any::Any;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt as _;
use tower_http::catch_panic::CatchPanicLayer;

/// A future that completes when the server should stop accepting connections.
pub type ShutdownSignal = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// The whole HTTP surface: `/api/auth/*`, `/health/*`, and 404 for everything else.
pub fn router(state: AppState) -> Router {
    let auth = routes::auth_routes(&state)
        .method_not_allowed_fallback(not_found)
        .layer(axum::middleware::map_response(cors::no_store));
    Router::new()
        .nest(rate_limit::BASE_PATH, auth)
        .route("/health/live", get(health_live))
        .route("/health/ready", get(health_ready))
        .merge(routes::oauth_provider::root_routes().with_state(state.clone()))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(from_fn_with_state(
            state.clone(),
            current_session::reissue_session_cookies,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::check_origin))
        .layer(from_fn_with_state(state.clone(), rate_limit::limit))
        .layer(from_fn_with_state(state.clone(), cors::cors))
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

/// A handler panic becomes a 500 for that request; the server keeps serving.
fn panic_response(_panic: Box<dyn Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(serde_json::json!({ "message": "Internal server error", "code": "INTERNAL_SERVER_ERROR" })),
    )
        .into_response()
}

/// How long shutdown waits for in-flight requests before closing their connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(25);

/// Serves until `shutdown` completes, then stops accepting, marks the node not ready, and
/// lets in-flight requests finish (for at most [`DRAIN_TIMEOUT`]). Connections that do not
/// send their headers within the configured header timeout are closed (slow-loris defence).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    mut shutdown: ShutdownSignal,
) -> std::io::Result<()> {
    let readiness = state.readiness.clone();
    let header_timeout = state.settings.header_read_timeout;
    let app = router(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = app.clone().map_request(move |mut req: http::Request<Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(peer));
                    req
                });
                let connection = builder
                    .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                    .into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(err) = connection.await {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    readiness.set_draining();
    drop(listener);
    tracing::info!("shutting down: draining in-flight requests");
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("drain timeout: closing the remaining connections");
    }
    Ok(())
}
