//! Rendering the built-in templates, and overriding them from a folder.

use std::path::{Path, PathBuf};

use beep_email::{Template, TemplateError, Templates, Vars};

const PRODUCT: &str = "Acme ID";
const URL: &str = "https://id.acme.test/verify?token=tok_123&next=%2F";

/// Templates whose mail carries a link.
fn has_url(template: Template) -> bool {
    !matches!(
        template,
        Template::ChangeEmailNotice | Template::PasswordChanged | Template::OneTimeCode
    )
}

fn full_vars() -> Vars {
    Vars {
        url: Some(URL.to_owned()),
        name: Some("Ann".to_owned()),
        email: Some("ann@example.com".to_owned()),
        new_email: Some("ann.new@example.com".to_owned()),
        code: Some("482913".to_owned()),
        organization: Some("Rocket Team".to_owned()),
        inviter: Some("Bob".to_owned()),
    }
}

/// A folder of its own under the temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("beep-email-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, content: &str) {
        std::fs::write(self.0.join(name), content).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn every_template_names_the_product_and_carries_its_link() {
    let templates = Templates::builtin(PRODUCT);
    let vars = full_vars();
    let url_in_html = URL.replace('&', "&amp;");
    for template in Template::ALL {
        let content = templates.render(template, &vars);
        let name = template.name();
        assert!(
            content.subject.contains(PRODUCT),
            "{name} subject: {content:?}"
        );
        assert!(content.text.contains(PRODUCT), "{name} text");
        assert!(content.html.contains(PRODUCT), "{name} html");
        assert!(!content.subject.contains("{{"), "{name} subject");
        assert!(!content.text.contains("{{"), "{name} text");
        assert!(!content.html.contains("{{"), "{name} html");
        if has_url(template) {
            assert!(content.text.contains(URL), "{name} text lacks the link");
            assert!(
                content.html.contains(&format!("href=\"{url_in_html}\"")),
                "{name} html lacks the link button"
            );
        } else {
            assert!(!content.text.contains("https://"), "{name} text has a link");
        }
        assert!(content.html.starts_with("<!DOCTYPE html>"), "{name} html");
    }
}

#[test]
fn templates_show_the_values_they_are_about() {
    let templates = Templates::builtin(PRODUCT);
    let vars = full_vars();
    let code = templates.render(Template::OneTimeCode, &vars);
    assert!(code.text.contains("482913") && code.html.contains("482913"));
    let notice = templates.render(Template::ChangeEmailNotice, &vars);
    assert!(notice.text.contains("ann.new@example.com"));
    assert!(notice.html.contains("ann.new@example.com"));
    let verify = templates.render(Template::ChangeEmailVerify, &vars);
    assert!(verify.text.contains("ann.new@example.com"));
    let invitation = templates.render(Template::Invitation, &vars);
    assert!(invitation.subject.contains("Bob") && invitation.subject.contains("Rocket Team"));
    assert!(invitation.html.contains("Rocket Team"));
    let reset = templates.render(Template::ResetPassword, &vars);
    assert!(reset.text.contains("within an hour"));
    assert!(reset.text.contains("Hi Ann,"));
}

#[test]
fn missing_values_render_empty_and_names_fall_back() {
    let templates = Templates::builtin(PRODUCT);
    let content = templates.render(Template::VerifyEmail, &Vars::default());
    assert!(content.text.starts_with("Hi there,"), "{}", content.text);
    let blank_name = Vars {
        name: Some("  ".to_owned()),
        ..Vars::default()
    };
    let content = templates.render(Template::VerifyEmail, &blank_name);
    assert!(content.text.starts_with("Hi there,"));
    let invitation = templates.render(Template::Invitation, &Vars::default());
    assert!(invitation.subject.starts_with("Someone invited you"));
}

#[test]
fn values_are_html_escaped_in_html_only() {
    let templates = Templates::builtin(PRODUCT);
    let vars = Vars {
        name: Some("<script>alert(1)</script> & \"Bo\" O'Neil".to_owned()),
        ..full_vars()
    };
    let content = templates.render(Template::VerifyEmail, &vars);
    assert!(!content.html.contains("<script>"));
    assert!(
        content
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Bo&quot; O&#39;Neil")
    );
    assert!(
        content
            .text
            .contains("<script>alert(1)</script> & \"Bo\" O'Neil")
    );

    // The product name is a value too.
    let content = Templates::builtin("A&B <Co>").render(Template::PasswordChanged, &vars);
    assert!(content.html.contains("A&amp;B &lt;Co&gt;"));
    assert!(content.text.contains("A&B <Co>"));
}

