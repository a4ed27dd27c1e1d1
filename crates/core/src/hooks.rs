//! The seed's database hooks, run inside the transaction of the flow that triggers them.
//!
//! - user created → a personal organization and an owner membership;
//! - session created → `organization_context` and `active_organization_id`.

use beep_domain::{
    Audit, Member, MemberId, MemberRole, MemberStatus, Organization, OrganizationId,
    OrganizationType, Roles, SubscriptionStatus, SubscriptionTier, User, slug,
};
use beep_store::repos::{members, organizations};
use beep_store::{ConnectionTrait, StoreError};
use serde_json::{Map, Value, json};

/// How many characters of the user id end the personal organization's slug.
const SLUG_ID_SUFFIX: usize = 12;

/// Creates the new user's personal organization and owner membership.
pub async fn on_user_created(
    conn: &impl ConnectionTrait,
    user: &User,
) -> Result<Organization, StoreError> {
    let display = if user.name.trim().is_empty() {
        "User"
    } else {
        user.name.trim()
    };
    let now = user.audit.created_at;
    let actor = Some(user.id.as_str());
    let org = Organization {
        id: OrganizationId::generate(),
        name: format!("{display}'s Organization"),
        slug: format!(
            "{}-{}",
            slug::sanitize(display),
            user.id.suffix(SLUG_ID_SUFFIX)
        ),
        logo: None,
        metadata: None,
        kind: OrganizationType::Individual,
        is_personal: true,
        owner_user_id: Some(user.id.clone()),
        subscription_tier: SubscriptionTier::Free,
        subscription_status: SubscriptionStatus::Active,
        audit: Audit::created(now, actor),
    };
    organizations::insert(conn, &org).await?;
    let owner = Member {
        id: MemberId::generate(),
        organization_id: org.id.clone(),
        user_id: user.id.clone(),
        role: Roles::of(MemberRole::Owner),
        status: MemberStatus::Active,
        audit: Audit::created(now, actor),
    };
    members::insert(conn, &owner).await?;
    Ok(org)
}

/// The organization context of a new session: every organization where the user is an
/// active member, personal first, and the first of them as the active organization.
pub async fn on_session_created(
    conn: &impl ConnectionTrait,
    user: &User,
) -> Result<(Value, Option<OrganizationId>), StoreError> {
    let memberships = members::active_memberships(conn, &user.id).await?;
    Ok(organization_context(&memberships))
}

/// `{orgId: {name, type, role, isPersonal, subscriptionTier}}` for these memberships (in
/// their order), and the first organization's id.
pub fn organization_context(
    memberships: &[(Member, Organization)],
) -> (Value, Option<OrganizationId>) {
    let first = memberships.first().map(|(_, org)| org.id.clone());
    let mut context = Map::with_capacity(memberships.len());
    for (member, org) in memberships {
        context.insert(
            org.id.to_string(),
            json!({
                "name": org.name,
                "type": org.kind.as_str(),
                "role": member.role.stored(),
                "isPersonal": org.is_personal,
                "subscriptionTier": org.subscription_tier.as_str(),
            }),
        );
    }
    (Value::Object(context), first)
}
