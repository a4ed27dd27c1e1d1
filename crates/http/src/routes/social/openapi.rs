//! The social family in the OpenAPI document, derived from its request and answer types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{BAD_QUERY, Op, bad_request, collect, forbidden, redirect};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "Social sign-in",
    "Sign-in with OAuth and OpenID Connect providers (Google, Microsoft, LinkedIn, GitHub, \
     Discord, Twitter/X and any OpenID Connect issuer), linking them to an account, and the \
     provider's tokens for the account's own user.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<SignInSocialBody>(&mut all);
    collect::<UnlinkAccountBody>(&mut all);
    collect::<AccountSelectionBody>(&mut all);
    collect::<SocialRedirectJson>(&mut all);
    collect::<AccountJson>(&mut all);
    collect::<AccessTokenJson>(&mut all);
    collect::<RefreshedTokensJson>(&mut all);
    collect::<AccountInfoJson>(&mut all);
    collect::<StatusJson>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

fn post(path: &'static str, id: &str, summary: &str) -> Op {
    Op::post(path, id, TAG.0, summary)
}

fn get(path: &'static str, id: &str, summary: &str) -> Op {
    Op::get(path, id, TAG.0, summary)
}

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    let account = json!({"accountId": "acct_0190b0b0b0b07000800000000000000a"});
    vec![
        post("/sign-in/social", "signInSocial", "Start a sign-in with a provider")
            .description(
                "Answers the provider's authorization URL (state, PKCE S256 and, for OpenID \
                 Connect, a nonce) and sets the signed browser-binding `state` cookie. The \
                 browser goes there, and the provider sends it back to \
                 `/callback/{providerId}`.",
            )
            .public()
            .body_of::<SignInSocialBody>(json!({"provider": "github", "callbackURL": "/dashboard"}))
            .ok_of::<SocialRedirectJson>("`{url, redirect}`, and the same URL in `Location`")
            .error("400", &bad_request(""))
            .error(
                "403",
                "`INVALID_CALLBACK_URL`, `INVALID_ERROR_CALLBACK_URL`, \
                 `INVALID_NEW_USER_CALLBACK_URL`: not a path nor a trusted origin",
            )
            .error("404", "`PROVIDER_NOT_FOUND`, `ID_TOKEN_NOT_SUPPORTED`")
            .error("502", "`PROVIDER_UNAVAILABLE`: the provider's discovery failed"),
        post("/link-social", "linkSocial", "Start linking a provider to the account")
            .session()
            .body_of::<SignInSocialBody>(json!({"provider": "github", "callbackURL": "/settings"}))
            .ok_of::<SocialRedirectJson>("`{url, redirect}`, and the same URL in `Location`")
            .error("400", &bad_request(""))
            .error("403", &forbidden("`INVALID_CALLBACK_URL`"))
            .error("404", "`PROVIDER_NOT_FOUND`")
            .error("502", "`PROVIDER_UNAVAILABLE`"),
        get("/callback/{provider}", "socialCallback", "The provider's way back")
            .description(
                "Finishes the sign-in (or link): the state is used once and must come from \
                 the browser that started it. Always a 302: to `callbackURL` (or \
                 `newUserCallbackURL`) with the session cookies, or to the error URL with \
                 `?error=` one of `state_not_found`, `state_mismatch`, `access_denied`, \
                 `issuer_mismatch`, `no_code`, `invalid_code`, `invalid_id_token`, \
                 `user_info_failed`, `email_not_found`, `account_not_linked`, \
                 `signup_disabled`, `email_doesn't_match`, \
                 `account_already_linked_to_different_user`.",
            )
            .public()
            .path_param("provider", "The provider's id")
            .params_of::<CallbackQuery>()
            .reply("302", redirect("To the landing URL, or the error URL with `?error=`"))
            .error("400", BAD_QUERY),
        post("/callback/{provider}", "socialCallbackFormPost", "The provider's way back (form_post)")
            .static_route()
            .public()
            .path_param("provider", "The provider's id")
            .reply("302", redirect("To the GET form of the callback, with the same parameters")),
        get("/list-accounts", "listAccounts", "The caller's accounts")
            .session()
            .ok_list_of::<AccountJson>("Every account, the password one included; no secrets"),
        post("/unlink-account", "unlinkAccount", "Remove one of the caller's accounts")
            .session()
            .body_of::<UnlinkAccountBody>(account.clone())
            .ok_of::<StatusJson>("`{status: true}`")
            .error(
                "400",
                &bad_request("`ACCOUNT_NOT_FOUND`, `FAILED_TO_UNLINK_LAST_ACCOUNT`"),
            )
            .error("403", &forbidden("")),
        post("/get-access-token", "getAccessToken", "The provider's access token")
            .description("Refreshed first when it lapses within 5 seconds; calls racing on one account refresh once.")
            .session()
            .body_of::<AccountSelectionBody>(account.clone())
            .ok_of::<AccessTokenJson>("The access token")
            .error(
                "400",
                &bad_request(
                    "`ACCOUNT_NOT_FOUND`, `PROVIDER_NOT_SUPPORTED`, `FAILED_TO_GET_ACCESS_TOKEN`, \
                     `ACCESS_TOKEN_NOT_FOUND`",
                ),
            )
            .error("403", &forbidden("")),
        post("/refresh-token", "refreshToken", "Refresh the provider's tokens now")
            .session()
            .body_of::<AccountSelectionBody>(account)
            .ok_of::<RefreshedTokensJson>("The new access token (the refresh token stays on the server)")
            .error(
                "400",
                &bad_request(
                    "`ACCOUNT_NOT_FOUND`, `PROVIDER_NOT_SUPPORTED`, `REFRESH_TOKEN_NOT_FOUND`, \
                     `FAILED_TO_REFRESH_ACCESS_TOKEN`",
                ),
            )
            .error("403", &forbidden("")),
        get("/account-info", "accountInfo", "The provider's current profile of an account")
            .session()
            .params_of::<AccountInfoQuery>()
            .ok_of::<AccountInfoJson>("`{user, data, account}`")
            .error(
                "400",
                "`VALIDATION_ERROR`, `ACCOUNT_NOT_FOUND`, `PROVIDER_NOT_SUPPORTED`, \
                 `ACCESS_TOKEN_NOT_FOUND`",
            )
            .error("401", "`UNAUTHORIZED`, `FAILED_TO_GET_USER_INFO`"),
    ]
}
