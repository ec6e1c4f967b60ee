//! Managed policies, their versions, and attachments to users, groups and roles.

use async_trait::async_trait;

use super::cached::CachedStore;
use super::sql::SqlStore;

#[async_trait]
pub trait PolicyStore: Send + Sync {}

#[async_trait]
impl PolicyStore for SqlStore {}

#[async_trait]
impl PolicyStore for CachedStore {}