#[test]
fn line_breaks_cannot_leave_the_subject() {
    let templates = Templates::builtin("Acme\r\nBcc: victim@example.com");
    let vars = Vars {
        inviter: Some("Eve\nX-Evil: 1\r".to_owned()),
        ..full_vars()
    };
    for template in Template::ALL {
        let subject = templates.render(template, &vars).subject;
        assert!(!subject.contains(['\r', '\n']), "{subject:?}");
    }
    let invitation = templates.render(Template::Invitation, &vars).subject;
    assert!(invitation.contains("Eve X-Evil: 1 "), "{invitation:?}");
    // The text part keeps line breaks of values as they are.
    let text = templates.render(Template::Invitation, &vars).text;
    assert!(text.contains("Eve\nX-Evil: 1\r"));
}

#[test]
fn an_override_replaces_only_its_own_part() {
    let dir = TempDir::new("override");
    dir.write(
        "reset-password.subject.txt",
        "{{ product }}: new password for {{email}}\n",
    );
    dir.write("README.md", "notes are ignored");
    dir.write(".reset-password.txt.swp", "hidden files are ignored");
    let builtin = Templates::builtin(PRODUCT);
    let overridden = Templates::with_overrides(PRODUCT, dir.path()).unwrap();
    let vars = full_vars();
    for template in Template::ALL {
        let expected = builtin.render(template, &vars);
        let actual = overridden.render(template, &vars);
        if template == Template::ResetPassword {
            assert_eq!(actual.subject, "Acme ID: new password for ann@example.com");
            assert_ne!(actual.subject, expected.subject);
        } else {
            assert_eq!(actual.subject, expected.subject, "{}", template.name());
        }
        assert_eq!(actual.text, expected.text, "{}", template.name());
        assert_eq!(actual.html, expected.html, "{}", template.name());
    }
}

#[test]
fn overrides_of_bodies_are_rendered_and_escaped() {
    let dir = TempDir::new("bodies");
    dir.write("verify-email.txt", "Go to {{url}}, {{name}}.");
    dir.write("verify-email.html", "<a href=\"{{url}}\">{{name}}</a>");
    let templates = Templates::with_overrides(PRODUCT, dir.path()).unwrap();
    let vars = Vars {
        name: Some("<b>".to_owned()),
        ..full_vars()
    };
    let content = templates.render(Template::VerifyEmail, &vars);
    assert_eq!(content.text, format!("Go to {URL}, <b>."));
    assert_eq!(
        content.html,
        format!("<a href=\"{}\">&lt;b&gt;</a>", URL.replace('&', "&amp;"))
    );
}

#[test]
fn an_unknown_placeholder_is_an_error_naming_the_file() {
    let dir = TempDir::new("placeholder");
    dir.write(
        "invitation.html",
        "<p>{{ inviter }} asks you to join {{org}}</p>",
    );
    let error = Templates::with_overrides(PRODUCT, dir.path()).unwrap_err();
    match &error {
        TemplateError::UnknownPlaceholder { path, placeholder } => {
            assert_eq!(path, &dir.path().join("invitation.html"));
            assert_eq!(placeholder, "org");
        }
        other => panic!("expected UnknownPlaceholder, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains("invitation.html"), "{message}");
    assert!(message.contains("{{org}}"), "{message}");
    assert!(message.contains("organization"), "{message}");
}

#[test]
fn an_unknown_template_file_is_an_error_naming_it() {
    let dir = TempDir::new("unknown-file");
    dir.write("reset-pasword.txt", "{{url}}");
    let error = Templates::with_overrides(PRODUCT, dir.path()).unwrap_err();
    assert!(
        matches!(&error, TemplateError::UnknownFile { path } if path.ends_with("reset-pasword.txt")),
        "{error:?}"
    );
    assert!(error.to_string().contains("reset-pasword.txt"));
    assert!(error.to_string().contains("reset-password"));
}

#[test]
fn a_missing_folder_is_an_error_naming_it() {
    let dir = TempDir::new("missing");
    let missing = dir.path().join("nope");
    let error = Templates::with_overrides(PRODUCT, &missing).unwrap_err();
    assert!(matches!(error, TemplateError::ReadDir { .. }), "{error:?}");
    assert!(error.to_string().contains("nope"));
}

#[test]
fn the_builtin_files_are_valid_overrides() {
    // The shipped files double as examples: copying them into an override folder must load.
    let builtin_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let templates = Templates::with_overrides(PRODUCT, &builtin_dir).unwrap();
    let builtin = Templates::builtin(PRODUCT);
    let vars = full_vars();
    for template in Template::ALL {
        let a = templates.render(template, &vars);
        let b = builtin.render(template, &vars);
        assert_eq!((a.subject, a.text, a.html), (b.subject, b.text, b.html));
    }
}
