//! The `session` table. The secret token is stored only as its SHA-256 digest.

use sea_orm::entity::prelude::*;

/// A row of `session`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "session")]
pub struct Model {
    /// `sess_…`, also the public handle.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Hex SHA-256 of the secret token.
    #[sea_orm(unique)]
    pub token_digest: String,
    /// Owner.
    #[sea_orm(indexed)]
    pub user_id: String,
    /// Expiry (slides forward on refresh).
    pub expires_at: DateTimeUtc,
    /// Client address at creation.
    pub ip_address: String,
    /// Client user agent at creation.
    pub user_agent: String,
    /// `false` for a one-day "don't remember me" session.
    pub remember_me: bool,
    /// Active organization.
    pub active_organization_id: Option<String>,
    /// Active team.
    pub active_team_id: Option<String>,
    /// The seed's organization context map.
    pub organization_context: Json,
    /// The admin impersonating the user in this session.
    pub impersonated_by: Option<String>,
    /// Audit: created.
    pub created_at: DateTimeUtc,
    /// Audit: last change.
    pub updated_at: DateTimeUtc,
    /// Audit: creator.
    pub created_by: Option<String>,
    /// Audit: last changer.
    pub updated_by: Option<String>,
    /// Audit: optimistic-concurrency version.
    pub version: i32,
}

/// A session belongs to a user and dies with it.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The owner.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}
