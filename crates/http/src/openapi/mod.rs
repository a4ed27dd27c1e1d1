//! The OpenAPI 3.1 description of `/api/auth` (served at `/api/auth/openapi.json`) and the
//! HTML reference page rendered from it (`/api/auth/reference`).
//!
//! The foundation's routes read their bodies field by field (see `body.rs`), so their
//! operations are written out in `operations.rs`. A feature family reads typed requests
//! (`typed_body.rs`) and describes itself from those types and its answer types, in its own
//! module (`routes/organization/openapi.rs`); this module only merges the families in. The
//! HTTP tests check that every route is described and that the described methods are the
//! routed ones, so the two cannot drift apart unnoticed.
//!
//! Both artefacts are built once, when the router is built, and served as bytes.

pub(crate) mod builder;
mod operations;
mod reference;

use crate::wire::{SessionJson, SessionWithUser, UserJson};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, ServerBuilder};
use utoipa::{PartialSchema, ToSchema};

/// What the server needs to describe itself.
#[derive(Debug, Clone)]
pub struct DescribeOptions {
    /// The configured public origin (never the request's `Host`).
    pub base_url: String,
    /// The full name of the session cookie (with `__Secure-` when the base URL is https).
    pub session_cookie: String,
    /// Whether `/delete-user` is mounted; the document describes only mounted routes.
    pub delete_user_enabled: bool,
}

/// The OpenAPI document and the reference page, rendered once.
#[derive(Debug, Clone)]
pub struct Published {
    json: Option<Bytes>,
    html: Bytes,
    csp: HeaderValue,
}

/// The security scheme names the operations refer to.
pub(crate) const COOKIE_SCHEME: &str = "sessionCookie";
/// See [`COOKIE_SCHEME`].
pub(crate) const BEARER_SCHEME: &str = "bearerToken";

/// The tags, in the order the reference page lists them.
const TAGS: [(&str, &str); 5] = [
    (
        "Sign-up and sign-in",
        "Creating an account and opening a session with email and password.",
    ),
    (
        "Sessions",
        "Reading, listing and ending sessions. A session is presented by the signed \
         session cookie or by `Authorization: Bearer <set-auth-token>`.",
    ),
    (
        "Account",
        "Managing one's own account: profile, password, deletion.",
    ),
    (
        "Email",
        "The flows behind mailed links: verification, password reset, change of email.",
    ),
    (
        "Meta",
        "Liveness, the error page, and this description itself.",
    ),
];

