//! Trusted origins, the origin/CSRF check of better-auth §2.6, and redirect-target checks.
//!
//! An origin is trusted when it equals the base URL's origin or matches a configured
//! pattern: an exact origin, `*.example.com` (any scheme), `https://*.example.com`, or a
//! custom scheme such as `myapp://` (matched as a prefix).

use http::Uri;

/// One configured trusted-origin pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginPattern {
    /// `scheme://host[:port]`, compared exactly after normalisation.
    Exact(String),
    /// `*.example.com`: any subdomain, optional required scheme.
    Wildcard {
        /// Required scheme, if the pattern names one.
        scheme: Option<String>,
        /// The domain after `*.`, lower-case.
        suffix: String,
    },
    /// A non-http scheme prefix, for example `myapp://`.
    CustomScheme(String),
}

impl OriginPattern {
    /// Parses one pattern; `None` for text that is not a usable pattern.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (scheme, rest) = match text.split_once("://") {
            Some((scheme, rest)) => (
                Some(scheme.to_ascii_lowercase()),
                rest.trim_end_matches('/'),
            ),
            None => (None, text.trim_end_matches('/')),
        };
        if let Some(suffix) = rest.strip_prefix("*.") {
            return Some(Self::Wildcard {
                scheme,
                suffix: suffix.to_ascii_lowercase(),
            });
        }
        match scheme.as_deref() {
            Some("http") | Some("https") => {
                normalize_origin(text.trim_end_matches('/')).map(Self::Exact)
            }
            Some(custom) if !custom.is_empty() => {
                Some(Self::CustomScheme(text.to_ascii_lowercase()))
            }
            _ => None,
        }
    }

    fn matches(&self, origin: &Origin) -> bool {
        match self {
            Self::Exact(exact) => *exact == origin.serialized,
            Self::Wildcard { scheme, suffix } => {
                scheme.as_ref().is_none_or(|s| *s == origin.scheme)
                    && origin.host.len() > suffix.len() + 1
                    && origin.host.ends_with(suffix.as_str())
                    && origin.host[..origin.host.len() - suffix.len()].ends_with('.')
            }
            Self::CustomScheme(_) => false,
        }
    }
}

/// A parsed http(s) origin.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    serialized: String,
}

/// `scheme://host[:port]`, lower-cased, default ports dropped; only for http and https
/// URLs without user info.
fn parse_origin(text: &str) -> Option<Origin> {
    if text
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    let uri: Uri = text.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = uri.authority()?;
    if authority.as_str().contains('@') {
        return None;
    }
    let host = authority.host().to_ascii_lowercase();
    // A DNS name or a bracketed IP literal: `http::Uri` also lets through hosts such as
    // `a&b[c]` that are no host a browser would send or go to.
    let valid_host = match host.strip_prefix('[') {
        Some(literal) => literal.strip_suffix(']').is_some_and(|ip| {
            !ip.is_empty()
                && ip
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }),
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        }
    };
    if !valid_host {
        return None;
    }
    // Not `port_u16`: it reads a port that is out of range or not a number as no port at
    // all, which would make `https://host:99999` the origin `https://host`.
    let port = match authority.as_str().get(host.len()..).unwrap_or_default() {
        "" | ":" => None,
        text => {
            let digits = text.strip_prefix(':')?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(digits.parse::<u16>().ok()?)
        }
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let serialized = match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    };
    Some(Origin {
        scheme,
        host,
        serialized,
    })
}

fn normalize_origin(text: &str) -> Option<String> {
    parse_origin(text).map(|o| o.serialized)
}

/// The set of trusted origins.
#[derive(Debug, Clone)]
pub struct TrustedOrigins {
    base: Option<String>,
    patterns: Vec<OriginPattern>,
}

/// Why a redirect target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UntrustedUrl;

impl TrustedOrigins {
    /// The base URL's origin plus the given patterns (unparseable ones are skipped).
    pub fn new(base_url: &str, patterns: &[String]) -> Self {
        Self {
            base: normalize_origin(base_url),
            patterns: patterns
                .iter()
                .filter_map(|p| OriginPattern::parse(p))
                .collect(),
        }
    }

    /// Whether an `Origin` header value (or a URL's origin) is trusted.
    pub fn is_trusted_origin(&self, text: &str) -> bool {
        let Some(origin) = parse_origin(text) else {
            return self.matches_custom_scheme(text);
        };
        self.base.as_deref() == Some(origin.serialized.as_str())
            || self.patterns.iter().any(|p| p.matches(&origin))
    }

