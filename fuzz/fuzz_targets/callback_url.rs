//! Fuzzes the `callbackURL`/`redirectTo` check, [`TrustedOrigins::check_redirect`], against
//! the WHATWG URL parser (the `url` crate) as a differential oracle.
//!
//! Input: the redirect target (UTF-8, lossily).
//!
//! Properties, for base URL `https://auth.example.com` and trusted origins
//! `https://app.example.com`, `*.tenant.example.org`, `http://localhost:3000`, `myapp://`:
//! - no panic;
//! - refused: anything starting with `//`, containing a backslash or a control character
//!   (no header injection), or an encoded `/` or `\` (`%2f`, `%5c`);
//! - an accepted path (`/…`) resolves against the base URL to the base URL's origin;
//! - an accepted `http(s)://` URL parses with the URL parser, has no user info, and its
//!   origin is trusted by an independent reading of the list above (one known, harmless
//!   exception: a label that is not valid punycode under the wildcard, which the URL parser
//!   and browsers refuse outright; see `bad_punycode_under_wildcard`);
//! - anything else accepted starts with the custom scheme `myapp://`, has no whitespace,
//!   and, if the URL parser reads it, has that scheme.

#![no_main]

use beep_http::TrustedOrigins;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use url::Url;

const BASE: &str = "https://auth.example.com";

static TRUSTED: LazyLock<TrustedOrigins> = LazyLock::new(|| {
    TrustedOrigins::new(
        BASE,
        &[
            "https://app.example.com".to_owned(),
            "*.tenant.example.org".to_owned(),
            "http://localhost:3000".to_owned(),
            "myapp://".to_owned(),
        ],
    )
});

static BASE_URL: LazyLock<Url> = LazyLock::new(|| Url::parse(BASE).expect("base URL parses"));

/// The trust list, read independently of beep-http: exact origins, and any subdomain (at
/// least one label) of `tenant.example.org` on any scheme.
fn oracle_trusts(url: &Url) -> bool {
    let origin = url.origin().ascii_serialization();
    if [BASE, "https://app.example.com", "http://localhost:3000"].contains(&origin.as_str()) {
        return true;
    }
    url.host_str()
        .and_then(|h| h.strip_suffix(".tenant.example.org"))
        .is_some_and(|label| !label.is_empty())
}

/// Whether a lower-cased `http(s)://` URL's host is under `tenant.example.org` and has an
/// `xn--` (punycode) label.
fn bad_punycode_under_wildcard(lower: &str) -> bool {
    let rest = lower.split_once("://").map_or("", |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.split(':').next().unwrap_or_default();
    host.ends_with(".tenant.example.org") && host.split('.').any(|l| l.starts_with("xn--"))
}

fuzz_target!(|data: &[u8]| {
    let target = String::from_utf8_lossy(data);
    let target = target.as_ref();
    let accepted = TRUSTED.check_redirect(target).is_ok();
    if !accepted {
        return;
    }
    let lower = target.to_ascii_lowercase();
    assert!(
        !target.starts_with("//"),
        "protocol-relative accepted: {target:?}"
    );
    assert!(!target.contains('\\'), "backslash accepted: {target:?}");
    assert!(
        !target.chars().any(char::is_control),
        "control character accepted: {target:?}"
    );
    assert!(
        !lower.contains("%2f") && !lower.contains("%5c"),
        "encoded slash accepted: {target:?}"
    );

    if target.starts_with('/') {
        let joined = BASE_URL
            .join(target)
            .unwrap_or_else(|e| panic!("accepted path {target:?} does not resolve: {e}"));
        assert_eq!(
            joined.origin(),
            BASE_URL.origin(),
            "path {target:?} leaves the site: {joined}"
        );
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        let url = match Url::parse(target) {
            Ok(url) => url,
            // Known and harmless: beep-http does not decode punycode, so it accepts a host
            // under a trusted wildcard with a label that is not valid punycode
            // (`xn--a.tenant.example.org`). The URL parser, like a browser, refuses the
            // whole URL, so nothing is redirected anywhere.
            Err(url::ParseError::IdnaError) if bad_punycode_under_wildcard(&lower) => return,
            Err(e) => panic!("accepted URL {target:?} does not parse: {e}"),
        };
        assert!(
            url.username().is_empty() && url.password().is_none(),
            "accepted URL {target:?} has user info"
        );
        assert!(
            oracle_trusts(&url),
            "accepted URL {target:?} is on untrusted origin {}",
            url.origin().ascii_serialization()
        );
    } else {
        assert!(lower.starts_with("myapp://"), "accepted {target:?}");
        assert!(
            !target.chars().any(char::is_whitespace),
            "whitespace in {target:?}"
        );
        if let Ok(url) = Url::parse(target) {
            assert_eq!(url.scheme(), "myapp", "{target:?}");
        }
    }
});
