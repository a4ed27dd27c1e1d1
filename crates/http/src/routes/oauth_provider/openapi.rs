//! The OAuth provider family in the OpenAPI document, derived from its request and answer
//! types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{Op, collect, empty, forbidden, ok_json, schema_ref};
use serde_json::json;
use utoipa::ToSchema;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{OneOfBuilder, Schema};
use utoipa::openapi::{RefOr, Response};

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "OAuth provider",
    "beep-iam as the OAuth 2.1 / OpenID provider of other applications (better-auth's \
     oauth-provider plugin, 1.7 shape). Signed-in users register clients; a client's secret \
     is shown once and stored as its SHA-256. Built so far: client management, the \
     authorization code flow with PKCE and consent, refresh tokens with rotation, ID tokens, \
     userinfo, the `client_credentials` grant, introspection, revocation and discovery. \
     Errors of the token endpoints are RFC 6749 `{error, error_description}`.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<CreateClientBody>(&mut all);
    collect::<UpdateClientBody>(&mut all);
    collect::<ClientIdBody>(&mut all);
    collect::<TokenForm>(&mut all);
    collect::<TokenRequestForm>(&mut all);
    collect::<OAuthClientJson>(&mut all);
    collect::<PublicClientJson>(&mut all);
    collect::<TokenJson>(&mut all);
    collect::<IntrospectionJson>(&mut all);
    collect::<OAuthErrorJson>(&mut all);
    collect::<ConsentBody>(&mut all);
    collect::<ContinueBody>(&mut all);
    collect::<AuthorizeQuery>(&mut all);
    collect::<LoginPageForm>(&mut all);
    collect::<DeviceCodeBody>(&mut all);
    collect::<DeviceTokenBody>(&mut all);
    collect::<DeviceAnswerBody>(&mut all);
    collect::<DevicePageForm>(&mut all);
    collect::<EndSessionForm>(&mut all);
    collect::<ConsentRefBody>(&mut all);
    collect::<UpdateConsentBody>(&mut all);
    collect::<ConsentJson>(&mut all);
    collect::<RedirectJson>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

fn get(path: &'static str, id: &str, summary: &str) -> Op {
    Op::get(path, id, TAG.0, summary)
}

fn post(path: &'static str, id: &str, summary: &str) -> Op {
    Op::post(path, id, TAG.0, summary)
}

/// An `{error, error_description}` answer.
fn oauth_error(description: &str) -> Response {
    ok_json(description, schema_ref(&OAuthErrorJson::name()))
}

/// An error that is either better-auth's `{message, code}` (a bad body, the origin check)
/// or OAuth's `{error, error_description}` (a refused client).
pub(crate) fn either_error(description: &str) -> Response {
    let either = OneOfBuilder::new()
        .item(schema_ref("Error"))
        .item(schema_ref(&OAuthErrorJson::name()))
        .into();
    ok_json(description, either)
}

const NOT_FOUND: &str = "`not_found`: no client has that id";
const CLIENT_RULES: &str = "`VALIDATION_ERROR` (a field of the wrong type), \
    `invalid_redirect_uri` (web clients: https on a real host; native clients also loopback \
    http and reverse-domain schemes; never a fragment, credentials or a script URL), \
    `invalid_client_metadata` (an unknown grant, response type, application type or auth \
    method, or grants and response types that do not fit together), `invalid_scope`";

/// A client-management operation: a session, and 401 without one (or, with an empty body,
/// when the client is another user's).
fn managed(op: Op) -> Op {
    op.session()
}

/// A step of the authorization flow: 302 to where the user goes next, or for a script's
/// fetch 200 `{redirect: true, url}`.
fn redirecting(op: Op) -> Op {
    op.reply("302", empty("Go on at `Location`"))
        .ok_of::<RedirectJson>(
            "Where to go next (for `Sec-Fetch-Mode: cors` or `Accept: application/json`)",
        )
}

/// An HTML page answer.
fn html(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "text/html",
            ContentBuilder::new()
                .schema(Some(Schema::Object(Default::default())))
                .build(),
        )
        .build()
}

