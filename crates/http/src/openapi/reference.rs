//! The reference page: the OpenAPI document rendered to static HTML on the server, once.
//! No script and no outside resource, so it works offline and its Content-Security-Policy can
//! forbid everything but its one stylesheet (allowed by hash). Every text that comes from the
//! document is escaped; backquoted spans in descriptions become `<code>`.

use crate::routes::escape_html;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The rendered page and the policy it needs.
pub(super) struct Page {
    /// The HTML document.
    pub html: String,
    /// The `Content-Security-Policy` header value.
    pub csp: String,
}

const STYLE: &str = "\
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1rem 1.5rem;color:#1b1b1f}\
h1{margin-bottom:0}h2{margin-top:2.5rem;border-bottom:1px solid #ccd}\
nav ul{columns:2;padding-left:1.2rem}\
section.op{border:1px solid #d8d8e0;border-radius:6px;padding:.2rem 1rem .8rem;margin:1rem 0}\
h3{font-size:1.05rem}code{font:13px ui-monospace,monospace;background:#f1f1f5;padding:0 .2em}\
.method{display:inline-block;min-width:3.6em;text-align:center;color:#fff;border-radius:4px;\
padding:0 .4em;margin-right:.4em;font:bold 13px ui-monospace,monospace}\
.get{background:#1d6fb8}.post{background:#1e8a4c}\
table{border-collapse:collapse;width:100%;margin:.3rem 0}\
th,td{border-bottom:1px solid #e4e4ea;text-align:left;padding:.25rem .5rem;vertical-align:top}\
th{font-weight:600;background:#f7f7fa}.muted{color:#666}";

/// The page for `doc` (a serialised OpenAPI document).
pub(super) fn render(doc: &Value) -> Page {
    let digest = STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    );
    let mut html = String::with_capacity(64 * 1024);
    let title = text(&doc["info"]["title"]);
    let version = text(&doc["info"]["version"]);
    let server = doc["servers"][0]["url"].as_str().unwrap_or_default();
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{title} API reference</title><style>{STYLE}</style></head><body>\
         <h1>{title} API reference</h1><p class=\"muted\">Version {version} · \
         <a href=\"openapi.json\">openapi.json</a> · base URL <code>{}</code></p><p>{}</p>",
        escape_html(server),
        prose(&doc["info"]["description"]),
    );
    render_security(&mut html, doc);

    let operations = collect_operations(doc);
    html.push_str("<nav><h2>Endpoints</h2><ul>");
    for op in &operations {
        let _ = write!(
            html,
            "<li><a href=\"#{}\"><span class=\"method {}\">{}</span></a><code>{}</code> {}</li>",
            escape_html(&op.id),
            op.method,
            op.method.to_ascii_uppercase(),
            escape_html(op.path),
            text(&op.body["summary"]),
        );
    }
    html.push_str("</ul></nav>");

    for tag in doc["tags"].as_array().into_iter().flatten() {
        let name = tag["name"].as_str().unwrap_or_default();
        let _ = write!(
            html,
            "<h2>{}</h2><p>{}</p>",
            escape_html(name),
            prose(&tag["description"])
        );
        for op in operations.iter().filter(|op| op.has_tag(name)) {
            render_operation(&mut html, doc, op, server);
        }
    }

    html.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(
                html,
                "<h3 id=\"schema-{0}\">{0}</h3><p>{1}</p>",
                escape_html(name),
                prose(&schema["description"])
            );
            render_fields(&mut html, doc, schema);
        }
    }
    html.push_str("</body></html>");
    Page { html, csp }
}

/// One operation of the document, found by walking `paths`.
struct Operation<'a> {
    path: &'a str,
    method: &'static str,
    id: String,
    body: &'a Value,
}

impl Operation<'_> {
    fn has_tag(&self, tag: &str) -> bool {
        self.body["tags"]
            .as_array()
            .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)))
    }
}

fn collect_operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post"] {
            let body = &item[method];
            if body.is_object() {
                let id = body["operationId"]
                    .as_str()
                    .map_or_else(|| format!("{method}-{path}"), str::to_owned);
                found.push(Operation {
                    path,
                    method,
                    id,
                    body,
                });
            }
        }
    }
    found
}

