//! Second-factor helpers shared by the test binaries: a user with TOTP on (codes from the
//! independent `totp-rs`), a password sign-in that leaves a challenge, and the challenge's
//! cookie.

use super::{PASSWORD, Reply, Session, TestServer};
use serde_json::{Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

/// The `two_factor` cookie's full name on the test servers.
pub const CHALLENGE: &str = "better-auth.two_factor";
/// The `trust_device` cookie's full name on the test servers.
pub const TRUST: &str = "better-auth.trust_device";

/// A user with two-factor on.
pub struct Enrolled {
    pub email: String,
    /// The session after the confirming code (the one before it was replaced).
    pub session: Session,
    /// The TOTP secret, as an authenticator app read it from the URI.
    pub totp: TOTP,
    pub backup_codes: Vec<String>,
}

/// The authenticator for a `otpauth://` URI, read by `totp-rs`.
pub fn authenticator(uri: &str) -> TOTP {
    let secret = uri
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("secret="))
        .expect("a secret in the URI");
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap()
}

/// The code the authenticator shows at the server's time.
pub fn code_now(server: &TestServer, totp: &TOTP) -> String {
    let now = u64::try_from(server.auth.now().timestamp()).unwrap();
    totp.generate(now)
}

/// Moves the server's clock to the next TOTP step and answers that step's code (each code
/// is good once, so every new check needs a later step).
pub fn next_code(server: &TestServer, totp: &TOTP) -> String {
    server.clock.advance(chrono::Duration::seconds(30));
    code_now(server, totp)
}

/// `POST /two-factor/enable` with the standard password.
pub async fn enable(server: &TestServer, session: &Session) -> Reply {
    server
        .post(
            "/two-factor/enable",
            json!({"password": PASSWORD}),
            Some(session),
        )
        .await
}

/// Signs `email` up and turns two-factor on (enable, then a first code with the session).
pub async fn enrolled(server: &TestServer, email: &str) -> Enrolled {
    let session = server.sign_up(email).await;
    let enabled = enable(server, &session).await;
    assert_eq!(enabled.status, 200, "{}", enabled.text);
    let totp = authenticator(enabled.json["totpURI"].as_str().unwrap());
    let backup_codes = enabled.json["backupCodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let confirmed = server
        .post(
            "/two-factor/verify-totp",
            json!({"code": code_now(server, &totp)}),
            Some(&session),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    Enrolled {
        email: email.to_owned(),
        session: session.after(&confirmed),
        totp,
        backup_codes,
    }
}

/// `POST /sign-in/email` with the standard password and an optional `Cookie` header.
pub async fn first_factor(server: &TestServer, email: &str, cookie: Option<&str>) -> Reply {
    let mut request = server
        .http
        .post(server.url("/sign-in/email"))
        .header("origin", &server.base)
        .json(&json!({"email": email, "password": PASSWORD}));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    server.send(request).await
}

/// The `Cookie` header that carries the challenge a first factor left.
pub fn challenge_of(reply: &Reply) -> String {
    let value = reply.cookie_value(CHALLENGE).expect("a two_factor cookie");
    format!("{CHALLENGE}={value}")
}

/// Signs in with the password and answers the challenge's `Cookie` header.
pub async fn challenged(server: &TestServer, email: &str) -> String {
    let reply = first_factor(server, email, None).await;
    assert_eq!(reply.json["twoFactorRedirect"], true, "{}", reply.text);
    challenge_of(&reply)
}

/// `POST path` with a raw `Cookie` header, from the trusted origin.
pub async fn post_with_cookie(server: &TestServer, path: &str, body: Value, cookie: &str) -> Reply {
    let request = server
        .http
        .post(server.url(path))
        .header("origin", &server.base)
        .header("cookie", cookie)
        .json(&body);
    server.send(request).await
}

/// `POST /two-factor/verify-totp {code}` with the challenge's `Cookie` header.
pub async fn verify_totp(server: &TestServer, code: &str, challenge: &str) -> Reply {
    post_with_cookie(
        server,
        "/two-factor/verify-totp",
        json!({ "code": code }),
        challenge,
    )
    .await
}

/// Whether the session a reply set is valid (get-session answers its user).
pub async fn signs_in(server: &TestServer, reply: &Reply) -> bool {
    let Some(token) = reply.cookie_value("better-auth.session_token") else {
        return false;
    };
    if token.is_empty() {
        return false;
    }
    let session = server
        .get_with_cookie(
            "/get-session",
            &format!("better-auth.session_token={token}"),
        )
        .await;
    !session.json.is_null()
}
