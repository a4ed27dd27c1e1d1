//! Users' standing consents to OAuth clients, one per (client, user).

use crate::convert::audit_of;
use crate::entities::oauth_consent;
use crate::error::StoreError;
use beep_domain::{Audit, OAuthConsent, OAuthConsentId, UserId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};

/// The consent of `user_id` to `client_id`, if there is one.
pub async fn find(
    conn: &impl ConnectionTrait,
    client_id: &str,
    user_id: &UserId,
) -> Result<Option<OAuthConsent>, StoreError> {
    Ok(oauth_consent::Entity::find()
        .filter(oauth_consent::Column::ClientId.eq(client_id))
        .filter(oauth_consent::Column::UserId.eq(user_id.as_str()))
        .one(conn)
        .await?
        .map(OAuthConsent::from))
}

/// The consent with id `id`, whoever gave it.
pub async fn find_by_id(
    conn: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<OAuthConsent>, StoreError> {
    Ok(oauth_consent::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(OAuthConsent::from))
}

/// Every consent of `user_id`, oldest first.
pub async fn list_of(
    conn: &impl ConnectionTrait,
    user_id: &UserId,
) -> Result<Vec<OAuthConsent>, StoreError> {
    Ok(oauth_consent::Entity::find()
        .filter(oauth_consent::Column::UserId.eq(user_id.as_str()))
        .order_by_asc(oauth_consent::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(OAuthConsent::from)
        .collect())
}

/// Stores `consent`, replacing the scopes of the pair's consent when there is one already (two
/// consents racing for one pair leave one row).
pub async fn upsert(conn: &impl ConnectionTrait, consent: &OAuthConsent) -> Result<(), StoreError> {
    let row = oauth_consent::ActiveModel {
        id: Set(consent.id.to_string()),
        client_id: Set(consent.client_id.clone()),
        user_id: Set(consent.user_id.to_string()),
        scopes: Set(serde_json::Value::from(consent.scopes.clone()).to_string()),
        created_at: Set(consent.audit.created_at),
        updated_at: Set(consent.audit.updated_at),
        created_by: Set(consent.audit.created_by.clone()),
        updated_by: Set(consent.audit.updated_by.clone()),
        version: Set(consent.audit.version),
    };
    oauth_consent::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                oauth_consent::Column::ClientId,
                oauth_consent::Column::UserId,
            ])
            .update_columns([
                oauth_consent::Column::Scopes,
                oauth_consent::Column::UpdatedAt,
                oauth_consent::Column::UpdatedBy,
                oauth_consent::Column::Version,
            ])
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Deletes the consent with id `id` of `user_id`: whether one went.
pub async fn delete(
    conn: &impl ConnectionTrait,
    id: &OAuthConsentId,
    user_id: &UserId,
) -> Result<bool, StoreError> {
    let result = oauth_consent::Entity::delete_many()
        .filter(oauth_consent::Column::Id.eq(id.as_str()))
        .filter(oauth_consent::Column::UserId.eq(user_id.as_str()))
        .exec(conn)
        .await?;
    Ok(result.rows_affected > 0)
}

impl From<oauth_consent::Model> for OAuthConsent {
    fn from(row: oauth_consent::Model) -> Self {
        OAuthConsent {
            id: OAuthConsentId::from_trusted(row.id),
            client_id: row.client_id,
            user_id: UserId::from_trusted(row.user_id),
            scopes: serde_json::from_str(&row.scopes).unwrap_or_default(),
            audit: audit_of!(row),
        }
    }
}
