//! Settings of the admin API: `ADMIN_USER_IDS` (comma-separated user ids that are admins
//! whatever their roles), `ADMIN_ROLES` (comma-separated roles that make an admin, default
//! `admin`) and `ADMIN_IMPERSONATION_DURATION` (seconds, default 3600).

use crate::config::{Env, parse_into};
use anyhow::{Result, bail};
use beep_core::admin::AdminConfig;
use beep_domain::UserId;
use chrono::Duration;

/// The longest impersonation a setting may give (one day): support sessions are short.
const MAX_IMPERSONATION_SECONDS: i64 = 24 * 3600;

/// `ADMIN_*`.
#[derive(Debug, Clone)]
pub struct AdminSettings {
    /// Users who are admins whatever their roles.
    pub user_ids: Vec<UserId>,
    /// Roles that make an admin.
    pub roles: Vec<String>,
    /// Seconds an impersonation lasts.
    pub impersonation_duration: i64,
}

impl Default for AdminSettings {
    fn default() -> Self {
        let core = AdminConfig::default();
        Self {
            user_ids: core.admin_user_ids,
            roles: core.admin_roles,
            impersonation_duration: core.impersonation_lifetime.num_seconds(),
        }
    }
}

fn list(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|v| !v.is_empty())
}

impl AdminSettings {
    /// Reads the `ADMIN_*` variables.
    pub fn apply_env(&mut self, env: &dyn Env) -> Result<()> {
        if let Some(value) = env.get("ADMIN_USER_IDS") {
            self.user_ids = list(&value)
                .map(|id| {
                    UserId::parse(id)
                        .map_err(|_| anyhow::anyhow!("ADMIN_USER_IDS: {id:?} is not a user id"))
                })
                .collect::<Result<_>>()?;
        }
        if let Some(value) = env.get("ADMIN_ROLES") {
            self.roles = list(&value).map(str::to_owned).collect();
            if self.roles.is_empty() {
                bail!("ADMIN_ROLES: name at least one role");
            }
            if self
                .roles
                .iter()
                .any(|r| r == beep_domain::User::DEFAULT_ROLE)
            {
                bail!("ADMIN_ROLES: `user` is every new user's role, so it cannot make an admin");
            }
        }
        parse_into(
            env,
            "ADMIN_IMPERSONATION_DURATION",
            &mut self.impersonation_duration,
        )?;
        if !(60..=MAX_IMPERSONATION_SECONDS).contains(&self.impersonation_duration) {
            bail!(
                "ADMIN_IMPERSONATION_DURATION: {} is not between 60 and {MAX_IMPERSONATION_SECONDS} seconds",
                self.impersonation_duration
            );
        }
        Ok(())
    }

    /// The core's settings.
    pub fn to_core(&self) -> AdminConfig {
        AdminConfig {
            admin_roles: self.roles.clone(),
            admin_user_ids: self.user_ids.clone(),
            impersonation_lifetime: Duration::seconds(self.impersonation_duration),
            ..AdminConfig::default()
        }
    }

    /// The `[admin]` part of `config check`.
    pub fn describe(&self) -> String {
        let ids: Vec<&str> = self.user_ids.iter().map(UserId::as_str).collect();
        format!(
            "[admin]\nuser_ids = {ids:?}\nroles = {:?}\nimpersonation_duration = {}\n",
            self.roles, self.impersonation_duration
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_env::env;

    fn read(pairs: &[(&'static str, &'static str)]) -> Result<AdminSettings> {
        let mut settings = AdminSettings::default();
        settings.apply_env(&env(pairs))?;
        Ok(settings)
    }

    #[test]
    fn unset_variables_give_better_auths_defaults() {
        let core = read(&[]).unwrap().to_core();

        assert_eq!(core.admin_roles, ["admin"]);
        assert!(core.admin_user_ids.is_empty());
        assert_eq!(core.impersonation_lifetime, Duration::hours(1));
    }

    #[test]
    fn listed_admins_and_roles_are_read() {
        let id = UserId::generate();
        let ids = Box::leak(format!(" {id} ,").into_boxed_str());

        let core = read(&[("ADMIN_USER_IDS", ids), ("ADMIN_ROLES", "admin, support")])
            .unwrap()
            .to_core();

        assert_eq!(core.admin_user_ids, [id]);
        assert_eq!(core.admin_roles, ["admin", "support"]);
    }

    #[test]
    fn a_bad_id_or_the_user_role_is_refused() {
        assert!(read(&[("ADMIN_USER_IDS", "not an id")]).is_err());
        assert!(read(&[("ADMIN_ROLES", "user")]).is_err());
        assert!(read(&[("ADMIN_IMPERSONATION_DURATION", "5")]).is_err());
    }
}
