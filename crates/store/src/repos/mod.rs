//! Repositories: one module per aggregate, each a set of async functions over any
//! connection or transaction.

pub mod accounts;
pub mod invitations;
pub mod members;
pub mod organizations;
pub mod outbox;
pub mod sessions;
pub mod teams;
pub mod users;
pub mod verifications;
