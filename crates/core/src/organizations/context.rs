//! Keeping the seed's session context true: after a membership changes, every session of
//! the user says which organizations they belong to with which roles, and acts only in
//! organizations and teams the user still belongs to.

use super::Touched;
use crate::{Auth, hooks};
use beep_domain::{OrganizationId, UserId};
use beep_store::repos::sessions::OrganizationsOfUser;
use beep_store::repos::{members, sessions, teams, users};
use beep_store::{ConnectionTrait, StoreError, WriteTx};

impl Auth {
    /// Rewrites the organization context of every session of `user` in `conn`'s
    /// transaction. A session whose active organization the user left acts in their first
    /// organization (the personal one) again; one whose active team they left, in none.
    /// The user's row is locked first (see [`users::lock`]), so a concurrent change of
    /// another of their memberships cannot overwrite this one with what it read before.
    pub(crate) async fn refresh_organizations(
        &self,
        conn: &impl ConnectionTrait,
        user: &UserId,
    ) -> Result<(), StoreError> {
        users::lock(conn, user).await?;
        let memberships = members::active_memberships(conn, user).await?;
        let (context, first) = hooks::organization_context(&memberships);
        let organizations: Vec<OrganizationId> =
            memberships.iter().map(|(_, org)| org.id.clone()).collect();
        let teams = teams::ids_of_user(conn, user).await?;
        let now_theirs = OrganizationsOfUser {
            context: &context,
            organizations: &organizations,
            fallback: first.as_ref(),
            teams: &teams,
        };
        sessions::set_organizations(conn, user, self.now(), &now_theirs).await
    }

    /// [`Auth::refresh_organizations`] for each user, noting them in `touched`. Users are
    /// locked in the order of their ids, so two such transactions never wait on each other
    /// in a circle.
    pub(crate) async fn refresh_all(
        &self,
        conn: &impl ConnectionTrait,
        users: &[UserId],
        touched: &mut Touched,
    ) -> Result<(), StoreError> {
        let mut sorted = users.to_vec();
        sorted.sort();
        sorted.dedup();
        for user in &sorted {
            self.refresh_organizations(conn, user).await?;
            touched.user(user);
        }
        Ok(())
    }

    /// Commits a change, then reports the users whose sessions it rewrote.
    pub(crate) async fn commit_and_announce(
        &self,
        tx: WriteTx,
        touched: Touched,
    ) -> Result<(), StoreError> {
        tx.commit().await?;
        touched.announce(self).await;
        Ok(())
    }
}
