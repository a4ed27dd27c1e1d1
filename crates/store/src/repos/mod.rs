//! Repositories: one module per aggregate, each a set of async functions over any
//! connection or transaction.

pub mod accounts;
pub mod api_keys;
pub mod audit_events;
pub mod device_codes;
pub mod filter;
pub mod invitations;
pub mod jwks;
mod lease;
pub mod members;
pub mod oauth_access_tokens;
pub mod oauth_clients;
pub mod oauth_consents;
pub mod oauth_grants;
pub mod oauth_refresh_tokens;
pub mod organizations;
pub mod outbox;
pub mod passkeys;
pub mod sessions;
pub mod teams;
pub mod trusted_devices;
pub mod two_factors;
pub mod users;
pub mod verifications;
pub mod webhook_deliveries;

use crate::entities::{invitation, member, organization, team, team_member};
use beep_domain::UserId;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{EntityTrait, UpdateMany};

/// A table with the seed's audit columns.
pub(crate) trait Audited: EntityTrait {
    /// Its `updated_at`, `updated_by` and `version` columns.
    fn audit_columns() -> [Self::Column; 3];
}

macro_rules! audited {
    ($($table:ident),+) => {$(
        impl Audited for $table::Entity {
            fn audit_columns() -> [Self::Column; 3] {
                use $table::Column;
                [Column::UpdatedAt, Column::UpdatedBy, Column::Version]
            }
        }
    )+};
}

audited!(organization, member, invitation, team, team_member);

/// An update of rows of `E` by `actor` at `now`: the audit fields move on (the version by
/// one), whatever else it sets.
pub(crate) fn audited_update<E: Audited>(actor: &UserId, now: DateTime<Utc>) -> UpdateMany<E> {
    let [updated_at, updated_by, version] = E::audit_columns();
    E::update_many()
        .col_expr(updated_at, Expr::value(now))
        .col_expr(updated_by, Expr::value(actor.as_str()))
        .col_expr(version, Expr::col(version).add(1))
}
