//! better-auth's cookies, byte for byte: names with the optional `__Secure-` prefix, signed
//! values `value.base64(HMAC-SHA256(secret, value))`, URL-encoded, and the attribute order
//! `Max-Age; Path; HttpOnly; Secure; SameSite`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
/// Cookie values are encoded as better-auth encodes them.
pub use beep_domain::uri::encode_uri_component;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderValue, header};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The session cookie (signed token).
pub const SESSION_TOKEN: &str = "session_token";
/// The cookie cache (signed compact session payload).
pub const SESSION_DATA: &str = "session_data";
/// Marks a "don't remember me" session (signed `true`).
pub const DONT_REMEMBER: &str = "dont_remember";
/// During an impersonation: the admin's own session (signed `token:dontRemember`).
pub const ADMIN_SESSION: &str = "admin_session";

/// Reads, signs and writes the server's cookies.
#[derive(Clone)]
pub struct CookieJar {
    prefix: String,
    /// The full names of the session and cache cookies, read on every request.
    session_token_name: String,
    session_data_name: String,
    secure: bool,
    /// HMAC keyed with the server secret once; each MAC starts from a copy of this state
    /// instead of re-deriving the key pads.
    keyed: HmacSha256,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieJar")
            .field("prefix", &self.prefix)
            .field("secure", &self.secure)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl CookieJar {
    /// A jar for cookies named `<prefix>.<name>`, signed with `secret`.
    pub fn new(prefix: &str, secure: bool, secret: &str) -> Self {
        let full = |cookie: &str| {
            let secure = if secure { "__Secure-" } else { "" };
            format!("{secure}{prefix}.{cookie}")
        };
        Self {
            prefix: prefix.to_owned(),
            session_token_name: full(SESSION_TOKEN),
            session_data_name: full(SESSION_DATA),
            secure,
            // HMAC accepts keys of any length; this cannot fail.
            keyed: HmacSha256::new_from_slice(secret.as_bytes()).unwrap_or_else(|_| unreachable!()),
        }
    }

    /// The full cookie name, for example `__Secure-better-auth.session_token`.
    pub fn name(&self, cookie: &str) -> String {
        let secure = if self.secure { "__Secure-" } else { "" };
        format!("{secure}{}.{cookie}", self.prefix)
    }

    /// `value.signature` with a standard, padded base64 HMAC (always 44 characters).
    pub fn sign(&self, value: &str) -> String {
        format!("{value}.{}", STANDARD.encode(self.mac(value)))
    }

    /// The value inside a signed string, if its signature is ours.
    pub fn verify(&self, signed: &str) -> Option<String> {
        let (value, signature) = signed.rsplit_once('.')?;
        if signature.len() != 44 || !signature.ends_with('=') {
            return None;
        }
        let signature = STANDARD.decode(signature).ok()?;
        let mut mac = self.keyed.clone();
        mac.update(value.as_bytes());
        mac.verify_slice(&signature).ok()?;
        Some(value.to_owned())
    }

    /// Raw HMAC-SHA256 of a message under the server secret.
    pub fn mac(&self, message: &str) -> Vec<u8> {
        let mut mac = self.keyed.clone();
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    /// The URL-decoded value of a cookie in the request, if present.
    pub fn read(&self, headers: &HeaderMap, cookie: &str) -> Option<String> {
        self.read_raw(headers, cookie).map(percent_decode)
    }

    /// The value of a cookie in the request exactly as it arrived (still URL-encoded).
    pub fn read_raw<'h>(&self, headers: &'h HeaderMap, cookie: &str) -> Option<&'h str> {
        let owned;
        let name = match cookie {
            SESSION_TOKEN => &self.session_token_name,
            SESSION_DATA => &self.session_data_name,
            _ => {
                owned = self.name(cookie);
                &owned
            }
        };
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// The verified value of a signed cookie in the request.
    pub fn read_signed(&self, headers: &HeaderMap, cookie: &str) -> Option<String> {
        self.verify(&self.read(headers, cookie)?)
    }

    /// A `Set-Cookie` value; `max_age: None` makes a browser-session cookie.
    pub fn set(&self, cookie: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
        let mut text = format!("{}={}", self.name(cookie), encode_uri_component(value));
        if let Some(seconds) = max_age {
            text.push_str(&format!("; Max-Age={seconds}"));
        }
        text.push_str("; Path=/; HttpOnly");
        if self.secure {
            text.push_str("; Secure");
        }
        text.push_str("; SameSite=Lax");
        // Names and values are ASCII by construction.
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// A `Set-Cookie` value that deletes the cookie.
    pub fn expire(&self, cookie: &str) -> HeaderValue {
        self.set(cookie, "", Some(0))
    }
}

/// Decodes `%XX` escapes; malformed escapes are kept as they are.
pub fn percent_decode(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jar() -> CookieJar {
        CookieJar::new("better-auth", false, "test-secret-test-secret-test-secret")
    }

    #[test]
    fn a_signed_value_verifies_and_a_tampered_one_does_not() {
        let signed = jar().sign("MiXI4P0qCMPkH9Uw0SDIw27gzpa9MCSN");
        assert_eq!(signed.len(), 32 + 1 + 44);
        assert_eq!(
            jar().verify(&signed).as_deref(),
            Some("MiXI4P0qCMPkH9Uw0SDIw27gzpa9MCSN")
        );
        let mut tampered = signed.clone();
        tampered.replace_range(0..1, "X");
        assert_eq!(jar().verify(&tampered), None);
        assert_eq!(jar().verify(&signed[..signed.len() - 1]), None);
        assert_eq!(jar().verify("no-signature"), None);
        let other = CookieJar::new("better-auth", false, "another-secret-another-secret-xx");
        assert_eq!(other.verify(&signed), None);
    }

    #[test]
    fn the_signature_matches_better_auths_hmac() {
        // Computed with Node's crypto, as better-auth 1.7 does: HMAC-SHA256(secret, token), base64.
        let jar = CookieJar::new("better-auth", false, "better-auth-secret-123456789012345");
        assert_eq!(
            jar.sign("abc"),
            "abc.alH3X6FQxUGvp+oRlvfMRtnGmziPuyRs1kbqy6/6bws="
        );
    }

    #[test]
    fn set_cookie_has_better_auths_attribute_order() {
        let header = jar().set(SESSION_TOKEN, "t.a/b+c=", Some(604800));
        assert_eq!(
            header.to_str().unwrap(),
            "better-auth.session_token=t.a%2Fb%2Bc%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
        );
        let secure = CookieJar::new("better-auth", true, "s").set(SESSION_TOKEN, "v", None);
        assert_eq!(
            secure.to_str().unwrap(),
            "__Secure-better-auth.session_token=v; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
    }

    #[test]
    fn cookies_are_read_by_name_and_url_decoded() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("other=1; better-auth.session_token=t.a%2Fb%3D; x=y"),
        );
        assert_eq!(
            jar().read(&headers, SESSION_TOKEN).as_deref(),
            Some("t.a/b=")
        );
        assert_eq!(jar().read(&headers, SESSION_DATA), None);
    }

    #[test]
    fn percent_decoding_tolerates_garbage() {
        assert_eq!(percent_decode("%zz%2"), "%zz%2");
        assert_eq!(percent_decode("%41%"), "A%");
    }
}
