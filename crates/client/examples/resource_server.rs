//! A resource server that admits beep-iam's users: `GET /me` answers who is calling, for a
//! JWT (`Authorization: Bearer <jwt>` from `/api/auth/token`), a session bearer token, the
//! session cookies or a user's API key (`x-api-key`); anything else gets 401.
//!
//!     cargo run -p beep-client --example resource_server          # beep-iam on :3000
//!     BEEP_IAM_URL=https://auth.example.com LISTEN=127.0.0.1:4000 cargo run ...
//!     curl -H "authorization: Bearer $(curl -s -b cookies http://127.0.0.1:3000/api/auth/token | jq -r .token)" http://127.0.0.1:4000/me
//!     curl -H "x-api-key: $KEY" http://127.0.0.1:4000/me             # a key from /api-key/create

use axum::Router;
use axum::routing::get;
use beep_client::{Authenticated, Verifier, VerifierConfig};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let server = std::env::var("BEEP_IAM_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    let listen = std::env::var("LISTEN").unwrap_or_else(|_| "127.0.0.1:4000".into());
    let verifier = Verifier::new(VerifierConfig::for_server(&server));

    let app = Router::new().route("/me", get(me)).with_state(verifier);
    let listener = tokio::net::TcpListener::bind(&listen).await?;
    println!("resource server on http://{listen}, trusting {server}");
    axum::serve(listener, app).await
}

/// Who is calling, and how they proved it.
async fn me(Authenticated(caller): Authenticated) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({
        "userId": caller.user_id.as_str(),
        "email": caller.email,
        "credential": format!("{:?}", caller.credential),
    }))
}
