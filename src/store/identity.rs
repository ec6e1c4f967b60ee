//! Users, groups, access keys, user and group inline policies, account aliases.

use async_trait::async_trait;

use super::cached::CachedStore;
use super::sql::SqlStore;

#[async_trait]
pub trait IdentityStore: Send + Sync {}

#[async_trait]
impl IdentityStore for SqlStore {}

#[async_trait]
impl IdentityStore for CachedStore {}
