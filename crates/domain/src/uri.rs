//! URI text: the encoding JavaScript's `encodeURIComponent` produces (cookie values, link
//! parameters), and adding a parameter to a link.

/// Percent-encodes `value` exactly as `encodeURIComponent` does: everything but ASCII letters,
/// digits and `-_.!~*'()` becomes `%XX` per UTF-8 byte.
pub fn encode_uri_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `url` with `name=value` added to its query (before any fragment), the value encoded.
pub fn append_query(url: &str, name: &str, value: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut out = format!("{base}{separator}{name}={}", encode_uri_component(value));
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(
            encode_uri_component("/dash?x=1&y=ü"),
            "%2Fdash%3Fx%3D1%26y%3D%C3%BC"
        );
        assert_eq!(encode_uri_component("a-b_c.d~e!*'()"), "a-b_c.d~e!*'()");
    }

    #[test]
    fn appends_to_a_query_and_keeps_the_fragment() {
        assert_eq!(append_query("/r", "token", "abc"), "/r?token=abc");
        assert_eq!(
            append_query("/r?x=1", "error", "INVALID_TOKEN"),
            "/r?x=1&error=INVALID_TOKEN"
        );
        assert_eq!(append_query("/r#top", "token", "a b"), "/r?token=a%20b#top");
    }
}