fn render_security(html: &mut String, doc: &Value) {
    let Some(schemes) = doc["components"]["securitySchemes"].as_object() else {
        return;
    };
    html.push_str(
        "<h2>Authentication</h2><table><tr><th>Scheme</th><th>How</th><th>About</th></tr>",
    );
    for (name, scheme) in schemes {
        let how = match scheme["type"].as_str() {
            Some("apiKey") => format!(
                "{} <code>{}</code>",
                text(&scheme["in"]),
                text(&scheme["name"])
            ),
            Some("http") => format!("<code>Authorization: {} …</code>", text(&scheme["scheme"])),
            _ => text(&scheme["type"]),
        };
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{how}</td><td>{}</td></tr>",
            escape_html(name),
            prose(&scheme["description"])
        );
    }
    html.push_str("</table>");
}

fn render_operation(html: &mut String, doc: &Value, op: &Operation<'_>, server: &str) {
    let body = op.body;
    let _ = write!(
        html,
        "<section class=\"op\" id=\"{}\"><h3><span class=\"method {}\">{}</span><code>{}{}</code></h3>\
         <p><strong>{}</strong></p><p>{}</p><p class=\"muted\">Authentication: {}</p>",
        escape_html(&op.id),
        op.method,
        op.method.to_ascii_uppercase(),
        escape_html(server),
        escape_html(op.path),
        text(&body["summary"]),
        prose(&body["description"]),
        auth_label(&body["security"]),
    );
    if let Some(params) = body["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str(
            "<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Type</th>\
             <th>Required</th><th>Description</th></tr>",
        );
        for param in params {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(&param["name"]),
                text(&param["in"]),
                type_label(&param["schema"]),
                yes_no(param["required"].as_bool().unwrap_or(false)),
                prose(&param["description"]),
            );
        }
        html.push_str("</table>");
    }
    if let Some(content) = body["requestBody"]["content"].as_object() {
        let required = body["requestBody"]["required"].as_bool().unwrap_or(false);
        let _ = write!(
            html,
            "<h4>Request body{}</h4>",
            if required { "" } else { " (optional)" }
        );
        for (media_type, media) in content {
            let _ = write!(
                html,
                "<p><code>{}</code>: {}</p>",
                escape_html(media_type),
                type_label(&media["schema"])
            );
            if media_type == "application/json" {
                render_fields(html, doc, &media["schema"]);
            }
        }
    }
    html.push_str(
        "<h4>Responses</h4><table><tr><th>Status</th><th>Description</th><th>Body</th>\
         <th>Headers</th></tr>",
    );
    for (status, response) in body["responses"].as_object().into_iter().flatten() {
        let response = resolve(doc, response);
        let bodies: Vec<String> = response["content"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(media_type, media)| {
                format!(
                    "{} <span class=\"muted\">({})</span>",
                    type_label(&media["schema"]),
                    escape_html(media_type)
                )
            })
            .collect();
        let headers: Vec<String> = response["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| format!("<code>{}</code>", escape_html(name)))
            .collect();
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(status),
            prose(&response["description"]),
            if bodies.is_empty() {
                "none".to_owned()
            } else {
                bodies.join("<br>")
            },
            headers.join(", "),
        );
    }
    html.push_str("</table></section>");
}

/// The fields of an object schema (following one `$ref`) as a table.
fn render_fields(html: &mut String, doc: &Value, schema: &Value) {
    let schema = resolve(doc, schema);
    let Some(properties) = schema["properties"].as_object() else {
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    html.push_str(
        "<table><tr><th>Field</th><th>Type</th><th>Required</th><th>Description</th></tr>",
    );
    for (name, property) in properties {
        let _ = write!(
            html,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape_html(name),
            type_label(property),
            yes_no(required.contains(&name.as_str())),
            prose(&property["description"]),
        );
    }
    html.push_str("</table>");
}

/// `value` itself, or what its local `$ref` points at.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(pointer) => pointer
            .strip_prefix('#')
            .and_then(|pointer| doc.pointer(pointer))
            .unwrap_or(value),
        None => value,
    }
}

