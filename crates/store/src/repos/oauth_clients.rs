//! OAuth clients: found by their public `client_id`, listed by owner. A change is
//! conditional on the row's version, so two owners editing one client at once cannot
//! overwrite each other unnoticed.

use crate::convert::audit_of;
use crate::entities::oauth_client;
use crate::error::StoreError;
use beep_domain::{
    ApplicationType, Audit, ClientAuthMethod, ClientMetadata, GrantType, OAuthClient,
    OAuthClientId, UserId,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

/// Stores a new client.
pub async fn insert(conn: &impl ConnectionTrait, client: &OAuthClient) -> Result<(), StoreError> {
    oauth_client::Entity::insert(row_of(client))
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// The client whose public id is `client_id`.
pub async fn find(
    conn: &impl ConnectionTrait,
    client_id: &str,
) -> Result<Option<OAuthClient>, StoreError> {
    Ok(oauth_client::Entity::find()
        .filter(oauth_client::Column::ClientId.eq(client_id))
        .one(conn)
        .await?
        .map(OAuthClient::from))
}

/// The clients `owner` registered, oldest first.
pub async fn list_owned_by(
    conn: &impl ConnectionTrait,
    owner: &UserId,
) -> Result<Vec<OAuthClient>, StoreError> {
    Ok(oauth_client::Entity::find()
        .filter(oauth_client::Column::UserId.eq(owner.as_str()))
        .order_by_asc(oauth_client::Column::CreatedAt)
        .order_by_asc(oauth_client::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(OAuthClient::from)
        .collect())
}

/// Writes `client` over its row if the row is still at `client.audit.version - 1`.
pub async fn update(conn: &impl ConnectionTrait, client: &OAuthClient) -> Result<(), StoreError> {
    let result = oauth_client::Entity::update_many()
        .set(row_of(client))
        .filter(oauth_client::Column::Id.eq(client.id.as_str()))
        .filter(oauth_client::Column::Version.eq(client.audit.version - 1))
        .exec(conn)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Stale)
    }
}

/// Deletes the client (its tokens go with it); whether there was one.
pub async fn delete(conn: &impl ConnectionTrait, client_id: &str) -> Result<bool, StoreError> {
    let result = oauth_client::Entity::delete_many()
        .filter(oauth_client::Column::ClientId.eq(client_id))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

fn list_text(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

fn list_of(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

fn row_of(client: &OAuthClient) -> oauth_client::ActiveModel {
    let meta = &client.metadata;
    let grants: Vec<String> = meta
        .grant_types
        .iter()
        .map(|g| g.as_str().to_owned())
        .collect();
    oauth_client::ActiveModel {
        id: Set(client.id.to_string()),
        client_id: Set(client.client_id.clone()),
        client_secret_digest: Set(client.secret_digest.clone()),
        disabled: Set(client.disabled),
        skip_consent: Set(client.skip_consent),
        enable_end_session: Set(client.enable_end_session),
        require_pkce: Set(client.require_pkce),
        scopes: Set(client.scopes.as_deref().map(list_text)),
        client_credentials_scopes: Set(list_text(&client.client_credentials_scopes)),
        user_id: Set(client.owner.as_ref().map(|u| u.to_string())),
        name: Set(meta.name.clone()),
        uri: Set(meta.uri.clone()),
        icon: Set(meta.icon.clone()),
        contacts: Set(meta.contacts.as_deref().map(list_text)),
        tos: Set(meta.tos.clone()),
        policy: Set(meta.policy.clone()),
        software_id: Set(meta.software_id.clone()),
        software_version: Set(meta.software_version.clone()),
        software_statement: Set(meta.software_statement.clone()),
        redirect_uris: Set(list_text(&meta.redirect_uris)),
        post_logout_redirect_uris: Set(meta.post_logout_redirect_uris.as_deref().map(list_text)),
        token_endpoint_auth_method: Set(client.auth_method.as_str().to_owned()),
        application_type: Set(meta.application_type.as_str().to_owned()),
        grant_types: Set(list_text(&grants)),
        response_types: Set(list_text(&meta.response_types)),
        metadata: Set(None),
        created_at: Set(client.audit.created_at),
        updated_at: Set(client.audit.updated_at),
        created_by: Set(client.audit.created_by.clone()),
        updated_by: Set(client.audit.updated_by.clone()),
        version: Set(client.audit.version),
    }
}

impl From<oauth_client::Model> for OAuthClient {
    fn from(row: oauth_client::Model) -> Self {
        OAuthClient {
            id: OAuthClientId::from_trusted(row.id),
            client_id: row.client_id,
            secret_digest: row.client_secret_digest,
            // The migration's checks keep both columns to the known names.
            auth_method: ClientAuthMethod::parse(&row.token_endpoint_auth_method)
                .unwrap_or(ClientAuthMethod::ClientSecretBasic),
            disabled: row.disabled,
            skip_consent: row.skip_consent,
            enable_end_session: row.enable_end_session,
            require_pkce: row.require_pkce,
            scopes: row.scopes.as_deref().map(list_of),
            client_credentials_scopes: list_of(&row.client_credentials_scopes),
            owner: row.user_id.map(UserId::from_trusted),
            metadata: ClientMetadata {
                name: row.name,
                uri: row.uri,
                icon: row.icon,
                contacts: row.contacts.as_deref().map(list_of),
                tos: row.tos,
                policy: row.policy,
                software_id: row.software_id,
                software_version: row.software_version,
                software_statement: row.software_statement,
                redirect_uris: list_of(&row.redirect_uris),
                post_logout_redirect_uris: row.post_logout_redirect_uris.as_deref().map(list_of),
                application_type: ApplicationType::parse(&row.application_type)
                    .unwrap_or(ApplicationType::Web),
                grant_types: list_of(&row.grant_types)
                    .iter()
                    .filter_map(|g| GrantType::parse(g))
                    .collect(),
                response_types: list_of(&row.response_types),
            },
            audit: audit_of!(row),
        }
    }
}
