//! Every operation under `/api/auth`: its parameters, request body and each status it can
//! answer with. Read beside the handlers in `routes/`; the statuses follow from them:
//! - every route: 429 (rate limit or the per-account password throttle) and 500;
//! - every route that reads the database: 503 when the database is unreachable;
//! - every POST: 403 when a cookie-bearing request has no trusted `Origin`/`Referer`;
//! - every route that reads a body: 400 (malformed JSON, a non-object, a zod-style
//!   `VALIDATION_ERROR`), 413 past the size limit and 415 for any other content type;
//! - every route that needs a session: 401 without a valid one.

use super::DescribeOptions;
use super::builder::*;
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::{Paths, PathsBuilder};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};

/// The component schemas besides the wire types: error bodies, request bodies and the
/// small `{status: true}`-style answers.
pub(super) fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    let callback = || {
        described(
            string(),
            "Where to send the user afterwards: a path on this site or a URL on a trusted \
             origin; anything else is refused with 403 `INVALID_CALLBACK_URL`.",
        )
    };
    let password = |what: &str| {
        described(
            string(),
            &format!(
                "{what}. A new password must be 8 to 128 characters and not common or built \
                 from the account's email or name."
            ),
        )
    };
    let user = || schema_ref("User");
    vec![
        (
            "Error",
            object(
                "An error: a human-readable message and a machine-readable code.",
                vec![
                    ("message", true, string().into()),
                    (
                        "code",
                        true,
                        described(string(), "For example `VALIDATION_ERROR` or `UNAUTHORIZED`"),
                    ),
                ],
            ),
        ),
        (
            "MessageError",
            object(
                "An error with only a message (better-auth sends a few errors, and 429, in \
                 this shape); a `code` may be present too.",
                vec![
                    ("message", true, string().into()),
                    ("code", false, string().into()),
                ],
            ),
        ),
        (
            "SignUpRequest",
            object(
                "A new account. Fields a client may not set (`id`, `emailVerified`, `role`, \
                 `banned`, `createdAt`, …) are refused with 400 `FIELD_NOT_ALLOWED`; other \
                 unknown fields are ignored.",
                vec![
                    ("name", true, described(string(), "Display name")),
                    ("email", true, email().into()),
                    ("password", true, password("The password")),
                    (
                        "image",
                        false,
                        described(nullable(Type::String), "Avatar URL"),
                    ),
                    (
                        "rememberMe",
                        false,
                        described(
                            nullable(Type::Boolean),
                            "`false` makes the session cookie last only for the browser \
                             session (default `true`)",
                        ),
                    ),
                    ("callbackURL", false, callback()),
                ],
            ),
        ),
        (
            "SignUpForm",
            object(
                "The sign-up fields, HTML form encoded (every value is text).",
                vec![
                    ("name", true, string().into()),
                    ("email", true, string().into()),
                    ("password", true, string().into()),
                    ("image", false, string().into()),
                    (
                        "rememberMe",
                        false,
                        string().enum_values(Some(["true", "false"])).into(),
                    ),
                    ("callbackURL", false, string().into()),
                ],
            ),
        ),
        (
            "SignInRequest",
            object(
                "Email and password.",
                vec![
                    ("email", true, string().into()),
                    ("password", true, string().into()),
                    (
                        "rememberMe",
                        false,
                        described(
                            nullable(Type::Boolean),
                            "`false` makes the session cookie last only for the browser \
                             session (default `true`)",
                        ),
                    ),
                    ("callbackURL", false, callback()),
                ],
            ),
        ),
        (
            "SignInForm",
            object(
                "The sign-in fields, HTML form encoded (every value is text).",
                vec![
                    ("email", true, string().into()),
                    ("password", true, string().into()),
                    (
                        "rememberMe",
                        false,
                        string().enum_values(Some(["true", "false"])).into(),
                    ),
                    ("callbackURL", false, string().into()),
                ],
            ),
        ),
        (
            "SignOutRequest",
            object(
                "Optional; an empty body is fine.",
                vec![("callbackURL", false, callback())],
            ),
        ),
        (
            "RevokeSessionRequest",
            object(
                "The session to end.",
                vec![(
                    "token",
                    true,
                    described(string(), "The session's handle (`token` in list-sessions)"),
                )],
            ),
        ),
        (
            "UpdateUserRequest",
            object(
                "At least one of the fields. `email` is refused with 400 \
                 `EMAIL_CAN_NOT_BE_UPDATED` (use change-email), protected fields with 400 \
                 `FIELD_NOT_ALLOWED`.",
                vec![
                    (
                        "name",
                        false,
                        described(nullable(Type::String), "Display name"),
                    ),
                    (
                        "image",
                        false,
                        described(nullable(Type::String), "Avatar URL; `null` removes it"),
                    ),
                ],
            ),
        ),
        (
            "ChangePasswordRequest",
            object(
                "The current and the new password.",
                vec![
                    ("currentPassword", true, password("The current password")),
                    ("newPassword", true, password("The new password")),
                    (
                        "revokeOtherSessions",
                        false,
                        described(
                            nullable(Type::Boolean),
                            "End every session and open a new one (default `false`)",
                        ),
                    ),
                ],
            ),
        ),
        (
            "VerifyPasswordRequest",
            object(
                "The password to check.",
                vec![("password", true, string().into())],
            ),
        ),
        (
            "DeleteUserRequest",
            object(
                "The password, required when the user has one.",
                vec![
                    (
                        "password",
                        false,
                        described(nullable(Type::String), "The password"),
                    ),
                    (
                        "token",
                        false,
                        described(
                            nullable(Type::String),
                            "Deletion by mailed token is not offered: any token is 404 \
                             `INVALID_TOKEN`",
                        ),
                    ),
                    ("callbackURL", false, callback()),
                ],
            ),
        ),
        (
            "SendVerificationEmailRequest",
            object(
                "The address to verify.",
                vec![
                    ("email", true, email().into()),
                    ("callbackURL", false, callback()),
                ],
            ),
        ),
        (
            "RequestPasswordResetRequest",
            object(
                "The account's address.",
                vec![
                    ("email", true, email().into()),
                    (
                        "redirectTo",
                        false,
                        described(
                            nullable(Type::String),
                            "The app's reset page: a path on this site or a URL on a \
                             trusted origin (403 `INVALID_REDIRECT_URL` otherwise)",
                        ),
                    ),
                ],
            ),
        ),
        (
            "ResetPasswordRequest",
            object(
                "The new password and the token from the reset link (in the body or in the \
                 `token` query parameter).",
                vec![
                    ("newPassword", true, password("The new password")),
                    (
                        "token",
                        false,
                        described(nullable(Type::String), "The reset token"),
                    ),
                ],
            ),
        ),
        (
            "ChangeEmailRequest",
            object(
                "The new address.",
                vec![
                    ("newEmail", true, email().into()),
                    ("callbackURL", false, callback()),
                ],
            ),
        ),
        (
            "Ok",
            object(
                "The server is up.",
                vec![("ok", true, always_true().into())],
            ),
        ),
        (
            "Status",
            object("Done.", vec![("status", true, always_true().into())]),
        ),
        (
            "Success",
            object("Done.", vec![("success", true, always_true().into())]),
        ),
        (
            "SignUpResponse",
            object(
                "The new user and, unless email verification is required, the session's \
                 handle (the session itself travels in the cookie and `set-auth-token`).",
                vec![
                    (
                        "token",
                        true,
                        described(
                            nullable(Type::String),
                            "The new session's public handle, or `null` while the address \
                             awaits verification",
                        ),
                    ),
                    ("user", true, user()),
                ],
            ),
        ),
        (
            "SignInResponse",
            object(
                "The signed-in user and the session's handle.",
                vec![
                    (
                        "redirect",
                        true,
                        described(boolean(), "Whether a `callbackURL` was given"),
                    ),
                    (
                        "token",
                        true,
                        described(string(), "The session's public handle"),
                    ),
                    (
                        "url",
                        false,
                        described(string(), "The `callbackURL`, when one was given"),
                    ),
                    ("user", true, user()),
                ],
            ),
        ),
        (
            "ChangePasswordResponse",
            object(
                "The user and, when other sessions were revoked, the new session's handle.",
                vec![
                    (
                        "token",
                        true,
                        described(
                            nullable(Type::String),
                            "The new session's handle, or `null` when no session was \
                             re-issued",
                        ),
                    ),
                    ("user", true, user()),
                ],
            ),
        ),
        (
            "DeleteUserResponse",
            object(
                "The user is gone.",
                vec![
                    ("success", true, always_true().into()),
                    (
                        "message",
                        true,
                        string().enum_values(Some(["User deleted"])).into(),
                    ),
                ],
            ),
        ),
        (
            "VerifyEmailResponse",
            object(
                "The address is verified.",
                vec![
                    ("status", true, always_true().into()),
                    (
                        "user",
                        true,
                        OneOfBuilder::new()
                            .item(user())
                            .item(ObjectBuilder::new().schema_type(Type::Null))
                            .description(Some("The user after a change of email, else `null`"))
                            .into(),
                    ),
                ],
            ),
        ),
        (
            "PasswordResetRequested",
            object(
                "The same answer whether or not the address has an account.",
                vec![
                    ("status", true, always_true().into()),
                    ("message", true, string().into()),
                ],
            ),
        ),
    ]
}

