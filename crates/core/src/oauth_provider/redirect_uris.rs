//! Which redirect URIs a client may register (RFC 8252 for native apps, better-auth's rules):
//! never a script or data URL, a fragment or user info; a web client only `https` on a
//! real host; a native client also `http` on a loopback address or a reverse-domain
//! private-use scheme (`com.example.app:/callback`). Requests later match them exactly.

use beep_domain::ApplicationType;
use reqwest::Url;

/// Schemes no client may redirect to, whatever its type.
const BANNED_SCHEMES: [&str; 6] = ["javascript", "data", "vbscript", "file", "ftp", "mailto"];

/// Why `uri` cannot be a redirect URI of a client of `kind`, if it cannot.
pub(super) fn refusal(uri: &str, kind: ApplicationType) -> Option<&'static str> {
    if uri.contains('#') {
        return Some("must not have a fragment");
    }
    let Ok(url) = Url::parse(uri) else {
        return Some("is not an absolute URL");
    };
    if BANNED_SCHEMES.contains(&url.scheme()) {
        return Some("uses a scheme that is not allowed");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Some("must not carry credentials");
    }
    let host = url.host_str().unwrap_or_default();
    if host.ends_with('.') {
        return Some("must not end its host with a dot");
    }
    let loopback = is_loopback(host);
    match (url.scheme(), kind) {
        ("https", _) if !host.is_empty() && !loopback => None,
        ("https", ApplicationType::Web) => Some("must be https on a host that is not loopback"),
        ("http", ApplicationType::Native) if loopback => None,
        ("http", _) => Some("must use https"),
        (scheme, ApplicationType::Native)
            if scheme.contains('.') && !uri[scheme.len() + 1..].starts_with("//") =>
        {
            None
        }
        _ => Some("must use https"),
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`, the names of the user's own machine.
fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "127.0.0.1" || host == "[::1]"
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationType::{Native, Web};

    #[test]
    fn a_web_client_redirects_to_https_on_a_real_host() {
        assert_eq!(refusal("https://rp.example.com/cb", Web), None);
        assert!(refusal("http://rp.example.com/cb", Web).is_some());
        assert!(refusal("https://localhost/cb", Web).is_some());
        assert!(refusal("http://127.0.0.1:8080/cb", Web).is_some());
    }

    #[test]
    fn a_native_client_may_use_loopback_and_private_schemes() {
        assert_eq!(refusal("http://127.0.0.1:8080/cb", Native), None);
        assert_eq!(refusal("http://[::1]/cb", Native), None);
        assert_eq!(refusal("com.example.app:/cb", Native), None);
        assert!(refusal("com.example.app://host/cb", Native).is_some());
        assert!(
            refusal("myapp:/cb", Native).is_some(),
            "no dot: not reverse-domain"
        );
    }

    #[test]
    fn scripts_fragments_and_credentials_are_refused() {
        for uri in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://rp.example.com/cb#frag",
            "https://user:pw@rp.example.com/cb",
            "https://rp.example.com./cb",
            "/relative/cb",
        ] {
            assert!(refusal(uri, Native).is_some(), "{uri}");
            assert!(refusal(uri, Web).is_some(), "{uri}");
        }
    }
}
