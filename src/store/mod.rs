//! The store: one async trait with a method per need, one SQL implementation
//! that runs on both embedded SQLite and PostgreSQL (see `sql.rs`), and a
//! caching layer for the hot reads (`cached.rs`).
//!
//! Every write bumps a change counter in the same transaction; nodes poll it to
//! drop their caches, which bounds how stale another node's view can be.

pub mod cached;
pub mod identity;
pub mod policies;
pub mod saml;
pub mod sql;

pub use identity::{AccessKeyLastUsed, Group, IdentityStore};
pub use policies::{
    EntityKind, ManagedPolicy, PolicyEntity, PolicyStore, PolicyUsage, PolicyUse, PolicyVersion,
};
pub use saml::{SamlPrivateKey, SamlProvider, SamlStore, SpKeyRecord};

use async_trait::async_trait;

use crate::core::arn::AccountId;
use crate::core::time::Epoch;

/// What bootstrap attaches to the administrator: its only source of power.
pub const BOOTSTRAP_ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    NotFound,
    /// A name/URL already taken (names compare case-insensitively, as IAM's).
    AlreadyExists,
    /// The entity still has dependants; the message names them.
    Conflict(String),
    /// A quota would be exceeded; the message names it.
    Limit(String),
    /// `bootstrap` ran on a store that already has an account.
    AlreadyBootstrapped,
    /// Anything from the database itself. Logged, never shown to clients.
    Backend(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NotFound => f.write_str("not found"),
            StoreError::AlreadyExists => f.write_str("already exists"),
            StoreError::Conflict(m) | StoreError::Limit(m) => f.write_str(m),
            StoreError::AlreadyBootstrapped => f.write_str("store is already bootstrapped"),
            StoreError::Backend(m) => write!(f, "database error: {m}"),
        }
    }
}

impl std::error::Error for StoreError {}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub user_id: String,
    pub arn: String,
    pub created: Epoch,
    pub tags: Vec<Tag>,
    /// The bootstrap administrator. Informational only: its permissions come
    /// from the AdministratorAccess attachment bootstrap makes, like anyone's.
    pub is_admin: bool,
    /// The managed policy ARN that bounds the user's permissions.
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// A long-term access key. The secret is stored sealed under the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKey {
    pub access_key_id: String,
    pub account: AccountId,
    pub user_name: String,
    pub user_id: String,
    pub secret_sealed: Vec<u8>,
    pub status: KeyStatus,
    pub created: Epoch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub role_id: String,
    pub arn: String,
    /// The trust policy, as the client sent it (IAM returns it URL-encoded).
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: i64,
    pub created: Epoch,
    pub tags: Vec<Tag>,
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePolicy {
    pub name: String,
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    pub account: AccountId,
    pub arn: String,
    /// The URL as registered, with scheme (`https://host[:port][/path]`).
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: Epoch,
    pub tags: Vec<Tag>,
}

/// One session-token sealing key, itself sealed under the master key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealingKeyRecord {
    pub key_id: String,
    pub sealed_key: Vec<u8>,
    pub created: Epoch,
}

/// Partial update of a role (UpdateRole / UpdateRoleDescription).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
}

#[async_trait]
/// Everything the service needs from storage. Entity families live in their
/// own sub-traits (`IdentityStore`, `PolicyStore`) so each has one file.
pub trait Store: Send + Sync + IdentityStore + PolicyStore + SamlStore {
    /// A number that changes whenever anything is written.
    async fn change_counter(&self) -> StoreResult<i64>;

    /// For caching stores: a number that changes whenever cached reads may
    /// have become stale (a local write, or another node's write seen by the
    /// invalidation poll). Callers that derive data from reads (compiled
    /// policy sets) drop it when this moves. `None`: nothing is cached, so
    /// derived data must not be cached either.
    fn cache_generation(&self) -> Option<u64> {
        None
    }

    // Accounts and the bootstrap administrator.
    /// Create the account, its administrator user (with
    /// [`BOOTSTRAP_ADMIN_POLICY`] attached) and first access key in one
    /// transaction; `AlreadyBootstrapped` when any account exists.
    async fn bootstrap(&self, admin: &User, key: &AccessKey) -> StoreResult<()>;
    async fn accounts(&self) -> StoreResult<Vec<AccountId>>;
    async fn get_user(&self, account: &AccountId, name: &str) -> StoreResult<Option<User>>;
    async fn get_access_key(&self, access_key_id: &str) -> StoreResult<Option<AccessKey>>;

    // Roles.
    /// `AlreadyExists` for a taken name (case-insensitive), `Limit` past `max_roles`.
    async fn create_role(&self, role: &Role, max_roles: usize) -> StoreResult<()>;
    /// Look a role up by name, case-insensitively.
    async fn get_role(&self, account: &AccountId, name: &str) -> StoreResult<Option<Role>>;
    /// All roles of the account ordered by name (case-insensitive order).
    async fn list_roles(&self, account: &AccountId) -> StoreResult<Vec<Role>>;
    async fn count_roles(&self, account: &AccountId) -> StoreResult<usize>;
    async fn update_role(
        &self,
        account: &AccountId,
        name: &str,
        update: &RoleUpdate,
    ) -> StoreResult<()>;
    async fn update_assume_role_policy(
        &self,
        account: &AccountId,
        name: &str,
        document: &str,
    ) -> StoreResult<()>;
    /// Replace the role's tags wholesale.
    async fn set_role_tags(&self, account: &AccountId, name: &str, tags: &[Tag])
    -> StoreResult<()>;
    /// `Conflict` while inline policies remain.
    async fn delete_role(&self, account: &AccountId, name: &str) -> StoreResult<()>;

    // Role inline policies.
    /// Insert or replace; `Limit` when the aggregate non-whitespace size of the
    /// role's inline policies would pass `max_aggregate`.
    async fn put_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()>;
    async fn get_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>>;
    /// All inline policies of the role ordered by name.
    async fn list_role_policies(
        &self,
        account: &AccountId,
        role: &str,
    ) -> StoreResult<Vec<InlinePolicy>>;
    async fn delete_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<()>;

    // OIDC providers.
    /// `AlreadyExists` for the same ARN, `Limit` past `max_providers`.
    async fn create_oidc_provider(
        &self,
        provider: &OidcProvider,
        max_providers: usize,
    ) -> StoreResult<()>;
    async fn get_oidc_provider(&self, arn: &str) -> StoreResult<Option<OidcProvider>>;
    async fn list_oidc_providers(&self, account: &AccountId) -> StoreResult<Vec<OidcProvider>>;
    /// Replace client ids, thumbprints and tags of an existing provider.
    async fn update_oidc_provider(&self, provider: &OidcProvider) -> StoreResult<()>;
    async fn delete_oidc_provider(&self, arn: &str) -> StoreResult<()>;

    // Session-token key ring.
    async fn sealing_keys(&self) -> StoreResult<Vec<SealingKeyRecord>>;
    async fn add_sealing_key(&self, key: &SealingKeyRecord) -> StoreResult<()>;
}

/// Number of characters that are not whitespace: IAM's policy size measure.
pub fn non_whitespace_len(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}