    fn matches_custom_scheme(&self, text: &str) -> bool {
        let lower = text.to_ascii_lowercase();
        !text.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && self
                .patterns
                .iter()
                .any(|p| matches!(p, OriginPattern::CustomScheme(prefix) if lower.starts_with(prefix.as_str())))
    }

    /// The base URL's origin (`https://auth.example.com`), if it parsed.
    pub fn base_origin(&self) -> Option<&str> {
        self.base.as_deref()
    }

    /// Checks a `callbackURL`/`redirectTo` value: a same-site path such as `/dashboard?x=1`,
    /// or an absolute URL on a trusted origin. Protocol-relative (`//x`), backslashes,
    /// encoded slashes, user info and any other scheme are refused.
    pub fn check_redirect(&self, target: &str) -> Result<(), UntrustedUrl> {
        if target.chars().any(|c| c.is_control() || c == '\\') {
            return Err(UntrustedUrl);
        }
        let lower = target.to_ascii_lowercase();
        if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e%2e") {
            return Err(UntrustedUrl);
        }
        if target.starts_with('/') {
            return if target.starts_with("//") {
                Err(UntrustedUrl)
            } else {
                Ok(())
            };
        }
        let origin_part = target.split(['?', '#']).next().unwrap_or_default();
        if (lower.starts_with("http://") || lower.starts_with("https://"))
            && parse_origin(origin_part).is_some()
        {
            let uri: Uri = origin_part.parse().map_err(|_| UntrustedUrl)?;
            let origin = format!(
                "{}://{}",
                uri.scheme_str().unwrap_or_default(),
                uri.authority().map(|a| a.as_str()).unwrap_or_default()
            );
            return if self.is_trusted_origin(&origin) {
                Ok(())
            } else {
                Err(UntrustedUrl)
            };
        }
        if self.matches_custom_scheme(target) {
            Ok(())
        } else {
            Err(UntrustedUrl)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted() -> TrustedOrigins {
        TrustedOrigins::new(
            "https://auth.example.com",
            &[
                "https://app.example.com".into(),
                "*.tenant.example.org".into(),
                "myapp://".into(),
            ],
        )
    }

    #[test]
    fn the_base_url_and_listed_origins_are_trusted() {
        let t = trusted();
        assert!(t.is_trusted_origin("https://auth.example.com"));
        assert!(t.is_trusted_origin("https://AUTH.example.com:443"));
        assert!(t.is_trusted_origin("https://app.example.com"));
        assert!(t.is_trusted_origin("https://a.tenant.example.org"));
        assert!(!t.is_trusted_origin("https://tenant.example.org"));
        assert!(!t.is_trusted_origin("https://eviltenant.example.org"));
        assert!(!t.is_trusted_origin("http://auth.example.com"));
        assert!(!t.is_trusted_origin("https://auth.example.com.evil.example"));
        assert!(!t.is_trusted_origin("null"));
        assert!(!t.is_trusted_origin(""));
    }

    #[test]
    fn open_redirect_payloads_are_refused() {
        let t = trusted();
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https:evil.example",
            "%2F%2Fevil.example",
            "/%2F/evil.example",
            "javascript:alert(1)",
            "data:text/html,x",
            "https://auth.example.com@evil.example",
            "https://auth.example.com.evil.example",
            "https://evil.example/auth.example.com",
            "http://auth.example.com",
            "https://auth.example.com%2eevil.example",
            "/ok\r\nSet-Cookie: x=1",
            "https://auth.example.com:4435555555555555/x",
            "https://auth.example.com:99999",
            "https://auth.example.com:+443",
            "https://auth.example.com:abc",
            "https://a&b.tenant.example.org",
            "https://a[b].tenant.example.org",
        ] {
            assert_eq!(t.check_redirect(bad), Err(UntrustedUrl), "{bad}");
        }
    }

    #[test]
    fn paths_and_trusted_urls_are_accepted() {
        let t = trusted();
        for good in [
            "/dashboard?x=1",
            "/",
            "https://auth.example.com",
            "https://auth.example.com:443/x",
            "https://auth.example.com:/x",
            "https://app.example.com/welcome?next=/a#top",
            "myapp://callback/path",
            "https://a-b_c.tenant.example.org/x",
        ] {
            assert_eq!(t.check_redirect(good), Ok(()), "{good}");
        }
    }
}