/// The whole document for a server configured with `options`.
pub fn document(options: &DescribeOptions) -> OpenApi {
    let base = options.base_url.trim_end_matches('/');
    let mut components = ComponentsBuilder::new()
        .schema(
            <UserJson as ToSchema>::name(),
            <UserJson as PartialSchema>::schema(),
        )
        .schema(
            <SessionJson as ToSchema>::name(),
            <SessionJson as PartialSchema>::schema(),
        )
        .schema(
            <SessionWithUser as ToSchema>::name(),
            <SessionWithUser as PartialSchema>::schema(),
        )
        .security_scheme(
            COOKIE_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                options.session_cookie.clone(),
                "The signed session cookie set by sign-up, sign-in and the other routes \
                 that open a session. A cookie-bearing POST must also send a trusted \
                 `Origin` (or `Referer`), or it is refused with 403."
                    .to_owned(),
            ))),
        )
        .security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("token.signature")
                    .description(Some(
                        "The value of the `set-auth-token` response header (never the JSON \
                         `token`, which is the session's public handle). Bearer requests \
                         carry no cookie, so the origin check does not apply to them.",
                    ))
                    .build(),
            ),
        );
    for (name, schema) in operations::schemas() {
        components = components.schema(name, schema);
    }
    for (name, schema) in crate::routes::organization::openapi::schemas()
        .into_iter()
        .chain(crate::routes::social::openapi::schemas())
        .chain(crate::routes::two_factor::openapi::schemas())
        .chain(crate::routes::passkeys::openapi::schemas())
        .chain(crate::routes::jwt::openapi::schemas())
        .chain(crate::routes::api_keys::openapi::schemas())
        .chain(crate::routes::admin::openapi::schemas())
        .chain(crate::routes::oauth_provider::openapi::schemas())
    {
        components = components.schema(name, schema);
    }
    for (name, response) in builder::shared_responses() {
        components = components.response(name, response);
    }
    let families = [
        crate::routes::organization::openapi::TAG,
        crate::routes::social::openapi::TAG,
        crate::routes::two_factor::openapi::TAG,
        crate::routes::passkeys::openapi::TAG,
        crate::routes::jwt::openapi::TAG,
        crate::routes::api_keys::openapi::TAG,
        crate::routes::admin::openapi::TAG,
        crate::routes::oauth_provider::openapi::TAG,
    ];
    let tags = TAGS
        .iter()
        .chain(families.iter())
        .map(|(name, description)| {
            TagBuilder::new()
                .name(*name)
                .description(Some(*description))
                .build()
        });
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("beep-iam")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "The better-auth 1.7 wire protocol as served by beep-iam. Errors are \
                     `{message, code}` with the status; a few better-auth errors (and 429) \
                     carry only `message`. Request bodies are JSON objects; an empty body \
                     counts as `{}`; sign-up and sign-in also take HTML form encoding. \
                     Unknown routes and wrong methods answer 404 with an empty body.",
                )),
        )
        .servers(Some([ServerBuilder::new()
            .url(format!("{base}{}", crate::rate_limit::BASE_PATH))
            .description(Some("This server (the configured base URL)"))
            .build()]))
        .paths(paths(options))
        .components(Some(components.build()))
        .tags(Some(tags))
        .build()
}

/// Every operation: the foundation's and each family's.
fn paths(options: &DescribeOptions) -> utoipa::openapi::path::Paths {
    let mut paths = operations::paths(options);
    let families = crate::routes::organization::openapi::operations()
        .into_iter()
        .chain(crate::routes::social::openapi::operations())
        .chain(crate::routes::two_factor::openapi::operations())
        .chain(crate::routes::passkeys::openapi::operations())
        .chain(crate::routes::jwt::openapi::operations())
        .chain(crate::routes::api_keys::openapi::operations())
        .chain(crate::routes::admin::openapi::operations())
        .chain(crate::routes::oauth_provider::openapi::operations());
    for op in families {
        let (method, path, operation) = op.finish();
        paths.add_path_operation(path, vec![method], operation);
    }
    paths
}

impl Published {
    /// Renders the document and the page for a server configured with `options`.
    pub fn new(options: &DescribeOptions) -> Self {
        // Serialising plain maps and strings cannot fail; should it ever, the route answers
        // with the generic error instead of taking the server down. The bytes come from the
        // document itself, which keeps paths and fields in the order they are written here.
        let doc = document(options);
        let json = serde_json::to_vec(&doc)
            .inspect_err(
                |err| tracing::error!(error = %err, "cannot serialise the OpenAPI document"),
            )
            .ok()
            .map(Bytes::from);
        let value = serde_json::to_value(&doc).unwrap_or_default();
        let page = reference::render(&value);
        let csp = HeaderValue::from_str(&page.csp)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
        Self {
            json,
            html: Bytes::from(page.html),
            csp,
        }
    }

    /// `GET /openapi.json`.
    pub fn json_response(&self) -> Response {
        let Some(json) = &self.json else {
            return unavailable();
        };
        let mut response = json.clone().into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }

    /// `GET /reference`: the page under a CSP that allows nothing but its own stylesheet.
    pub fn html_response(&self) -> Response {
        crate::routes::html_page(self.html.clone(), self.csp.clone())
    }
}

fn unavailable() -> Response {
    crate::error::ApiError::coded(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "Internal server error",
    )
    .into_response()
}
