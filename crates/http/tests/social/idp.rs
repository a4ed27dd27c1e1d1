//! The real OpenID provider of these tests: npm `oidc-provider` (OpenID-certified), started
//! once per test binary from `scripts/oidc_idp/idp.mjs`. It ends when this process does
//! (its stdin closes).

use beep_core::social::{ProviderKind, ProviderSettings};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub const CLIENT_ID: &str = "beep-test";
pub const CLIENT_SECRET: &str = "beep-test-secret";

/// A running provider.
pub struct Idp {
    pub issuer: String,
    _child: Mutex<Child>,
}

static IDP: OnceLock<Idp> = OnceLock::new();

/// The shared provider, started on first use.
pub fn idp() -> &'static Idp {
    IDP.get_or_init(|| {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/oidc_idp/idp.mjs"
        );
        let mut child = Command::new("node")
            .arg(script)
            .args(["--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node must be installed to run the OpenID provider");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let port = loop {
            let line = lines
                .next()
                .expect(
                    "the OpenID provider exited before listening (run npm ci in scripts/oidc_idp)",
                )
                .unwrap();
            if let Some(port) = line.strip_prefix("LISTENING ") {
                break port.trim().to_owned();
            }
        };
        Idp {
            issuer: format!("http://127.0.0.1:{port}"),
            _child: Mutex::new(child),
        }
    })
}

impl Idp {
    /// A generic OpenID Connect provider named `id` configured against this issuer.
    pub fn provider(&self, id: &str) -> ProviderSettings {
        self.provider_of(id, ProviderKind::OpenIdConnect)
    }

    /// A provider of `kind` (Google, Microsoft, LinkedIn stand in here) named `id`.
    pub fn provider_of(&self, id: &str, kind: ProviderKind) -> ProviderSettings {
        let mut settings = ProviderSettings::new(id, kind, CLIENT_ID, CLIENT_SECRET);
        settings.issuer = Some(self.issuer.clone());
        settings
    }
}
