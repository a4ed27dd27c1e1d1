//! The `oauth_client` table: applications registered with the OAuth / OpenID provider.

use sea_orm::entity::prelude::*;

/// A row of `oauth_client`. List columns hold JSON arrays as text.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_client")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub client_id: String,
    pub client_secret_digest: Option<String>,
    pub disabled: bool,
    pub skip_consent: bool,
    pub enable_end_session: bool,
    pub require_pkce: bool,
    pub scopes: Option<String>,
    pub client_credentials_scopes: String,
    pub user_id: Option<String>,
    pub name: Option<String>,
    pub uri: Option<String>,
    pub icon: Option<String>,
    pub contacts: Option<String>,
    pub tos: Option<String>,
    pub policy: Option<String>,
    pub software_id: Option<String>,
    pub software_version: Option<String>,
    pub software_statement: Option<String>,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: Option<String>,
    pub token_endpoint_auth_method: String,
    pub application_type: String,
    pub grant_types: String,
    pub response_types: String,
    pub metadata: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    pub version: i32,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("oauth_client::Model")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The foreign key to `user` is declared in the migration.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
