//! Who may do what in an organization: better-auth's default access-control statements, its
//! three built-in roles, multi-role values, and beep-iam's team-level roles.
//!
//! A permission request names resources and, for each, the actions wanted
//! (`{"member": ["create", "delete"]}`). One role grants a request when it allows every
//! action of every resource named; a member with several roles (`"admin,member"`) is granted
//! a request when one of their roles grants all of it, as in better-auth. An empty request,
//! an empty action list, an unknown resource or action, or an unknown role grants nothing.

use crate::MemberRole;
use std::collections::BTreeMap;
use std::fmt;

/// Every resource and the actions on it that a role can be granted (better-auth's
/// `defaultStatements`).
pub const STATEMENTS: &[(&str, &[&str])] = &[
    ("organization", &["update", "delete"]),
    ("member", &["create", "update", "delete"]),
    ("invitation", &["create", "cancel"]),
    ("team", &["create", "update", "delete"]),
    ("ac", &["create", "read", "update", "delete"]),
];

/// What a role allows: for each resource, the actions.
pub(crate) type Grants = &'static [(&'static str, &'static [&'static str])];

const OWNER: Grants = STATEMENTS;
const ADMIN: Grants = &[
    ("organization", &["update"]),
    ("member", &["create", "update", "delete"]),
    ("invitation", &["create", "cancel"]),
    ("team", &["create", "update", "delete"]),
    ("ac", &["create", "read", "update", "delete"]),
];
const MEMBER: Grants = &[
    ("organization", &[]),
    ("member", &[]),
    ("invitation", &[]),
    ("team", &[]),
    ("ac", &["read"]),
];

/// Within one team, a team admin may rename the team and manage its members; nothing
/// outside the team. (better-auth has no team roles; beep-iam adds them.)
const TEAM_ADMIN: Grants = &[
    ("team", &["update"]),
    ("member", &["create", "update", "delete"]),
];
const TEAM_MEMBER: Grants = &[];

/// Roles a member of a team can hold within it.
pub const TEAM_ROLES: &[&str] = &["admin", "member"];

impl MemberRole {
    /// What the role allows in its organization.
    fn grants(self) -> Grants {
        match self {
            MemberRole::Owner => OWNER,
            MemberRole::Admin => ADMIN,
            MemberRole::Member => MEMBER,
        }
    }
}

/// Resources and the actions wanted on each, as `has-permission` takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionRequest(BTreeMap<String, Vec<String>>);

impl PermissionRequest {
    /// A request for these actions on these resources.
    pub fn new(wanted: BTreeMap<String, Vec<String>>) -> Self {
        Self(wanted)
    }

    /// A request for one action on one resource.
    pub fn one(resource: &str, action: &str) -> Self {
        Self(BTreeMap::from([(
            resource.to_owned(),
            vec![action.to_owned()],
        )]))
    }

    /// Whether the request asks for `action` on `resource`.
    pub(crate) fn wants(&self, resource: &str, action: &str) -> bool {
        self.0
            .get(resource)
            .is_some_and(|actions| actions.iter().any(|a| a == action))
    }

    /// Whether a role allowing `grants` allows all of it.
    pub(crate) fn granted_by(&self, grants: Grants) -> bool {
        !self.0.is_empty()
            && self.0.iter().all(|(resource, actions)| {
                grants
                    .iter()
                    .find(|(name, _)| name == resource)
                    .is_some_and(|(_, allowed)| {
                        !actions.is_empty() && actions.iter().all(|a| allowed.contains(&a.as_str()))
                    })
            })
    }
}

/// A member's roles: one or more role names, stored comma-joined (`"admin,member"`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Roles(Vec<String>);

impl Roles {
    /// Parses one or more role values as better-auth does: each is split on commas, trimmed,
    /// and empty names dropped; repeats are kept once. The result may be empty.
    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut names: Vec<String> = Vec::new();
        for name in values.into_iter().flat_map(|v| v.split(',')).map(str::trim) {
            if !name.is_empty() && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        Self(names)
    }

    /// One built-in role.
    pub fn of(role: MemberRole) -> Self {
        Self(vec![role.as_str().to_owned()])
    }

    /// Reads back a value this crate stored.
    pub fn from_stored(value: &str) -> Self {
        Self::parse([value])
    }

    /// The stored, comma-joined form.
    pub fn stored(&self) -> String {
        self.0.join(",")
    }

