//! Slugs for organization URLs.

/// Lower-case ASCII letters and digits joined by single hyphens, at most 48 characters;
/// anything else is dropped. Empty input gives `user`.
pub fn sanitize(name: &str) -> String {
    let mut slug = String::with_capacity(name.len().min(48));
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "user".to_owned()
    } else {
        slug.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn names_become_lowercase_hyphenated_slugs() {
        assert_eq!(sanitize("Ada Lovelace"), "ada-lovelace");
        assert_eq!(sanitize("  O'Brien & Sons!! "), "o-brien-sons");
        assert_eq!(sanitize("Ünïcödé"), "n-c-d");
        assert_eq!(sanitize("日本"), "user");
        assert_eq!(sanitize(&"x".repeat(500)).len(), 48);
    }
}
