//! The organization routes over HTTP, in one test binary (one link instead of four): the
//! organizations themselves, members and roles, invitations, and teams.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod invitations;
mod members;
mod orgs;
mod teams;
