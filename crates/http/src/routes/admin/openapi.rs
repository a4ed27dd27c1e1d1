//! The admin family in the OpenAPI document, derived from its request and answer types.

use super::requests::*;
use super::wire::*;
use crate::openapi::builder::{Op, bad_request, collect, empty, forbidden};
use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// The tag of the family, and what the reference page says of it.
pub(crate) const TAG: (&str, &str) = (
    "Admin",
    "User management for operators (better-auth's admin plugin). An admin holds an admin role \
     (`ADMIN_ROLES`, default `admin`) or is listed in `ADMIN_USER_IDS`; `beep-iam user create \
     --role admin` makes the first one. Every route answers 401 with an empty body without a \
     session, and 403 `YOU_ARE_NOT_ALLOWED_TO_…` without the permission. A ban ends every \
     session of the user at once and refuses new ones with 403 `BANNED_USER`.",
);

/// Every schema the family's operations refer to.
pub(crate) fn schemas() -> Vec<(String, RefOr<Schema>)> {
    let mut all = Vec::new();
    collect::<CreateUserBody>(&mut all);
    collect::<CreateUserData>(&mut all);
    collect::<UpdateUserBody>(&mut all);
    collect::<UpdateUserData>(&mut all);
    collect::<SetRoleBody>(&mut all);
    collect::<BanUserBody>(&mut all);
    collect::<UserIdBody>(&mut all);
    collect::<RevokeUserSessionBody>(&mut all);
    collect::<SetUserPasswordBody>(&mut all);
    collect::<AdminPermissionBody>(&mut all);
    collect::<UserListJson>(&mut all);
    collect::<UserEnvelopeJson>(&mut all);
    collect::<UserSessionsJson>(&mut all);
    collect::<AdminSignedInJson>(&mut all);
    collect::<AdminSuccessJson>(&mut all);
    collect::<AdminStatusJson>(&mut all);
    collect::<AdminPermissionJson>(&mut all);
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.dedup_by(|a, b| a.0 == b.0);
    all
}

/// An admin route: a session is required, and without one the answer has no body.
fn admin(op: Op) -> Op {
    op.session_answering("401", empty("No session (empty body)"))
}

fn get(path: &'static str, id: &str, summary: &str) -> Op {
    admin(Op::get(path, id, TAG.0, summary))
}

fn post(path: &'static str, id: &str, summary: &str) -> Op {
    admin(Op::post(path, id, TAG.0, summary))
}

fn refused(code: &str) -> String {
    forbidden(&format!("`{code}`: the caller's roles do not allow it"))
}

const NOT_FOUND: &str = "`USER_NOT_FOUND`: no user has that id";

