//! Template text: parsed once into literal runs and placeholders, rendered many times.

/// A value a template can refer to as `{{name}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placeholder {
    Product,
    Url,
    Name,
    Email,
    NewEmail,
    Code,
    Organization,
    Inviter,
}

impl Placeholder {
    /// Every placeholder, for error messages that list the known ones.
    pub(super) const ALL: [Placeholder; 8] = [
        Placeholder::Product,
        Placeholder::Url,
        Placeholder::Name,
        Placeholder::Email,
        Placeholder::NewEmail,
        Placeholder::Code,
        Placeholder::Organization,
        Placeholder::Inviter,
    ];

    /// The name written between the braces.
    pub(super) fn name(self) -> &'static str {
        match self {
            Placeholder::Product => "product",
            Placeholder::Url => "url",
            Placeholder::Name => "name",
            Placeholder::Email => "email",
            Placeholder::NewEmail => "new_email",
            Placeholder::Code => "code",
            Placeholder::Organization => "organization",
            Placeholder::Inviter => "inviter",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// How values are inserted into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Escape {
    /// As they are: plain text and subjects.
    None,
    /// HTML-escaped, so a name like `<script>` stays text in the HTML part.
    Html,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Value(Placeholder),
}

/// A parsed template text.
#[derive(Debug, Clone)]
pub(super) struct Text {
    segments: Vec<Segment>,
}

/// The result of parsing: the text, and the names between braces that are no placeholder
/// (kept as literal text in `text`; the caller decides whether they are an error).
pub(super) struct Parsed {
    pub(super) text: Text,
    pub(super) unknown: Vec<String>,
}

impl Text {
    /// Parses `source`: `{{ name }}` (whitespace inside the braces allowed) is a placeholder;
    /// an opening `{{` without a closing `}}` is plain text.
    pub(super) fn parse(source: &str) -> Parsed {
        let mut segments = Vec::new();
        let mut unknown = Vec::new();
        let mut literal = String::new();
        let mut rest = source;
        while let Some(open) = rest.find("{{") {
            let inside_and_after = &rest[open + 2..];
            let Some(close) = inside_and_after.find("}}") else {
                break;
            };
            let inside = inside_and_after[..close].trim();
            literal.push_str(&rest[..open]);
            let after = &inside_and_after[close + 2..];
            match Placeholder::from_name(inside) {
                Some(placeholder) => {
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(Segment::Value(placeholder));
                }
                None => {
                    unknown.push(inside.to_owned());
                    literal.push_str(&rest[open..open + 2 + close + 2]);
                }
            }
            rest = after;
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Parsed {
            text: Text { segments },
            unknown,
        }
    }

    /// Parses `source` without its surrounding whitespace: subjects are one line, but their
    /// files usually end in a newline.
    pub(super) fn trimmed(source: &str) -> Parsed {
        Self::parse(source.trim())
    }

    /// Fills in the placeholders with `value(placeholder)`, escaped as `escape` says.
    pub(super) fn render<'a>(
        &self,
        value: impl Fn(Placeholder) -> &'a str,
        escape: Escape,
    ) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(literal) => out.push_str(literal),
                Segment::Value(placeholder) => {
                    let value = value(*placeholder);
                    match escape {
                        Escape::None => out.push_str(value),
                        Escape::Html => push_html_escaped(&mut out, value),
                    }
                }
            }
        }
        out
    }
}

/// Appends `value` with the five characters that are markup in HTML text and attribute values
/// replaced by entities.
fn push_html_escaped(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Escape, Placeholder, Text};

    fn render(source: &str, escape: Escape) -> String {
        Text::parse(source).text.render(
            |p| match p {
                Placeholder::Name => "<Ann & \"Bo\" 'C'>",
                Placeholder::Url => "https://x.test/?a=1&b=2",
                _ => "",
            },
            escape,
        )
    }

    #[test]
    fn placeholders_allow_whitespace_inside_the_braces() {
        assert_eq!(
            render("a {{url}} b {{ url }} c {{\turl\t}}", Escape::None),
            "a https://x.test/?a=1&b=2 b https://x.test/?a=1&b=2 c https://x.test/?a=1&b=2"
        );
    }

    #[test]
    fn html_escaping_covers_all_five_characters() {
        assert_eq!(
            render("<p>{{name}}</p>", Escape::Html),
            "<p>&lt;Ann &amp; &quot;Bo&quot; &#39;C&#39;&gt;</p>"
        );
        assert_eq!(
            render("<p>{{name}}</p>", Escape::None),
            "<p><Ann & \"Bo\" 'C'></p>"
        );
    }

    #[test]
    fn unknown_names_are_reported_and_kept_as_text() {
        let parsed = Text::parse("hi {{ nmae }} and {{url}} {{");
        assert_eq!(parsed.unknown, vec!["nmae".to_owned()]);
        let rendered = parsed.text.render(|_| "X", Escape::None);
        assert_eq!(rendered, "hi {{ nmae }} and X {{");
    }

    #[test]
    fn unclosed_braces_are_plain_text() {
        let parsed = Text::parse("a {{ b");
        assert!(parsed.unknown.is_empty());
        assert_eq!(parsed.text.render(|_| "X", Escape::None), "a {{ b");
    }
}
