//! The templates mails are rendered from: built in, optionally overridden by files.

mod template;
mod text;
mod vars;

use std::{fmt, fs, io, path::Path, path::PathBuf};

pub use template::Template;
pub use vars::Vars;

use text::{Escape, Parsed, Placeholder, Text};

/// What `{{name}}` renders as when the user has no name, so the greeting reads "Hi there,".
const NAME_FALLBACK: &str = "there";
/// What `{{inviter}}` renders as when the invitation does not say who sent it.
const INVITER_FALLBACK: &str = "Someone";

/// A rendered template: the subject and both bodies of one mail.
pub struct MailContent {
    /// The subject line, free of CR and LF.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// Shows the subject only: the bodies hold one-time links and codes.
impl fmt::Debug for MailContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailContent")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why templates could not be loaded. Every variant names the file or folder at fault.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The override folder could not be listed.
    #[error("cannot read the template folder {}: {source}", dir.display())]
    ReadDir {
        /// The folder.
        dir: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// An override file could not be read (or is not UTF-8).
    #[error("cannot read the template file {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// A `*.txt` or `*.html` file in the override folder that is no template's file, most
    /// likely a misspelt name that would otherwise be silently ignored.
    #[error(
        "{}: not a template file; expected <name>.subject.txt, <name>.txt or <name>.html with <name> one of: {}",
        path.display(),
        template_names()
    )]
    UnknownFile {
        /// The file.
        path: PathBuf,
    },
    /// An override uses a placeholder that does not exist, which would render as literal braces.
    #[error(
        "{}: unknown placeholder {{{{{placeholder}}}}}; known placeholders: {}",
        path.display(),
        placeholder_names()
    )]
    UnknownPlaceholder {
        /// The file.
        path: PathBuf,
        /// The name found between the braces.
        placeholder: String,
    },
}

fn template_names() -> String {
    Template::ALL.map(Template::name).join(", ")
}

fn placeholder_names() -> String {
    Placeholder::ALL.map(Placeholder::name).join(", ")
}

/// The three parsed parts of one template.
#[derive(Debug, Clone)]
struct Parts {
    subject: Text,
    text: Text,
    html: Text,
}

/// Which part of a template an override file replaces.
#[derive(Debug, Clone, Copy)]
enum Part {
    Subject,
    Text,
    Html,
}

/// Every template of the server, ready to render. Built once at startup.
#[derive(Debug, Clone)]
pub struct Templates {
    product: String,
    parts: [Parts; 8],
}

impl Templates {
    /// The built-in templates for `product`, the product name shown in every mail.
    pub fn builtin(product: &str) -> Self {
        // The built-ins are checked by a test to use known placeholders only, so ignoring
        // `unknown` here loses nothing.
        let parts = Template::ALL.map(|template| {
            let sources = template.builtin();
            Parts {
                subject: Text::trimmed(sources.subject).text,
                text: Text::parse(sources.text).text,
                html: Text::parse(sources.html).text,
            }
        });
        Templates {
            product: product.to_owned(),
            parts,
        }
    }

    /// The built-ins overridden by files in `dir`: `<name>.subject.txt`, `<name>.txt` and
    /// `<name>.html`, each optional. Files whose names start with a dot are ignored, and so are
    /// files that end neither in `.txt` nor `.html` (a README, say).
    ///
    /// Meant to run once at startup: an override that uses an unknown placeholder, or a
    /// `*.txt`/`*.html` file that is no template's, is an error naming the file, so a typo
    /// stops the server from starting instead of surfacing in a mail.
    pub fn with_overrides(product: &str, dir: &Path) -> Result<Self, TemplateError> {
        let mut templates = Self::builtin(product);
        let read_dir_error = |source| TemplateError::ReadDir {
            dir: dir.to_owned(),
            source,
        };
        let mut paths = Vec::new();
        for entry in fs::read_dir(dir).map_err(read_dir_error)? {
            paths.push(entry.map_err(read_dir_error)?.path());
        }
        // Sorted, so that of several faulty files the same one is reported every time.
        paths.sort();
        for path in paths {
            let file_name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file_name.starts_with('.') || !path.is_file() {
                continue;
            }
            let Some((template, part)) = classify(&file_name) else {
                if file_name.ends_with(".txt") || file_name.ends_with(".html") {
                    return Err(TemplateError::UnknownFile { path });
                }
                continue;
            };
            let source = fs::read_to_string(&path).map_err(|source| TemplateError::ReadFile {
                path: path.clone(),
                source,
            })?;
            let Parsed { text, unknown } = match part {
                Part::Subject => Text::trimmed(&source),
                Part::Text | Part::Html => Text::parse(&source),
            };
            if let Some(placeholder) = unknown.into_iter().next() {
                return Err(TemplateError::UnknownPlaceholder { path, placeholder });
            }
            let parts = &mut templates.parts[template.index()];
            match part {
                Part::Subject => parts.subject = text,
                Part::Text => parts.text = text,
                Part::Html => parts.html = text,
            }
        }
        Ok(templates)
    }