/// A short, linked name for a schema's type: `string | null`, `array of Session`, `User`.
fn type_label(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let name = escape_html(name);
        return format!("<a href=\"#schema-{name}\">{name}</a>");
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(items) = schema[combinator].as_array() {
            return items.iter().map(type_label).collect::<Vec<_>>().join(" | ");
        }
    }
    let kinds: Vec<&str> = match &schema["type"] {
        Value::String(kind) => vec![kind.as_str()],
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if kinds.is_empty() {
        return "any".to_owned();
    }
    let mut label = kinds
        .iter()
        .map(|kind| match *kind {
            "array" => format!("array of {}", type_label(&schema["items"])),
            "object" if schema["additionalProperties"].is_object() => format!(
                "map of {}",
                type_label_or_object(&schema["additionalProperties"])
            ),
            other => escape_html(other),
        })
        .collect::<Vec<_>>()
        .join(" | ");
    if let Some(format) = schema["format"].as_str() {
        let _ = write!(label, " ({})", escape_html(format));
    }
    if let Some(values) = schema["enum"].as_array() {
        let shown: Vec<String> = values.iter().map(|v| escape_html(&v.to_string())).collect();
        let _ = write!(label, ": <code>{}</code>", shown.join("</code>, <code>"));
    }
    label
}

/// Like [`type_label`], but an inline object lists its field names.
fn type_label_or_object(schema: &Value) -> String {
    match schema["properties"].as_object() {
        Some(properties) => {
            let names: Vec<String> = properties.keys().map(|k| escape_html(k)).collect();
            format!("{{{}}}", names.join(", "))
        }
        None => type_label(schema),
    }
}

fn auth_label(security: &Value) -> &'static str {
    let Some(requirements) = security.as_array() else {
        return "none";
    };
    let optional = requirements
        .iter()
        .any(|r| r.as_object().is_some_and(serde_json::Map::is_empty));
    match (optional, requirements.len()) {
        (true, 1) => "none",
        (true, _) => "optional (a session is used when presented)",
        (false, _) => "a session (cookie or bearer token)",
    }
}

fn yes_no(required: bool) -> &'static str {
    if required { "yes" } else { "no" }
}

/// A JSON string, escaped; empty for anything else.
fn text(value: &Value) -> String {
    escape_html(value.as_str().unwrap_or_default())
}

/// A description, escaped, with backquoted spans as `<code>`.
fn prose(value: &Value) -> String {
    let escaped = text(value);
    let mut out = String::with_capacity(escaped.len() + 16);
    let mut in_code = false;
    for (i, part) in escaped.split('`').enumerate() {
        if i > 0 {
            out.push_str(if in_code { "</code>" } else { "<code>" });
            in_code = !in_code;
        }
        out.push_str(part);
    }
    // An unpaired backquote would leave a `<code>` open; close it.
    if in_code {
        out.push_str("</code>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn descriptions_are_escaped_and_backquotes_become_code() {
        let shown = prose(&json!("use `<b>` & \"quotes\""));
        assert_eq!(shown, "use <code>&lt;b&gt;</code> &amp; &quot;quotes&quot;");
    }

    #[test]
    fn an_unpaired_backquote_leaves_no_open_element() {
        assert_eq!(prose(&json!("a `b")), "a <code>b</code>");
        assert_eq!(prose(&json!("plain")), "plain");
    }

    #[test]
    fn hostile_names_are_escaped_everywhere() {
        let doc = json!({
            "info": {"title": "<script>alert(1)</script>", "version": "1"},
            "servers": [{"url": "\"><img src=x>"}],
            "tags": [{"name": "<i>t</i>"}],
            "paths": {"/<q>": {"get": {"operationId": "\"x", "tags": ["<i>t</i>"],
                "summary": "<s>", "responses": {"<200>": {"description": "<d>"}}}}},
            "components": {"schemas": {"<N>": {"type": "object",
                "properties": {"<f>": {"$ref": "#/components/schemas/<N>"}}}}}
        });
        let page = render(&doc);
        for raw in [
            "<script>", "<img", "<i>", "<q>", "<s>", "<200>", "<d>", "<N>", "<f>", "\"x",
        ] {
            assert!(!page.html.contains(raw), "{raw} reached the page unescaped");
        }
    }

    #[test]
    fn the_policy_allows_exactly_the_pages_stylesheet() {
        let page = render(&json!({}));
        let digest = STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
        assert!(page.csp.starts_with("default-src 'none';"));
        assert!(page.csp.contains(&format!("style-src 'sha256-{digest}'")));
        assert!(page.html.contains(&format!("<style>{STYLE}</style>")));
    }
}