/// The caller's consents.
fn consent_operations() -> Vec<Op> {
    const CONSENT_NOT_FOUND: &str = "`not_found`: no consent has that id (or none for that client)";
    vec![
        managed(
            get("/oauth2/get-consent", "getOAuthConsent", "Read one of the caller's consents")
                .description("By `id`, or by `client_id`. Another user's consent is a 401 with an empty body.")
                .params_of::<ConsentRefBody>(),
        )
        .ok_of::<ConsentJson>("The consent")
        .reply("400", either_error("`VALIDATION_ERROR`, `invalid_request`: neither `id` nor `client_id`"))
        .reply("404", oauth_error(CONSENT_NOT_FOUND)),
        managed(get("/oauth2/get-consents", "listOAuthConsents", "List the caller's consents").description("Oldest first."))
            .ok_list_of::<ConsentJson>("The consents"),
        managed(
            post("/oauth2/update-consent", "updateOAuthConsent", "Narrow a consent")
                .description("Keeps only `update.scopes` (a subset of what was consented). Narrowing ends the client's grants and tokens for the caller.")
                .body_of::<UpdateConsentBody>(json!({"id": "ocn_…", "update": {"scopes": ["openid"]}})),
        )
        .ok_of::<ConsentJson>("The consent as it is now")
        .reply("400", either_error("`VALIDATION_ERROR`, `invalid_request`, `invalid_scope`: a scope that was not consented to"))
        .error("403", &forbidden(""))
        .reply("404", oauth_error(CONSENT_NOT_FOUND)),
        managed(
            post("/oauth2/delete-consent", "deleteOAuthConsent", "Withdraw a consent")
                .description("The consent goes, and with it every grant and token the client holds for the caller.")
                .body_of::<ConsentRefBody>(json!({"id": "ocn_…"})),
        )
        .reply("200", empty("Withdrawn (empty body)"))
        .reply("400", either_error("`VALIDATION_ERROR`, `invalid_request`"))
        .error("403", &forbidden(""))
        .reply("404", oauth_error(CONSENT_NOT_FOUND)),
    ]
}

/// A page, or better-auth's `{message, code}` for a query or body that never reached it.
fn html_or_error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "text/html",
            ContentBuilder::new()
                .schema(Some(Schema::Object(Default::default())))
                .build(),
        )
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(schema_ref("Error")))
                .build(),
        )
        .build()
}

