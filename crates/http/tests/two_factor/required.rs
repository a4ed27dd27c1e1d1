//! `TWO_FACTOR_REQUIRED`: a user without a second factor may only enrol until they have one.

use crate::on_both;
use crate::support::{Options, TestServer};
use crate::{authenticator, code_now, enable};
use beep_store::Backend;
use serde_json::json;

on_both!(
    an_unenrolled_session_may_only_enrol_until_a_code_confirms => enrol_first,
);

async fn enrol_first(backend: Backend) {
    let options = Options {
        two_factor_required: true,
        ..Options::without_cookie_cache()
    };
    let server = TestServer::with(backend, options).await;
    let session = server.sign_up("must@example.com").await;

    let refused = server
        .post("/update-user", json!({"name": "New Name"}), Some(&session))
        .await;
    let orgs = server.get("/organization/list", Some(&session)).await;
    let own = server.get("/get-session", Some(&session)).await;
    let enabled = enable(&server, &session).await;
    let totp = authenticator(enabled.json["totpURI"].as_str().unwrap());
    let confirmed = server
        .post(
            "/two-factor/verify-totp",
            json!({"code": code_now(&server, &totp)}),
            Some(&session),
        )
        .await;
    let enrolled = session.after(&confirmed);
    let allowed = server
        .post("/update-user", json!({"name": "New Name"}), Some(&enrolled))
        .await;

    assert_eq!(
        refused.error(),
        (403, "TWO_FACTOR_ENROLMENT_REQUIRED".into())
    );
    assert_eq!(orgs.error(), (403, "TWO_FACTOR_ENROLMENT_REQUIRED".into()));
    assert_eq!(own.json["user"]["twoFactorEnabled"], false);
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_eq!(allowed.status, 200, "{}", allowed.text);
}
