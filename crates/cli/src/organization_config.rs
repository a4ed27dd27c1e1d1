//! Settings of organizations: limits, invitations, what users may do.

use crate::config::{Env, parse_bool_into, parse_into};
use anyhow::Result;
use beep_core::OrganizationConfig;
use serde::Deserialize;

/// `ORGANIZATION_*`, or `[organization]` in the file.
#[derive(Debug, Clone)]
pub struct OrganizationSettings {
    /// Users may create organizations.
    pub creation_enabled: bool,
    /// Organizations may be deleted.
    pub deletion_enabled: bool,
    /// Memberships a user may have before creating another organization is refused.
    pub organization_limit: Option<u64>,
    /// Members an organization may have.
    pub membership_limit: u64,
    /// Pending invitations an organization may have.
    pub invitation_limit: u64,
    /// Seconds an invitation can be accepted.
    pub invitation_expires_in: i64,
    /// The link in invitation mails, `{id}` for the invitation's id; default
    /// `<base url>/accept-invitation/{id}`.
    pub invitation_url: Option<String>,
    /// New organizations get a team of their name.
    pub default_team: bool,
}

impl Default for OrganizationSettings {
    fn default() -> Self {
        let core = OrganizationConfig::default();
        Self {
            creation_enabled: core.creation_enabled,
            deletion_enabled: core.deletion_enabled,
            organization_limit: core.organization_limit,
            membership_limit: core.membership_limit,
            invitation_limit: core.invitation_limit,
            invitation_expires_in: core.invitation_expires_in.num_seconds(),
            invitation_url: None,
            default_team: core.default_team,
        }
    }
}

/// The TOML form (`[organization]`); every key optional.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFile {
    creation_enabled: Option<bool>,
    deletion_enabled: Option<bool>,
    organization_limit: Option<u64>,
    membership_limit: Option<u64>,
    invitation_limit: Option<u64>,
    invitation_expires_in: Option<i64>,
    invitation_url: Option<String>,
    default_team: Option<bool>,
}

impl OrganizationSettings {
    /// Applies the file's values.
    pub fn apply_file(&mut self, f: OrganizationFile) {
        if let Some(v) = f.creation_enabled {
            self.creation_enabled = v;
        }
        if let Some(v) = f.deletion_enabled {
            self.deletion_enabled = v;
        }
        if f.organization_limit.is_some() {
            self.organization_limit = f.organization_limit;
        }
        if let Some(v) = f.membership_limit {
            self.membership_limit = v;
        }
        if let Some(v) = f.invitation_limit {
            self.invitation_limit = v;
        }
        if let Some(v) = f.invitation_expires_in {
            self.invitation_expires_in = v;
        }
        if f.invitation_url.is_some() {
            self.invitation_url = f.invitation_url;
        }
        if let Some(v) = f.default_team {
            self.default_team = v;
        }
    }

    /// Applies the environment's values.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        parse_bool_into(
            env,
            "ORGANIZATION_CREATION_ENABLED",
            &mut self.creation_enabled,
        )?;
        parse_bool_into(
            env,
            "ORGANIZATION_DELETION_ENABLED",
            &mut self.deletion_enabled,
        )?;
        if env.get("ORGANIZATION_LIMIT").is_some() {
            let mut limit = 0;
            parse_into(env, "ORGANIZATION_LIMIT", &mut limit)?;
            self.organization_limit = Some(limit);
        }
        parse_into(
            env,
            "ORGANIZATION_MEMBERSHIP_LIMIT",
            &mut self.membership_limit,
        )?;
        parse_into(
            env,
            "ORGANIZATION_INVITATION_LIMIT",
            &mut self.invitation_limit,
        )?;
        parse_into(
            env,
            "ORGANIZATION_INVITATION_EXPIRES_IN",
            &mut self.invitation_expires_in,
        )?;
        if let Some(url) = env.get("ORGANIZATION_INVITATION_URL") {
            self.invitation_url = Some(url);
        }
        parse_bool_into(env, "ORGANIZATION_DEFAULT_TEAM", &mut self.default_team)
    }

    /// Refuses settings that cannot work.
    pub fn validate(&self) -> Result<()> {
        if self.invitation_expires_in <= 0 {
            anyhow::bail!(
                "ORGANIZATION_INVITATION_EXPIRES_IN must be a positive number of seconds"
            );
        }
        if let Some(url) = &self.invitation_url
            && !url.contains("{id}")
        {
            anyhow::bail!("ORGANIZATION_INVITATION_URL must contain {{id}}");
        }
        Ok(())
    }

    /// The core's settings, with links under `base_url` unless configured.
    pub fn to_core(&self, base_url: &str) -> OrganizationConfig {
        OrganizationConfig {
            creation_enabled: self.creation_enabled,
            deletion_enabled: self.deletion_enabled,
            organization_limit: self.organization_limit,
            membership_limit: self.membership_limit,
            invitation_limit: self.invitation_limit,
            invitation_expires_in: chrono::Duration::seconds(self.invitation_expires_in),
            invitation_url: self
                .invitation_url
                .clone()
                .unwrap_or_else(|| format!("{base_url}/accept-invitation/{{id}}")),
            default_team: self.default_team,
        }
    }

    /// The settings as TOML-like lines.
    pub fn describe(&self) -> String {
        format!(
            "[organization]\ncreation_enabled = {}\ndeletion_enabled = {}\norganization_limit = {:?}\nmembership_limit = {}\ninvitation_limit = {}\ninvitation_expires_in = {}\ninvitation_url = {:?}\ndefault_team = {}\n",
            self.creation_enabled,
            self.deletion_enabled,
            self.organization_limit,
            self.membership_limit,
            self.invitation_limit,
            self.invitation_expires_in,
            self.invitation_url,
            self.default_team,
        )
    }
}