/// Every operation of the family.
pub(crate) fn operations() -> Vec<Op> {
    vec![
        get("/admin/list-users", "adminListUsers", "List users")
            .description(
                "A page of users (100 unless `limit` says, at most 1000), oldest first unless \
                 `sortBy` says otherwise; `searchValue` looks in `email` or `name` regardless \
                 of case; one filter compares a field. `limit` and `offset` are echoed when \
                 given and not zero.",
            )
            .params_of::<ListUsersQuery>()
            .ok_of::<UserListJson>("`{users, total, limit?, offset?}`")
            .error(
                "400",
                "`VALIDATION_ERROR`: an unknown field, operator or direction, or a value of \
                 the wrong type",
            )
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")),
        get("/admin/get-user", "adminGetUser", "Read a user")
            .params_of::<GetUserQuery>()
            .ok_of::<crate::wire::UserJson>("The user")
            .error("400", "`VALIDATION_ERROR`: no `id`")
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_GET_USER"))
            .error("404", NOT_FOUND),
        post("/admin/create-user", "adminCreateUser", "Create a user")
            .description(
                "A new user with the personal organization every user gets, and a password \
                 account when `password` is given (the usual password rules apply). Roles \
                 need `user:set-role`. No session is opened.",
            )
            .body_of::<CreateUserBody>(
                json!({"email": "ada@example.com", "name": "Ada", "password": "correct horse battery", "role": "user"}),
            )
            .ok_of::<UserEnvelopeJson>("`{user}`")
            .error(
                "400",
                &bad_request(
                    "`USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`, `INVALID_EMAIL`, \
                     `PASSWORD_TOO_SHORT`, `YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE`",
                ),
            )
            .error(
                "403",
                &refused("YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS` or `YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE"),
            ),
        post("/admin/update-user", "adminUpdateUser", "Change a user")
            .description(
                "Changes profile fields; the address (`user:set-email`), roles \
                 (`user:set-role`) and the ban (`user:ban`, which ends the user's sessions) \
                 need their own permissions. Answers the user itself.",
            )
            .body_of::<UpdateUserBody>(json!({"userId": "user_…", "data": {"name": "Ada L."}}))
            .ok_of::<crate::wire::UserJson>("The user as it is now")
            .error(
                "400",
                &bad_request(
                    "`NO_DATA_TO_UPDATE`, `PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER`, \
                     `USER_ID_CANNOT_BE_UPDATED`, `USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`, \
                     `YOU_CANNOT_BAN_YOURSELF`",
                ),
            )
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS"))
            .error("404", NOT_FOUND),
        post("/admin/set-role", "adminSetRole", "Set a user's roles")
            .body_of::<SetRoleBody>(json!({"userId": "user_…", "role": "admin"}))
            .ok_of::<UserEnvelopeJson>("`{user}`")
            .error(
                "400",
                &bad_request("`YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE`: not `user` or an admin role"),
            )
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE"))
            .error("404", NOT_FOUND),
        post("/admin/ban-user", "adminBanUser", "Ban a user")
            .description(
                "Bans the user (for `banExpiresIn` seconds, else until lifted) and ends all \
                 of their sessions on every node; new sessions are refused with `BANNED_USER`.",
            )
            .body_of::<BanUserBody>(json!({"userId": "user_…", "banReason": "spam", "banExpiresIn": 86_400}))
            .ok_of::<UserEnvelopeJson>("`{user}`")
            .error("400", &bad_request("`YOU_CANNOT_BAN_YOURSELF`"))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"))
            .error("404", NOT_FOUND),
        post("/admin/unban-user", "adminUnbanUser", "Lift a ban")
            .body_of::<UserIdBody>(json!({"userId": "user_…"}))
            .ok_of::<UserEnvelopeJson>("`{user}`")
            .error("400", &bad_request(""))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_BAN_USERS"))
            .error("404", NOT_FOUND),
        post("/admin/list-user-sessions", "adminListUserSessions", "List a user's sessions")
            .description("The user's unexpired sessions, impersonations included.")
            .body_of::<UserIdBody>(json!({"userId": "user_…"}))
            .ok_of::<UserSessionsJson>("`{sessions}`")
            .error("400", &bad_request(""))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS")),
        post("/admin/revoke-user-session", "adminRevokeUserSession", "End one session")
            .body_of::<RevokeUserSessionBody>(json!({"sessionToken": "sess_…"}))
            .ok_of::<AdminSuccessJson>("`{success: true}`, also for an unknown session")
            .error("400", &bad_request(""))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")),
        post("/admin/revoke-user-sessions", "adminRevokeUserSessions", "End all of a user's sessions")
            .body_of::<UserIdBody>(json!({"userId": "user_…"}))
            .ok_of::<AdminSuccessJson>("`{success: true}`")
            .error("400", &bad_request(""))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")),
        post("/admin/remove-user", "adminRemoveUser", "Delete a user")
            .description("Deletes the user as delete-user would; never the caller.")
            .body_of::<UserIdBody>(json!({"userId": "user_…"}))
            .ok_of::<AdminSuccessJson>("`{success: true}`")
            .error("400", &bad_request("`YOU_CANNOT_REMOVE_YOURSELF`"))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS"))
            .error("404", NOT_FOUND),
        post("/admin/set-user-password", "adminSetUserPassword", "Set a user's password")
            .description(
                "The usual password rules apply; earlier reset links die and the user is \
                 told by mail. Sessions stay.",
            )
            .body_of::<SetUserPasswordBody>(json!({"userId": "user_…", "newPassword": "correct horse battery"}))
            .ok_of::<AdminStatusJson>("`{status: true}`")
            .error("400", &bad_request("`PASSWORD_TOO_SHORT`, `PASSWORD_TOO_LONG`, `PASSWORD_COMPROMISED`"))
            .error("403", &refused("YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD"))
            .error("404", NOT_FOUND),
        post("/admin/impersonate-user", "adminImpersonateUser", "Act as a user")
            .description(
                "Opens a one-hour, never-remembered session as the user (marked \
                 `impersonatedBy`) and puts it in the cookie; the admin's own session waits \
                 in the signed `admin_session` cookie. Admins cannot impersonate admins \
                 (a user listed in `ADMIN_USER_IDS` can). Audited.",
            )
            .body_of::<UserIdBody>(json!({"userId": "user_…"}))
            .ok_of::<AdminSignedInJson>("`{session, user}` of the impersonation")
            .error("400", &bad_request(""))
            .error(
                "403",
                &refused("YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS` (or `YOU_CANNOT_IMPERSONATE_ADMINS`, `BANNED_USER`"),
            )
            .error("404", NOT_FOUND),
        post("/admin/stop-impersonating", "adminStopImpersonating", "Stop acting as a user")
            .description(
                "Ends the impersonation session and puts the admin's own session back in \
                 the cookie.",
            )
            .ok_of::<AdminSignedInJson>("`{session, user}` of the admin")
            .error(
                "400",
                "`YOU_ARE_NOT_IMPERSONATING_ANYONE`, or `FAILED_TO_FIND_ADMIN_SESSION` (the \
                 `admin_session` cookie is missing, forged or its session ended)",
            )
            .error("403", &forbidden("")),
        post("/admin/has-permission", "adminHasPermission", "Check admin permissions")
            .description(
                "Whether the caller may do all of `permissions` (resources `user` and \
                 `session`). A denial is still 200, with `success: false`.",
            )
            .body_of::<AdminPermissionBody>(json!({"permissions": {"user": ["ban"]}}))
            .ok_of::<AdminPermissionJson>("`{error: null, success}`")
            .error("400", &bad_request(""))
            .error("403", &forbidden("")),
    ]
}