    /// Renders one template with `vars`; see [`Vars`] for what a missing value renders as.
    ///
    /// In the HTML part every value is HTML-escaped; in the text part and subject values go in
    /// as they are, except that CR and LF in the subject become spaces, so no value can start
    /// a new mail header.
    pub fn render(&self, template: Template, vars: &Vars) -> MailContent {
        let value = |placeholder| value_of(placeholder, &self.product, vars);
        let parts = &self.parts[template.index()];
        let subject = parts
            .subject
            .render(value, Escape::None)
            .replace(['\r', '\n'], " ");
        MailContent {
            subject,
            text: parts.text.render(value, Escape::None),
            html: parts.html.render(value, Escape::Html),
        }
    }
}

/// What `placeholder` renders as.
fn value_of<'a>(placeholder: Placeholder, product: &'a str, vars: &'a Vars) -> &'a str {
    let or_empty = |value: &'a Option<String>| value.as_deref().unwrap_or("");
    match placeholder {
        Placeholder::Product => product,
        Placeholder::Url => or_empty(&vars.url),
        Placeholder::Name => non_blank(&vars.name).unwrap_or(NAME_FALLBACK),
        Placeholder::Email => or_empty(&vars.email),
        Placeholder::NewEmail => or_empty(&vars.new_email),
        Placeholder::Code => or_empty(&vars.code),
        Placeholder::Organization => or_empty(&vars.organization),
        Placeholder::Inviter => non_blank(&vars.inviter).unwrap_or(INVITER_FALLBACK),
    }
}

/// The value if it has something besides whitespace.
fn non_blank(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|value| !value.trim().is_empty())
}

/// Which template and part a file name overrides, if any.
fn classify(file_name: &str) -> Option<(Template, Part)> {
    Template::ALL.into_iter().find_map(|template| {
        let stem = file_name.strip_prefix(template.name())?;
        let part = match stem {
            ".subject.txt" => Part::Subject,
            ".txt" => Part::Text,
            ".html" => Part::Html,
            _ => return None,
        };
        Some((template, part))
    })
}

#[cfg(test)]
mod tests {
    use super::{Part, Template, Text, classify};

    #[test]
    fn builtins_use_known_placeholders_only() {
        for template in Template::ALL {
            let sources = template.builtin();
            for (part, source) in [
                ("subject", sources.subject),
                ("text", sources.text),
                ("html", sources.html),
            ] {
                let unknown = Text::parse(source).unknown;
                assert!(
                    unknown.is_empty(),
                    "{} {part}: unknown {unknown:?}",
                    template.name()
                );
            }
        }
    }

    #[test]
    fn file_names_map_to_template_and_part() {
        assert!(matches!(
            classify("reset-password.subject.txt"),
            Some((Template::ResetPassword, Part::Subject))
        ));
        assert!(matches!(
            classify("change-email-verify.txt"),
            Some((Template::ChangeEmailVerify, Part::Text))
        ));
        assert!(matches!(
            classify("one-time-code.html"),
            Some((Template::OneTimeCode, Part::Html))
        ));
        assert!(classify("reset-pasword.txt").is_none());
        assert!(classify("reset-password.htm").is_none());
        assert!(classify("verify-email.subject.html").is_none());
    }
}