/// The hosted pages and device authorization.
fn page_and_device_operations() -> Vec<Op> {
    vec![
        get("/oauth2/login-page", "oauthLoginPage", "The hosted login page")
            .description(
                "Where `/oauth2/authorize` sends a user without a session, with the signed \
                 request as the query: an email and password form (no script; strict CSP). \
                 For `prompt=select_account` it also offers to go on as the signed-in user \
                 (posting to `/oauth2/continue`). An altered or expired query gets a 400 page.",
            )
            .optional_session()
            .static_route()
            .reply("200", html("The page"))
            .reply("400", html_or_error("The link has expired, or a malformed query")),
        post("/oauth2/login-page", "oauthLoginPageSignIn", "Sign in on the hosted login page")
            .public()
            .form_body_of::<LoginPageForm>(json!({"email": "ada@example.com", "password": "…", "oauth_query": "…"}))
            .description("Signs in and goes on with the authorization: 303 to the consent page or the client. A wrong password shows the form again (401). An account with a second factor gets the code form (200, with the `two_factor` cookie); `step=code` checks its code (the app's, a backup code, or with `method=otp` the mailed one) and goes on (303), `step=send_otp` mails a code.")
            .reply("303", empty("Go on at `Location`, with the session's cookies"))
            .reply("200", html("The second factor's code form"))
            .reply("401", html("The form again, with an error"))
            .reply("400", html_or_error("The link has expired, or a body that is not form encoding"))
            .error("403", &forbidden("")),
        get("/oauth2/consent-page", "oauthConsentPage", "The hosted consent page")
            .description("The client's name and the scopes it asks for, with Allow and Deny posting to `/oauth2/consent`.")
            .optional_session()
            .static_route()
            .reply("200", html("The page (the login form when the session has ended)"))
            .reply("400", html_or_error("The link has expired, or a malformed query")),
        get("/oauth2/device-page", "oauthDevicePage", "The hosted device verification page")
            .description("Signs the user in if needed, takes the device's code, shows what the device's application asks for, with Approve and Deny.")
            .optional_session()
            .static_route()
            .params_of::<DevicePageQuery>()
            .reply("200", html("The page"))
            .reply("400", html_or_error("The code form again, with an error, or a malformed query")),
        post("/oauth2/device-page", "oauthDevicePageAnswer", "Sign in, approve or deny on the device page")
            .optional_session()
            .form_body_of::<DevicePageForm>(json!({"step": "approve", "user_code": "ABCD2345"}))
            .reply("200", html("The outcome, or the second factor's code form (with the `two_factor` cookie)"))
            .reply("303", empty("Signed in: on to the code"))
            .reply("400", html_or_error("The code form again, with an error, or a malformed body"))
            .reply("401", html("The sign-in form again, with an error"))
            .error("403", &forbidden("")),
        get("/oauth2/end-session", "oauthEndSession", "Sign out from a client (RP-initiated logout)")
            .description(
                "OpenID Connect RP-Initiated Logout: `id_token_hint` (an ID token this server \
                 gave the client, expired or not), `client_id`, `post_logout_redirect_uri` \
                 (one of the client's, exactly) and `state`. The client needs \
                 `enable_end_session`. Ends the session the token names; 302 back to the \
                 client, or a signed-out page. Also accepts a POST form.",
            )
            .public()
            .reply("302", empty("Back to the client, with `state`"))
            .reply("200", html("The signed-out page"))
            .reply("400", oauth_error("`invalid_request`: no or a bad `id_token_hint`, an unregistered `post_logout_redirect_uri`, a `client_id` that is not the token's"))
            .reply("401", oauth_error("`invalid_client`: the client may not initiate logout")),
        post("/oauth2/end-session", "oauthEndSessionForm", "Sign out from a client (form)")
            .description("The same as the GET, as a form body.")
            .public()
            .form_body_of::<EndSessionForm>(json!({"id_token_hint": "…", "post_logout_redirect_uri": "https://rp.example.com/signed-out", "state": "…"}))
            .reply("302", empty("Back to the client, with `state`"))
            .reply("200", html("The signed-out page"))
            .reply("400", oauth_error("`invalid_request`"))
            .reply("401", oauth_error("`invalid_client`"))
            .error("403", &forbidden("")),
        post("/device/code", "deviceCode", "Start a device authorization")
            .description("RFC 8628 §3.2 for a registered, enabled client: the device code (for the device), the user code and where to enter it. Form or JSON.")
            .public()
            .body_of::<DeviceCodeBody>(json!({"client_id": "…", "scope": "openid"}))
            .reply("200", ok_json("The codes", RefOr::T(Schema::Object(Default::default()))))
            .reply("400", either_error("`invalid_request`, `invalid_client` (unknown or disabled client), `invalid_scope`"))
            .error("403", &forbidden("")),
        post("/device/token", "deviceToken", "Poll for a device's token")
            .description("RFC 8628 §3.4 in better-auth's shape: on approval, a new session whose token is the `access_token` (a bearer token). The same grant at `/oauth2/token` answers with OAuth tokens instead.")
            .public()
            .body_of::<DeviceTokenBody>(json!({"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "…", "client_id": "…"}))
            .reply("200", ok_json("The token", RefOr::T(Schema::Object(Default::default()))))
            .reply("400", either_error("`authorization_pending`, `slow_down` (the interval grows by 5 s), `expired_token`, `access_denied`, `invalid_grant`, `invalid_request`, `unsupported_grant_type`"))
            .error("403", &forbidden("")),
        get("/device", "deviceVerify", "Look up a user code")
            .description("The code's status, client and scopes. Signed in, this claims the code: only this user may then approve or deny it.")
            .optional_session()
            .params_of::<super::device::UserCodeQuery>()
            .reply("200", ok_json("The code's state", RefOr::T(Schema::Object(Default::default()))))
            .reply("400", either_error("`VALIDATION_ERROR` (no `user_code`), `invalid_request` (unknown code, or claimed by another user), `expired_token`")),
        post("/device/approve", "deviceApprove", "Approve a device")
            .session()
            .body_of::<DeviceAnswerBody>(json!({"userCode": "ABCD2345"}))
            .reply("200", ok_json("`{success: true}`", RefOr::T(Schema::Object(Default::default()))))
            .reply("400", either_error("`invalid_request` (unknown, already answered, or not opened by this user first), `expired_token`"))
            .error("403", &forbidden("")),
        post("/device/deny", "deviceDeny", "Deny a device")
            .session()
            .body_of::<DeviceAnswerBody>(json!({"userCode": "ABCD2345"}))
            .reply("200", ok_json("`{success: true}`", RefOr::T(Schema::Object(Default::default()))))
            .reply("400", either_error("`invalid_request`, `expired_token`"))
            .error("403", &forbidden("")),
    ]
}

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    let mut all = flow_operations();
    all.extend(page_and_device_operations());
    all.extend(consent_operations());
    all
}

/// The client management, authorization and token operations.
fn flow_operations() -> Vec<Op> {
    vec![
        managed(
            post("/oauth2/create-client", "createOAuthClient", "Register an OAuth client")
                .description(
                    "Registers a client owned by the caller. A confidential client's \
                     `client_secret` is in this answer only. `client_credentials_scopes` \
                     may be set by admins only (403 `access_denied` otherwise).",
                )
                .body_of::<CreateClientBody>(json!({
                    "client_name": "Reports",
                    "redirect_uris": ["https://reports.example.com/callback"]
                })),
        )
        .reply("201", ok_json("The client, with its secret", schema_ref(&OAuthClientJson::name())))
        .reply("400", either_error(CLIENT_RULES))
        .reply("403", either_error(&forbidden("`access_denied`: `client_credentials_scopes` from a non-admin"))),
        managed(
            get("/oauth2/get-client", "getOAuthClient", "Read an OAuth client")
                .description("One of the caller's clients, without its secret. Another user's client is a 401 with an empty body.")
                .params_of::<ClientIdQuery>(),
        )
        .ok_of::<OAuthClientJson>("The client")
        .error("400", "`VALIDATION_ERROR`: no `client_id`")
        .reply("404", oauth_error(NOT_FOUND)),
        managed(
            get("/oauth2/public-client", "getOAuthPublicClient", "Read a client's public face")
                .description("A client's name and links, for any signed-in user (a consent page). A disabled client is not found.")
                .params_of::<ClientIdQuery>(),
        )
        .ok_of::<PublicClientJson>("The client's name and links")
        .error("400", "`VALIDATION_ERROR`: no `client_id`")
        .reply("404", oauth_error(NOT_FOUND)),
        managed(
            get("/oauth2/get-clients", "listOAuthClients", "List the caller's OAuth clients")
                .description("Oldest first, without secrets."),
        )
        .ok_list_of::<OAuthClientJson>("The clients"),
        managed(
            post("/oauth2/update-client", "updateOAuthClient", "Change an OAuth client")
                .description(
                    "Changes the fields in `update`; the client as a whole must still follow \
                     the rules. The auth method and the secret cannot be changed here.",
                )
                .body_of::<UpdateClientBody>(json!({
                    "client_id": "…",
                    "update": {"client_name": "Reports v2"}
                })),
        )
        .ok_of::<OAuthClientJson>("The client as it is now")
        .reply("400", either_error(CLIENT_RULES))
        .reply("403", either_error(&forbidden("`access_denied`: `client_credentials_scopes` from a non-admin")))
        .reply("404", oauth_error(NOT_FOUND)),
        managed(
            post("/oauth2/client/rotate-secret", "rotateOAuthClientSecret", "Give a client a new secret")
                .description("The old secret stops working at once; the new one is in this answer only.")
                .body_of::<ClientIdBody>(json!({"client_id": "…"})),
        )
        .ok_of::<OAuthClientJson>("The client, with its new secret")
        .error("403", &forbidden(""))
        .reply("400", either_error("`VALIDATION_ERROR`, or `invalid_client`: a public client has no secret"))
        .reply("404", oauth_error(NOT_FOUND)),
        managed(
            post("/oauth2/delete-client", "deleteOAuthClient", "Delete an OAuth client")
                .description("The client and every token issued to it.")
                .body_of::<ClientIdBody>(json!({"client_id": "…"})),
        )
        .reply("200", empty("Deleted (empty body)"))
        .error("403", &forbidden(""))
        .error("400", "`VALIDATION_ERROR`")
        .reply("404", oauth_error(NOT_FOUND)),
        post("/oauth2/register", "oauthRegister", "Register a client dynamically")
            .description(
                "RFC 7591, off unless `OIDC_PROVIDER_DYNAMIC_REGISTRATION=true`: the same \
                 fields as create-client, with or without a session (without one only with \
                 `OIDC_PROVIDER_UNAUTHENTICATED_REGISTRATION=true`, and never for \
                 `client_credentials`). Bad bodies answer in RFC 7591's shape.",
            )
            .optional_session()
            .body_of::<CreateClientBody>(json!({
                "client_name": "Reports",
                "redirect_uris": ["https://reports.example.com/callback"]
            }))
            .reply("201", ok_json("The client, with its secret", schema_ref(&OAuthClientJson::name())))
            .reply(
                "400",
                either_error(
                    "`BAD_REQUEST` (malformed JSON), `invalid_client_metadata`, \
                     `invalid_redirect_uri`, `invalid_scope`",
                ),
            )
            .reply("401", oauth_error("`invalid_token` with `WWW-Authenticate: Bearer`: no session, and unauthenticated registration is off"))
            .reply("403", either_error(&forbidden("`access_denied`: registration is off"))),
        redirecting(
            get("/oauth2/authorize", "oauthAuthorize", "Start an authorization")
                .description(
                    "RFC 6749 §4.1.1 with PKCE (S256). Sends the user on: to the login page \
                     without a session (or with `prompt=login`, or past `max_age`), to the \
                     consent page when the user has not consented to these scopes (or with \
                     `prompt=consent`), else back to the client with `code`, `state` and \
                     `iss`. A bad client or redirect URI goes to the error page, never to the \
                     URI named; other errors go to the client. Also accepts a POST form.",
                )
                .optional_session()
                .params_of::<AuthorizeQuery>(),
        )
        .error("400", "`invalid_request`: a query that is not URL-encoded"),
        redirecting(
            post("/oauth2/authorize", "oauthAuthorizeForm", "Start an authorization (form)")
                .description("The same request as the GET, as a form body (OpenID Connect Core §3.1.2.1).")
                .optional_session()
                .form_body_of::<AuthorizeQuery>(json!({"response_type": "code", "client_id": "…", "redirect_uri": "https://rp.example.com/cb", "code_challenge": "…", "code_challenge_method": "S256"})),
        )
        .error("400", "`BAD_REQUEST`: a body that is not form encoding")
        .error("403", &forbidden("")),
        redirecting(
            post("/oauth2/consent", "oauthConsent", "Answer the consent page")
                .description(
                    "The signed-in user accepts (optionally fewer scopes) or denies the request \
                     in `oauth_query`, the consent page's query as the authorize step signed \
                     it. Accepting stores the consent and sends the user to the client with a \
                     code; denying sends `error=access_denied`.",
                )
                .session()
                .body_of::<ConsentBody>(json!({"accept": true, "oauth_query": "client_id=…&exp=…&sig=…"})),
        )
        .reply("400", either_error("`VALIDATION_ERROR`, `invalid_request` (a query that is not signed, altered or expired), `invalid_scope` (a scope that was not requested)"))
        .error("403", &forbidden("")),
        redirecting(
            post("/oauth2/continue", "oauthContinue", "Go on after an account-selection, sign-up or post-login page")
                .description(
                    "The signed-in user is done with the page that held the request in                      `oauth_query`: `selected` (they chose this account; `select_account`                      leaves `prompt`), `created` (they signed up; `create` leaves `prompt`)                      or `postLogin`. The authorization then goes on as from `/oauth2/authorize`.",
                )
                .session()
                .body_of::<ContinueBody>(json!({"selected": true, "oauth_query": "client_id=…&exp=…&sig=…"})),
        )
        .reply("400", either_error("`VALIDATION_ERROR`, `invalid_request` (none of the three is true, or a query that is not signed, altered or expired)"))
        .error("403", &forbidden("")),
        get("/oauth2/userinfo", "oauthUserInfo", "Read the user of an access token")
            .description(
                "OpenID Connect Core §5.3, with `Authorization: Bearer <access token>` of a \
                 token with `openid`: `sub`, plus `name`, `picture`, `given_name`, \
                 `family_name` under `profile` and `email`, `email_verified` under `email`. \
                 Also answers POST.",
            )
            .public()
            .reply("200", ok_json("The user's claims", RefOr::T(Schema::Object(Default::default()))))
            .reply("401", oauth_error("`invalid_token` with `WWW-Authenticate: Bearer`: no token, or one that is not active or lacks `openid`")),
        post("/oauth2/userinfo", "oauthUserInfoPost", "Read the user of an access token (POST)")
            .description("The same as the GET.")
            .public()
            .reply("200", ok_json("The user's claims", RefOr::T(Schema::Object(Default::default()))))
            .error("403", &forbidden(""))
            .reply("401", oauth_error("`invalid_token` with `WWW-Authenticate: Bearer`")),
        post("/oauth2/token", "oauthToken", "Take an access token")
            .description(
                "RFC 6749 §3.2: `authorization_code` (with `redirect_uri` and, for PKCE, \
                 `code_verifier`; a code works once, and a replayed code revokes what it \
                 issued), `refresh_token` (rotated: the old one stops working, and presenting \
                 it again revokes the whole grant), and `client_credentials`. The client \
                 authenticates the way it registered (Basic, `client_id` and \
                 `client_secret` in the form, or `client_id` alone for a public client). \
                 With `openid` the answer has an `id_token`; with `offline_access` a \
                 `refresh_token`. Never cached.",
            )
            .public()
            .form_body_of::<TokenForm>(json!({"grant_type": "client_credentials", "client_id": "…", "client_secret": "…"}))
            .ok_of::<TokenJson>("The access token")
            .error("403", &forbidden(""))
            .reply(
                "400",
                oauth_error(
                    "`invalid_request` (missing or repeated parameter), \
                     `unsupported_grant_type`, `invalid_client` (client_secret_post), \
                     `invalid_grant` (a code or refresh token that is unknown, expired, used, \
                     or fails PKCE), `unauthorized_client`, `invalid_scope`",
                ),
            )
            .reply("401", oauth_error("`invalid_client` with `WWW-Authenticate: Basic`: Basic authentication failed")),
        post("/oauth2/introspect", "oauthIntrospect", "Check a token")
            .description(
                "RFC 7662, for confidential clients: `{\"active\": false}` for a token that \
                 is unknown, expired, revoked or another client's; otherwise its claims.",
            )
            .public()
            .form_body_of::<TokenRequestForm>(json!({"token": "…", "client_id": "…", "client_secret": "…"}))
            .ok_of::<IntrospectionJson>("Whether the token is active, and its claims")
            .error("403", &forbidden(""))
            .reply("400", oauth_error("`invalid_request`, `invalid_client` (client_secret_post)"))
            .reply("401", oauth_error("`invalid_client`: no credentials, or Basic authentication failed")),
        post("/oauth2/revoke", "oauthRevoke", "Revoke a token")
            .description(
                "RFC 7009: the token stops working if it was issued to the caller. An \
                 unknown token, or another client's, changes nothing and is not an error.",
            )
            .public()
            .form_body_of::<TokenRequestForm>(json!({"token": "…", "client_id": "…", "client_secret": "…"}))
            .reply("200", empty("Revoked, or nothing to revoke (empty body)"))
            .error("403", &forbidden(""))
            .reply("400", oauth_error("`invalid_request`, `invalid_client` (client_secret_post)"))
            .reply("401", oauth_error("`invalid_client`: no client, or Basic authentication failed")),
        get("/.well-known/openid-configuration", "openIdConfiguration", "OpenID provider metadata")
            .description("OpenID Connect Discovery 1.0; also served as RFC 8414 metadata.")
            .public()
            .static_route()
            .reply("200", ok_json("The provider's metadata", RefOr::T(Schema::Object(Default::default())))),
        get("/.well-known/oauth-authorization-server", "oauthAuthorizationServer", "OAuth authorization server metadata")
            .description("RFC 8414; the same document as `/.well-known/openid-configuration`. Also at `/.well-known/oauth-authorization-server/api/auth`.")
            .public()
            .static_route()
            .reply("200", ok_json("The provider's metadata", RefOr::T(Schema::Object(Default::default())))),
    ]
}
