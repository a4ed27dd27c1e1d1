//! The passkey family in the OpenAPI document, derived from its request and answer types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{Op, bad_request, collect, forbidden};
use crate::wire::SessionWithUser;
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "Passkeys",
    "WebAuthn credentials (better-auth's passkey plugin). Register from a signed-in session \
     whose sign-in is less than a day old; sign in with no password and no email typed. \
     Each ceremony starts with options and the signed `better-auth-passkey` cookie (a \
     challenge good once, for 5 minutes). A two-factor user whose authenticator did not \
     verify them gets the second-factor challenge; a passkey also answers that challenge \
     after a password.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<VerifyRegistrationBody>(&mut all);
    collect::<VerifyAuthenticationBody>(&mut all);
    collect::<UpdatePasskeyBody>(&mut all);
    collect::<DeletePasskeyBody>(&mut all);
    collect::<PasskeyJson>(&mut all);
    collect::<UpdatedPasskeyJson>(&mut all);
    collect::<PasskeyStatusJson>(&mut all);
    collect::<CreationOptionsJson>(&mut all);
    collect::<RequestOptionsJson>(&mut all);
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

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    let response = json!({
        "id": "<base64url credential id>",
        "rawId": "<base64url credential id>",
        "type": "public-key",
        "response": {"clientDataJSON": "<base64url>", "attestationObject": "<base64url>"},
        "clientExtensionResults": {}
    });
    vec![
        get(
            "/passkey/generate-register-options",
            "generatePasskeyRegistrationOptions",
            "Start registering a passkey",
        )
        .description(
            "Creation options for `navigator.credentials.create` and the challenge cookie. \
             The user's passkeys are excluded, so one authenticator registers once.",
        )
        .session()
        .params_of::<RegisterOptionsQuery>()
        .ok_of::<CreationOptionsJson>("`PublicKeyCredentialCreationOptionsJSON`")
        .error("400", &bad_request(""))
        .error("403", &forbidden("`SESSION_NOT_FRESH`")),
        post(
            "/passkey/verify-registration",
            "passkeyVerifyRegistration",
            "Finish registering a passkey",
        )
        .description(
            "Checks the authenticator's answer against the challenge, the origin and the \
             relying party id, and stores the passkey.",
        )
        .session()
        .body_of::<VerifyRegistrationBody>(json!({"response": response, "name": "Laptop"}))
        .ok_of::<PasskeyJson>("The passkey")
        .error(
            "400",
            &bad_request(
                "`CHALLENGE_NOT_FOUND`, `FAILED_TO_VERIFY_REGISTRATION` (also a credential \
                 registered already), `TOO_MANY_PASSKEYS`",
            ),
        )
        .error(
            "401",
            "`YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY`: another user's ceremony",
        )
        .error("403", &forbidden("`SESSION_NOT_FRESH`")),
        get(
            "/passkey/generate-authenticate-options",
            "passkeyGenerateAuthenticateOptions",
            "Start signing in with a passkey",
        )
        .description(
            "Request options for `navigator.credentials.get` and the challenge cookie. With a \
             session, or a `two_factor` cookie, the caller's passkeys are named; otherwise \
             none are (the authenticator offers its discoverable credentials).",
        )
        .optional_session()
        .ok_of::<RequestOptionsJson>("`PublicKeyCredentialRequestOptionsJSON`"),
        post(
            "/passkey/verify-authentication",
            "passkeyVerifyAuthentication",
            "Sign in with a passkey",
        )
        .description(
            "Checks the signature with the stored key and the counter (a counter that goes \
             back is refused). Answers `{session, user}` with the session's cookies, or \
             `{twoFactorRedirect, twoFactorMethods}` with the `two_factor` cookie when a \
             two-factor user's authenticator did not verify them. With a `two_factor` cookie \
             of the passkey's user, the passkey is that sign-in's second factor.",
        )
        .public()
        .body_of::<VerifyAuthenticationBody>(json!({"response": {
            "id": "<base64url credential id>",
            "rawId": "<base64url credential id>",
            "type": "public-key",
            "response": {
                "clientDataJSON": "<base64url>",
                "authenticatorData": "<base64url>",
                "signature": "<base64url>"
            }
        }}))
        .ok_of::<SessionWithUser>(
            "`{session, user}` with the session's cookies (or `{twoFactorRedirect, \
             twoFactorMethods}`, as `/sign-in/email`)",
        )
        .error("400", &bad_request("`CHALLENGE_NOT_FOUND`"))
        .error(
            "401",
            "`PASSKEY_NOT_FOUND`: no passkey has this credential id; `AUTHENTICATION_FAILED`: \
             the signature, challenge, origin or counter did not check",
        )
        .error("403", &forbidden("")),
        get(
            "/passkey/list-user-passkeys",
            "listPasskeys",
            "List the user's passkeys",
        )
        .session()
        .ok_list_of::<PasskeyJson>("The passkeys, oldest first"),
        post(
            "/passkey/update-passkey",
            "updatePasskey",
            "Rename a passkey",
        )
        .session()
        .body_of::<UpdatePasskeyBody>(json!({"id": "pk_…", "name": "Phone"}))
        .ok_of::<UpdatedPasskeyJson>("`{passkey}`")
        .error("400", &bad_request(""))
        .error("403", &forbidden(""))
        .error(
            "404",
            "`PASSKEY_NOT_FOUND`: none of the user's passkeys has this id",
        ),
        post(
            "/passkey/delete-passkey",
            "deletePasskey",
            "Delete a passkey",
        )
        .session()
        .body_of::<DeletePasskeyBody>(json!({"id": "pk_…"}))
        .ok_of::<PasskeyStatusJson>("`{status: true}`")
        .error("400", &bad_request(""))
        .error("403", &forbidden(""))
        .error(
            "404",
            "`PASSKEY_NOT_FOUND`: none of the user's passkeys has this id",
        ),
    ]
}