    /// Whether there are no roles.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The role names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether one of the roles is this one.
    pub fn has(&self, role: MemberRole) -> bool {
        self.names().any(|n| n == role.as_str())
    }

    /// Whether one of the roles is `owner` (the creator role, protected by the last-owner
    /// rules).
    pub fn is_owner(&self) -> bool {
        self.has(MemberRole::Owner)
    }

    /// The names that are not built-in organization roles.
    pub fn unknown(&self) -> Vec<&str> {
        self.names()
            .filter(|n| n.parse::<MemberRole>().is_err())
            .collect()
    }

    /// The names that are not team roles.
    pub fn unknown_in_team(&self) -> Vec<&str> {
        self.names().filter(|n| !TEAM_ROLES.contains(n)).collect()
    }

    /// Whether one of these organization roles grants the whole request.
    pub fn allow(&self, request: &PermissionRequest) -> bool {
        self.names()
            .filter_map(|n| n.parse::<MemberRole>().ok())
            .any(|role| request.granted_by(role.grants()))
    }

    /// Whether one of these roles, held within a team, grants the whole request there.
    pub fn allow_in_team(&self, request: &PermissionRequest) -> bool {
        self.names().any(|name| {
            let grants = match name {
                "admin" => TEAM_ADMIN,
                "member" => TEAM_MEMBER,
                _ => return false,
            };
            request.granted_by(grants)
        })
    }
}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Roles({})", self.stored())
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.stored())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wants(pairs: &[(&str, &[&str])]) -> PermissionRequest {
        PermissionRequest::new(
            pairs
                .iter()
                .map(|(r, a)| ((*r).to_owned(), a.iter().map(|s| (*s).to_owned()).collect()))
                .collect(),
        )
    }

    #[test]
    fn role_values_are_split_trimmed_and_deduplicated() {
        let roles = Roles::parse(["admin, member", " admin", ""]);
        assert_eq!(roles.stored(), "admin,member");
        assert!(Roles::parse([" , "]).is_empty());
        assert!(Roles::from_stored("admin,owner").is_owner());
        assert!(
            !Roles::from_stored("Owner").is_owner(),
            "names are case-sensitive"
        );
    }

    #[test]
    fn the_built_in_roles_allow_what_better_auth_allows() {
        let delete_org = PermissionRequest::one("organization", "delete");
        let invite = PermissionRequest::one("invitation", "create");
        let read_ac = PermissionRequest::one("ac", "read");
        for (role, deletes, invites) in [
            (MemberRole::Owner, true, true),
            (MemberRole::Admin, false, true),
            (MemberRole::Member, false, false),
        ] {
            let roles = Roles::of(role);
            assert_eq!(roles.allow(&delete_org), deletes, "{role} deletes");
            assert_eq!(roles.allow(&invite), invites, "{role} invites");
            assert!(roles.allow(&read_ac), "{role} reads ac");
        }
    }

    #[test]
    fn one_role_must_grant_the_whole_request() {
        let both = wants(&[("organization", &["delete"]), ("member", &["create"])]);
        assert!(!Roles::from_stored("admin,member").allow(&both));
        assert!(Roles::from_stored("member,owner").allow(&both));
    }

    #[test]
    fn empty_unknown_and_malformed_requests_grant_nothing() {
        let owner = Roles::of(MemberRole::Owner);
        assert!(!owner.allow(&wants(&[])));
        assert!(!owner.allow(&wants(&[("member", &[])])));
        assert!(!owner.allow(&wants(&[("billing", &["read"])])));
        assert!(!owner.allow(&wants(&[("member", &["create", "fly"])])));
        assert!(!Roles::from_stored("superuser").allow(&wants(&[("ac", &["read"])])));
    }

    #[test]
    fn a_team_admin_manages_the_team_and_nothing_else() {
        let team_admin = Roles::from_stored("admin");
        assert!(team_admin.allow_in_team(&wants(&[("team", &["update"])])));
        assert!(team_admin.allow_in_team(&wants(&[("member", &["create", "delete"])])));
        assert!(!team_admin.allow_in_team(&wants(&[("team", &["delete"])])));
        assert!(!team_admin.allow_in_team(&wants(&[("organization", &["update"])])));
        assert!(!Roles::from_stored("member").allow_in_team(&wants(&[("team", &["update"])])));
        assert_eq!(Roles::from_stored("admin,lead").unknown_in_team(), ["lead"]);
    }
}
