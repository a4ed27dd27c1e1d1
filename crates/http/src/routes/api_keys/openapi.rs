//! The API-key family in the OpenAPI document, derived from its request and answer types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{Op, bad_request, collect, forbidden};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "API keys",
    "Keys a program presents in `x-api-key` (better-auth's api-key plugin, 1.7 shape). The \
     key is shown once, at creation; only its SHA-256 is stored. Each use is counted against \
     the key's expiry, its uses left and its rate limit (10 per day unless the operator says \
     otherwise); with `API_KEY_SESSIONS=true` a user's key stands for their session. Keys \
     of an organization are managed by its owners. Limits, refills and permissions are \
     server-only: a request that sets one is refused with `SERVER_ONLY_PROPERTY`.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<CreateApiKeyBody>(&mut all);
    collect::<UpdateApiKeyBody>(&mut all);
    collect::<DeleteApiKeyBody>(&mut all);
    collect::<VerifyApiKeyBody>(&mut all);
    collect::<ServerOnlyFields>(&mut all);
    collect::<ApiKeyJson>(&mut all);
    collect::<CreatedApiKeyJson>(&mut all);
    collect::<ApiKeyListJson>(&mut all);
    collect::<ApiKeyDeletedJson>(&mut all);
    collect::<VerifiedApiKeyJson>(&mut all);
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

const NOT_FOUND: &str = "`KEY_NOT_FOUND`: no key of the caller (or of an organization they \
                         own) has that id";
const ORGANIZATION: &str = "`USER_NOT_MEMBER_OF_ORGANIZATION`, \
                            `INSUFFICIENT_API_KEY_PERMISSIONS` (organization keys: owners only)";

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    vec![
        post("/api-key/create", "createApiKey", "Create an API key")
            .description(
                "Makes a key for the caller, or for an organization they own \
                 (`organizationId`). The answer carries the key in `key`: it cannot be read \
                 again.",
            )
            .session()
            .body_of::<CreateApiKeyBody>(json!({"name": "ci", "expiresIn": 2_592_000}))
            .ok_of::<CreatedApiKeyJson>("The key's row and the key")
            .error(
                "400",
                &bad_request(
                    "`INVALID_NAME_LENGTH`, `INVALID_PREFIX_LENGTH`, `EXPIRES_IN_IS_TOO_SMALL`, \
                     `EXPIRES_IN_IS_TOO_LARGE`, `METADATA_DISABLED`, `INVALID_METADATA_TYPE`, \
                     `SERVER_ONLY_PROPERTY`",
                ),
            )
            .error("403", &forbidden(ORGANIZATION)),
        get("/api-key/get", "getApiKey", "Read an API key")
            .description("The key's row, without the key.")
            .session()
            .params_of::<GetApiKeyQuery>()
            .ok_of::<ApiKeyJson>("The key's row")
            .error("400", &bad_request(""))
            .error("403", ORGANIZATION)
            .error("404", NOT_FOUND),
        get("/api-key/list", "listApiKeys", "List API keys")
            .description(
                "The caller's keys, or those of an organization they own, oldest first \
                 unless `sortBy`/`sortDirection` say otherwise.",
            )
            .session()
            .params_of::<ListApiKeysQuery>()
            .ok_of::<ApiKeyListJson>("`{apiKeys, total, limit?, offset?}`")
            .error(
                "400",
                "`VALIDATION_ERROR`: an unknown sort, or `limit` above 1000",
            )
            .error("403", ORGANIZATION),
        post("/api-key/update", "updateApiKey", "Change an API key")
            .description(
                "Renames, turns on or off, sets metadata or a new lifetime (`expiresIn: null` \
                 removes the expiry).",
            )
            .session()
            .body_of::<UpdateApiKeyBody>(json!({"keyId": "ak_…", "enabled": false}))
            .ok_of::<ApiKeyJson>("The key's row as it is now")
            .error(
                "400",
                &bad_request("`NO_VALUES_TO_UPDATE`, `SERVER_ONLY_PROPERTY` and create's codes"),
            )
            .error("403", &forbidden(ORGANIZATION))
            .error("404", NOT_FOUND),
        post("/api-key/delete", "deleteApiKey", "Delete an API key")
            .session()
            .body_of::<DeleteApiKeyBody>(json!({"keyId": "ak_…"}))
            .ok_of::<ApiKeyDeletedJson>("`{success: true}`")
            .error("400", &bad_request(""))
            .error("403", &forbidden(ORGANIZATION))
            .error("404", NOT_FOUND),
        post("/api-key/verify", "verifyApiKey", "Check an API key")
            .description(
                "For resource servers: checks the key (and `permissions`, when given) and \
                 counts the use. Always 200: `{valid: true, error: null, key}`, or \
                 `{valid: false, error: {message, code}, key: null}` with `INVALID_API_KEY`, \
                 `KEY_DISABLED`, `KEY_EXPIRED`, `KEY_NOT_FOUND` (a permission missing), \
                 `USAGE_EXCEEDED` or `RATE_LIMITED` (with `details.tryAgainIn`, ms). \
                 better-auth serves this to its own server only.",
            )
            .public()
            .body_of::<VerifyApiKeyBody>(json!({"key": "…", "permissions": {"files": ["read"]}}))
            .ok_of::<VerifiedApiKeyJson>("`{valid, error, key}`")
            .error("400", &bad_request(""))
            .error("403", &forbidden("")),
    ]
}