fn operations(options: &DescribeOptions) -> Vec<Op> {
    const SIGN: &str = "Sign-up and sign-in";
    const SESSIONS: &str = "Sessions";
    const ACCOUNT: &str = "Account";
    const MAIL: &str = "Email";
    const META: &str = "Meta";
    let status_ok = || ok_json("Done", schema_ref("Status"));
    let mut ops = vec![
        Op::get("/ok", "ok", META, "Liveness of the auth API")
            .static_route()
            .public()
            .reply("200", ok_json("`{ok: true}`", schema_ref("Ok"))),
        Op::get("/error", "error", META, "The error page")
            .description(
                "A small HTML page naming an error (for example after a failed social \
                 sign-in), every value escaped, under a strict Content-Security-Policy.",
            )
            .static_route()
            .public()
            .query("error", false, string(), "The error code to show")
            .query("error_description", false, string(), "A description to show")
            .reply(
                "200",
                ResponseBuilder::new()
                    .description("The page")
                    .content("text/html", json_content(string().into()))
                    .build(),
            )
            .error("400", BAD_QUERY),
        Op::post("/sign-up/email", "signUpEmail", SIGN, "Create an account")
            .description(
                "Creates the user, their credential account and personal organization in \
                 one transaction, then opens a session (unless email verification is \
                 required).",
            )
            .public()
            .json_body(
                "SignUpRequest", true, Some("SignUpForm"),
                json!({"name": "Ada Lovelace", "email": "ada@example.com", "password": "Analytical-Engine-1843"}),
            )
            .reply(
                "200",
                ResponseBuilder::new()
                    .description("The user, signed in")
                    .content(JSON, json_content(schema_ref("SignUpResponse")))
                    .header("Set-Cookie", set_cookie())
                    .header("set-auth-token", set_auth_token())
                    .build(),
            )
            .error(
                "400",
                &bad_request(
                    "`INVALID_EMAIL`, `PASSWORD_TOO_SHORT`, `PASSWORD_TOO_LONG`, \
                     `PASSWORD_TOO_COMMON`, `PASSWORD_CONTAINS_PERSONAL_INFO`, \
                     `FIELD_NOT_ALLOWED`, `EMAIL_PASSWORD_SIGN_UP_DISABLED`",
                ),
            )
            .error(
                "403",
                &forbidden(
                    "`CROSS_SITE_NAVIGATION_LOGIN_BLOCKED`, `INVALID_CALLBACK_URL`; an \
                     `Origin` sent must be trusted even without cookies",
                ),
            )
            .error(
                "422",
                "`USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`: the address has an account",
            ),
        Op::post("/sign-in/email", "signInEmail", SIGN, "Sign in with email and password")
            .public()
            .json_body(
                "SignInRequest", true, Some("SignInForm"),
                json!({"email": "ada@example.com", "password": "Analytical-Engine-1843", "rememberMe": true}),
            )
            .reply(
                "200",
                ResponseBuilder::new()
                    .description("Signed in")
                    .content(JSON, json_content(schema_ref("SignInResponse")))
                    .header("Set-Cookie", set_cookie())
                    .header("set-auth-token", set_auth_token())
                    .header("Location", header("The `callbackURL`, when one was given"))
                    .build(),
            )
            .error("400", &bad_request(""))
            .error(
                "401",
                "`INVALID_EMAIL_OR_PASSWORD`: no such account or a wrong password",
            )
            .error(
                "403",
                &forbidden(
                    "`EMAIL_NOT_VERIFIED` (when verification is required; a fresh link is \
                     mailed), `CROSS_SITE_NAVIGATION_LOGIN_BLOCKED`, `INVALID_CALLBACK_URL`",
                ),
            ),
        Op::post("/sign-out", "signOut", SESSIONS, "Sign out")
            .description(
                "Ends the presented session, if any, and always clears the session cookies.",
            )
            .optional_session()
            .json_body(
                "SignOutRequest", false, None,
                json!({}),
            )
            .reply(
                "200",
                ResponseBuilder::new()
                    .description("Signed out")
                    .content(JSON, json_content(schema_ref("Success")))
                    .header("Set-Cookie", set_cookie())
                    .build(),
            )
            .error("400", &bad_request(""))
            .error("403", &forbidden("`INVALID_CALLBACK_URL`")),
        Op::get("/get-session", "getSession", SESSIONS, "The current session")
            .description(
                "`{session, user}` for the presented session, or `null` without a valid \
                 one (never 401). Served from the `session_data` cookie cache when it is \
                 valid; a read past `SESSION_UPDATE_AGE` slides the expiry and re-issues \
                 the cookie.",
            )
            .optional_session()
            .query(
                "disableCookieCache",
                false,
                boolean(),
                "`true` reads the database instead of the cookie cache",
            )
            .query(
                "disableRefresh",
                false,
                boolean(),
                "`true` never slides the session's expiry",
            )
            .reply(
                "200",
                ResponseBuilder::new()
                    .description("The session and its user, or `null`")
                    .content(
                        JSON,
                        json_content(
                            OneOfBuilder::new()
                                .item(schema_ref("SessionWithUser"))
                                .item(ObjectBuilder::new().schema_type(Type::Null))
                                .into(),
                        ),
                    )
                    .header("Set-Cookie", set_cookie())
                    .header("set-auth-token", set_auth_token())
                    .build(),
            )
            .error("400", BAD_QUERY),
        Op::post(
            "/get-session",
            "getSessionPost",
            SESSIONS,
            "Not offered: use GET",
        )
        .description(
            "better-auth answers POST only with `deferSessionRefresh`, which this server \
             does not use.",
        )
        .static_route()
        .public()
        .error(
            "403",
            &forbidden(""),
        )
        .error(
            "405",
            "`METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED`",
        ),
        Op::get("/list-sessions", "listSessions", SESSIONS, "The user's sessions")
            .description("Every unexpired session of the user. Needs a fresh session.")
            .session()
            .reply(
                "200",
                ok_json(
                    "The sessions",
                    ArrayBuilder::new().items(schema_ref("Session")).into(),
                ),
            )
            .error(
                "403",
                "`SESSION_NOT_FRESH`: the session is older than a day; sign in again",
            ),
        Op::post("/revoke-session", "revokeSession", SESSIONS, "End one session")
            .description(
                "Ends one of the user's sessions by its handle; an unknown handle is not an \
                 error. Ending the current session clears its cookies.",
            )
            .session()
            .json_body(
                "RevokeSessionRequest", true, None,
                json!({"token": "sess_01a2051a2c3775b0a9b61304d19f517e"}),
            )
            .reply("200", status_ok())
            .error("400", &bad_request(""))
            .error("403", &forbidden("")),
        Op::post(
            "/revoke-sessions",
            "revokeSessions",
            SESSIONS,
            "End every session",
        )
        .description("Ends every session of the user, this one included. No body is read.")
        .session()
        .reply("200", status_ok())
        .error("403", &forbidden("")),
        Op::post(
            "/revoke-other-sessions",
            "revokeOtherSessions",
            SESSIONS,
            "End every other session",
        )
        .description("Ends every session of the user but this one. No body is read.")
        .session()
        .reply("200", status_ok())
        .error("403", &forbidden("")),
        Op::post("/update-user", "updateUser", ACCOUNT, "Change name or image")
            .description("Re-issues the session cookie so the cookie cache shows the change.")
            .session()
            .json_body(
                "UpdateUserRequest", true, None,
                json!({"name": "Ada King"}),
            )
            .reply("200", status_ok())
            .reply(
                "400",
                message_error(&bad_request(
                    "`EMAIL_CAN_NOT_BE_UPDATED`, `FIELD_NOT_ALLOWED`; \"No fields to update\" \
                     (no `code`) for an empty body",
                )),
            )
            .error("403", &forbidden(""))
            .error(
                "409",
                "`CONFLICT`: the user was changed concurrently; retry",
            ),
        Op::post(
            "/change-password",
            "changePassword",
            ACCOUNT,
            "Change the password",
        )
        .description(
            "Checks the current password (the per-account throttle applies), sets the new \
             one and, with `revokeOtherSessions`, ends every session and opens a new one.",
        )
        .session()
        .json_body(
                "ChangePasswordRequest", true, None,
                json!({"currentPassword": "Analytical-Engine-1843", "newPassword": "Difference-Engine-1822", "revokeOtherSessions": true}),
            )
        .reply(
            "200",
            ResponseBuilder::new()
                .description("Changed")
                .content(JSON, json_content(schema_ref("ChangePasswordResponse")))
                .header("Set-Cookie", set_cookie())
                .header("set-auth-token", set_auth_token())
                .build(),
        )
        .error(
            "400",
            &bad_request(
                "`INVALID_PASSWORD` (the current password is wrong), `PASSWORD_TOO_SHORT`, \
                 `PASSWORD_TOO_LONG`, `PASSWORD_TOO_COMMON`, \
                 `PASSWORD_CONTAINS_PERSONAL_INFO`, `CREDENTIAL_ACCOUNT_NOT_FOUND`",
            ),
        )
        .error("403", &forbidden(""))
        .error("409", "`CONFLICT`: the account was changed concurrently; retry"),
        Op::post(
            "/verify-password",
            "verifyPassword",
            ACCOUNT,
            "Check the password",
        )
        .session()
        .json_body(
                "VerifyPasswordRequest", true, None,
                json!({"password": "Analytical-Engine-1843"}),
            )
        .reply("200", status_ok())
        .error(
            "400",
            &bad_request("`INVALID_PASSWORD`, `CREDENTIAL_ACCOUNT_NOT_FOUND`"),
        )
        .error("403", &forbidden("")),
    ];
    if options.delete_user_enabled {
        ops.push(
            Op::post("/delete-user", "deleteUser", ACCOUNT, "Delete the account")
                .description(
                    "Deletes the user and everything that is only theirs, ends every \
                     session and clears the cookies. Needs the password when the user has \
                     one, and a fresh session otherwise. Not mounted when \
                     `DELETE_USER_ENABLED=false` (and then not described here).",
                )
                .session()
                .json_body(
                    "DeleteUserRequest",
                    false,
                    None,
                    json!({"password": "Analytical-Engine-1843"}),
                )
                .reply(
                    "200",
                    ResponseBuilder::new()
                        .description("Deleted")
                        .content(JSON, json_content(schema_ref("DeleteUserResponse")))
                        .header("Set-Cookie", set_cookie())
                        .build(),
                )
                .error(
                    "400",
                    &bad_request(
                        "`INVALID_PASSWORD`, `SESSION_EXPIRED` (no password and the session \
                         is not fresh)",
                    ),
                )
                .error("403", &forbidden("`INVALID_CALLBACK_URL`"))
                .error("404", "`INVALID_TOKEN`: a `token` was sent")
                .error(
                    "409",
                    "`CONFLICT`: the user was changed concurrently; retry",
                ),
        );
    }
    ops.extend([
        Op::post(
            "/send-verification-email",
            "sendVerificationEmail",
            MAIL,
            "Mail a verification link",
        )
        .description(
            "Without a session, always the same answer (whether or not the address has an \
             unverified account). With a session, only for the user's own unverified \
             address.",
        )
        .optional_session()
        .json_body(
            "SendVerificationEmailRequest",
            true,
            None,
            json!({"email": "ada@example.com", "callbackURL": "/welcome"}),
        )
        .reply("200", status_ok())
        .error(
            "400",
            &bad_request("`EMAIL_MISMATCH`, `EMAIL_ALREADY_VERIFIED` (with a session)"),
        )
        .error("403", &forbidden("`INVALID_CALLBACK_URL`")),
        Op::get(
            "/verify-email",
            "verifyEmail",
            MAIL,
            "Follow a verification link",
        )
        .description(
            "Verifies the address (or completes a change of email). With a \
                 `callbackURL` the answer is a redirect there, with `?error=<CODE>` on \
                 failure; without one, JSON. Opens a session when \
                 `AUTO_SIGN_IN_AFTER_VERIFICATION` is on.",
        )
        .public()
        .query("token", true, string(), "The token from the mailed link")
        .query(
            "callbackURL",
            false,
            string(),
            "A same-site path or a trusted URL to redirect to",
        )
        .reply(
            "200",
            ResponseBuilder::new()
                .description("Verified")
                .content(JSON, json_content(schema_ref("VerifyEmailResponse")))
                .header("Set-Cookie", set_cookie())
                .header("set-auth-token", set_auth_token())
                .build(),
        )
        .reply(
            "302",
            redirect("To `callbackURL` (with `?error=<CODE>` when the token is bad)"),
        )
        .error("400", BAD_QUERY)
        .error(
            "401",
            "`INVALID_TOKEN`, `TOKEN_EXPIRED`, `USER_NOT_FOUND` (without `callbackURL`)",
        )
        .error("403", "`INVALID_CALLBACK_URL`"),
        Op::post(
            "/request-password-reset",
            "requestPasswordReset",
            MAIL,
            "Mail a password-reset link",
        )
        .description(
            "The same answer, in the same time, whether or not the address has an account.",
        )
        .public()
        .json_body(
            "RequestPasswordResetRequest",
            true,
            None,
            json!({"email": "ada@example.com", "redirectTo": "/reset-password"}),
        )
        .reply(
            "200",
            ok_json("Requested", schema_ref("PasswordResetRequested")),
        )
        .error("400", &bad_request(""))
        .error("403", &forbidden("`INVALID_REDIRECT_URL`")),
        Op::post(
            "/reset-password",
            "resetPassword",
            MAIL,
            "Set a new password with a reset token",
        )
        .description("The token is single use; every session of the user ends.")
        .public()
        .query(
            "token",
            false,
            string(),
            "The reset token, when the body does not carry it",
        )
        .json_body(
            "ResetPasswordRequest",
            true,
            None,
            json!({"newPassword": "Difference-Engine-1822", "token": "the-token-from-the-link"}),
        )
        .reply("200", status_ok())
        .error(
            "400",
            &bad_request(
                "`INVALID_TOKEN` (unknown, used, expired or missing), `PASSWORD_TOO_SHORT`, \
                 `PASSWORD_TOO_LONG`, `PASSWORD_TOO_COMMON`, \
                 `PASSWORD_CONTAINS_PERSONAL_INFO`",
            ),
        )
        .error("403", &forbidden("")),
        Op::get(
            "/reset-password/{token}",
            "resetPasswordCallback",
            MAIL,
            "Follow a password-reset link",
        )
        .description(
            "Redirects to the app's reset page with `?token=` when the token is valid, \
             with `?error=INVALID_TOKEN` when not. The token is not used up here.",
        )
        .public()
        .path_param("token", "The token from the mailed link")
        .query(
            "callbackURL",
            true,
            string(),
            "The app's reset page: a same-site path or a trusted URL",
        )
        .reply("302", redirect("To `callbackURL` with `token` or `error`"))
        .error(
            "400",
            "`VALIDATION_ERROR`: `callbackURL` is missing, or a parameter is given twice",
        )
        .error("403", "`INVALID_CALLBACK_URL`"),
        Op::post(
            "/change-email",
            "changeEmail",
            MAIL,
            "Change the email address",
        )
        .description(
            "Mails a confirmation link to the new address; the answer is the same when \
                 the address is taken (nothing is sent then). Needs a fresh session.",
        )
        .session()
        .json_body(
            "ChangeEmailRequest",
            true,
            None,
            json!({"newEmail": "ada@lovelace.example", "callbackURL": "/settings"}),
        )
        .reply("200", status_ok())
        .reply(
            "400",
            message_error(&bad_request(
                "`CHANGE_EMAIL_DISABLED`; \"Email is the same\" (no `code`)",
            )),
        )
        .error(
            "403",
            &forbidden("`SESSION_NOT_FRESH`, `INVALID_CALLBACK_URL`"),
        ),
        Op::get("/openapi.json", "openapi", META, "This document")
            .static_route()
            .public()
            .reply(
                "200",
                ok_json(
                    "The OpenAPI 3.1 document",
                    ObjectBuilder::new().schema_type(Type::Object).into(),
                ),
            ),
        Op::get(
            "/reference",
            "reference",
            META,
            "This document as a web page",
        )
        .description("Rendered once at start-up; works offline (no scripts, no CDN).")
        .static_route()
        .public()
        .reply(
            "200",
            ResponseBuilder::new()
                .description("The page")
                .content("text/html", json_content(string().into()))
                .build(),
        ),
    ]);
    ops
}

/// The `paths` object for a server configured with `options`.
pub(super) fn paths(options: &DescribeOptions) -> Paths {
    let mut paths = PathsBuilder::new().build();
    for op in operations(options) {
        let (method, path, operation) = op.finish();
        paths.add_path_operation(path, vec![method], operation);
    }
    paths
}
