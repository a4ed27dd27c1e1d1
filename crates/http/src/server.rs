//! The router and the server loop with graceful shutdown.

use crate::routes::{self, health_live, health_ready, not_found};
use crate::state::AppState;
use crate::{cors, csrf, current_session, rate_limit};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
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
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(from_fn_with_state(
            state.clone(),
            current_session::reissue_refreshed_session,
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

/// Serves until `shutdown` completes, then stops accepting, marks the node not ready, and
/// lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: ShutdownSignal,
) -> std::io::Result<()> {
    let readiness = state.readiness.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            readiness.set_draining();
            tracing::info!("shutting down: draining in-flight requests");
        })
        .await
}
