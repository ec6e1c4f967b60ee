//! In-memory cache in front of the store for the hot reads (roles, their
//! inline policies, OIDC providers, access keys, users, sealing keys).
//!
//! Writes are rare, so any write made through the cache drops everything.
//! Writes made by other nodes become visible when `spawn_invalidation`'s poll
//! sees the change counter move, which bounds staleness by the poll interval.
//!
//! A generation number guards against a read that began before an
//! invalidation putting its (possibly stale) result back afterwards.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use crate::core::arn::AccountId;
use crate::store::{
    AccessKey, Group, InlinePolicy, OidcProvider, Role, RoleUpdate, SealingKeyRecord, Store,
    StoreResult, Tag, User,
};

/// Past this many entries a map is cleared before inserting: lookups of
/// names that do not exist are cached too, and must not grow memory without
/// bound.
const MAX_ENTRIES: usize = 10_000;

pub(super) type NameKey = (AccountId, String);

#[derive(Default)]
pub(super) struct Caches {
    pub(super) generation: u64,
    pub(super) roles: HashMap<NameKey, Option<Role>>,
    pub(super) role_policies: HashMap<NameKey, Vec<InlinePolicy>>,
    pub(super) oidc_providers: HashMap<String, Option<OidcProvider>>,
    pub(super) access_keys: HashMap<String, Option<AccessKey>>,
    pub(super) users: HashMap<NameKey, Option<User>>,
    pub(super) sealing_keys: Option<Vec<SealingKeyRecord>>,
    pub(super) policies: super::policies::PolicyCaches,
    pub(super) user_policies: HashMap<NameKey, Vec<InlinePolicy>>,
    pub(super) group_policies: HashMap<NameKey, Vec<InlinePolicy>>,
    pub(super) user_groups: HashMap<NameKey, Vec<Group>>,
    pub(super) saml_providers: HashMap<String, Option<super::SamlProvider>>,
}

impl Caches {
    fn clear(&mut self) {
        self.generation += 1;
        self.roles.clear();
        self.role_policies.clear();
        self.oidc_providers.clear();
        self.access_keys.clear();
        self.users.clear();
        self.sealing_keys = None;
        self.policies.clear();
        self.user_policies.clear();
        self.group_policies.clear();
        self.user_groups.clear();
        self.saml_providers.clear();
    }
}

pub(super) fn bounded_insert<K: std::hash::Hash + Eq, V>(
    map: &mut HashMap<K, V>,
    key: K,
    value: V,
) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, value);
}

pub(super) fn name_key(account: &AccountId, name: &str) -> NameKey {
    (account.clone(), name.to_lowercase())
}

pub struct CachedStore {
    pub(super) inner: Arc<dyn Store>,
    caches: RwLock<Caches>,
    /// Last change counter seen by `refresh`; `None` before the first poll.
    last_counter: tokio::sync::Mutex<Option<i64>>,
    /// Counts invalidations, so callers (and tests) can wait for one.
    invalidations: watch::Sender<u64>,
}

impl CachedStore {
    pub fn new(inner: Arc<dyn Store>) -> CachedStore {
        CachedStore {
            inner,
            caches: RwLock::new(Caches::default()),
            last_counter: tokio::sync::Mutex::new(None),
            invalidations: watch::Sender::new(0),
        }
    }

    /// Drop every cached entry.
    pub fn invalidate_all(&self) {
        self.write().clear();
        self.invalidations.send_modify(|n| *n += 1);
    }

    /// Notified after each invalidation (the value counts them).
    pub fn invalidations(&self) -> watch::Receiver<u64> {
        self.invalidations.subscribe()
    }

    /// Read the change counter once and drop the caches if it moved since the
    /// last call (or if this is the first call: nothing is known about what
    /// was cached before). Returns whether the caches were dropped.
    pub async fn refresh(&self) -> StoreResult<bool> {
        let mut last = self.last_counter.lock().await;
        let now = self.inner.change_counter().await?;
        let changed = *last != Some(now);
        if changed {
            self.invalidate_all();
            *last = Some(now);
        }
        Ok(changed)
    }

    /// Poll the change counter every `every` and drop the caches when another
    /// node wrote. Runs until the returned handle is aborted.
    pub fn spawn_invalidation(self: &Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(every);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                if let Err(e) = this.refresh().await {
                    // Keep serving from the cache; a database outage must not
                    // take the hot path down with it.
                    tracing::warn!(error = %e, "cache invalidation poll failed");
                }
            }
        })
    }

    pub(super) fn read(&self) -> RwLockReadGuard<'_, Caches> {
        self.caches
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn write(&self) -> RwLockWriteGuard<'_, Caches> {
        self.caches
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn generation(&self) -> u64 {
        self.read().generation
    }

    /// Store a freshly read value unless an invalidation happened meanwhile.
    pub(super) fn fill(&self, generation: u64, put: impl FnOnce(&mut Caches)) {
        let mut caches = self.write();
        if caches.generation == generation {
            put(&mut caches);
        }
    }

    /// Read-through lookup under a name key: the cached value in the map
    /// `map`/`map_mut` select, else `load`'s (only awaited on a miss),
    /// remembered unless a write came in between.
    pub(super) async fn read_through<V: Clone>(
        &self,
        k: NameKey,
        map: fn(&Caches) -> &HashMap<NameKey, V>,
        map_mut: fn(&mut Caches) -> &mut HashMap<NameKey, V>,
        load: impl Future<Output = StoreResult<V>>,
    ) -> StoreResult<V> {
        if let Some(hit) = map(&self.read()).get(&k) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let value = load.await?;
        self.fill(generation, |c| bounded_insert(map_mut(c), k, value.clone()));
        Ok(value)
    }

    /// Pass a write through and drop the caches whatever its outcome: a
    /// failed write may still have reached the database (lost connection
    /// after commit).
    pub(super) fn after_write<T>(&self, result: StoreResult<T>) -> StoreResult<T> {
        self.invalidate_all();
        result
    }
}

#[async_trait]
impl Store for CachedStore {
    async fn change_counter(&self) -> StoreResult<i64> {
        self.inner.change_counter().await
    }

    fn cache_generation(&self) -> Option<u64> {
        Some(self.generation())
    }

    async fn bootstrap(&self, admin: &User, key: &AccessKey) -> StoreResult<()> {
        let r = self.inner.bootstrap(admin, key).await;
        self.after_write(r)
    }

    async fn accounts(&self) -> StoreResult<Vec<AccountId>> {
        self.inner.accounts().await
    }

    async fn get_user(&self, account: &AccountId, name: &str) -> StoreResult<Option<User>> {
        self.read_through(
            name_key(account, name),
            |c| &c.users,
            |c| &mut c.users,
            self.inner.get_user(account, name),
        )
        .await
    }

    async fn get_access_key(&self, access_key_id: &str) -> StoreResult<Option<AccessKey>> {
        if let Some(hit) = self.read().access_keys.get(access_key_id) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let found = self.inner.get_access_key(access_key_id).await?;
        self.fill(generation, |c| {
            bounded_insert(&mut c.access_keys, access_key_id.to_string(), found.clone())
        });
        Ok(found)
    }

    async fn create_role(&self, role: &Role, max_roles: usize) -> StoreResult<()> {
        let r = self.inner.create_role(role, max_roles).await;
        self.after_write(r)
    }

    async fn get_role(&self, account: &AccountId, name: &str) -> StoreResult<Option<Role>> {
        self.read_through(
            name_key(account, name),
            |c| &c.roles,
            |c| &mut c.roles,
            self.inner.get_role(account, name),
        )
        .await
    }

    async fn list_roles(&self, account: &AccountId) -> StoreResult<Vec<Role>> {
        self.inner.list_roles(account).await
    }

    async fn count_roles(&self, account: &AccountId) -> StoreResult<usize> {
        self.inner.count_roles(account).await
    }

    async fn update_role(
        &self,
        account: &AccountId,
        name: &str,
        update: &RoleUpdate,
    ) -> StoreResult<()> {
        let r = self.inner.update_role(account, name, update).await;
        self.after_write(r)
    }

    async fn update_assume_role_policy(
        &self,
        account: &AccountId,
        name: &str,
        document: &str,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .update_assume_role_policy(account, name, document)
            .await;
        self.after_write(r)
    }

    async fn set_role_tags(
        &self,
        account: &AccountId,
        name: &str,
        tags: &[Tag],
    ) -> StoreResult<()> {
        let r = self.inner.set_role_tags(account, name, tags).await;
        self.after_write(r)
    }

    async fn delete_role(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let r = self.inner.delete_role(account, name).await;
        self.after_write(r)
    }

    async fn put_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .put_role_policy(account, role, policy, max_aggregate)
            .await;
        self.after_write(r)
    }

    async fn get_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        self.inner.get_role_policy(account, role, name).await
    }

    async fn list_role_policies(
        &self,
        account: &AccountId,
        role: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        self.read_through(
            name_key(account, role),
            |c| &c.role_policies,
            |c| &mut c.role_policies,
            self.inner.list_role_policies(account, role),
        )
        .await
    }

    async fn delete_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<()> {
        let r = self.inner.delete_role_policy(account, role, name).await;
        self.after_write(r)
    }

    async fn create_oidc_provider(
        &self,
        provider: &OidcProvider,
        max_providers: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .create_oidc_provider(provider, max_providers)
            .await;
        self.after_write(r)
    }

    async fn get_oidc_provider(&self, arn: &str) -> StoreResult<Option<OidcProvider>> {
        if let Some(hit) = self.read().oidc_providers.get(arn) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let found = self.inner.get_oidc_provider(arn).await?;
        self.fill(generation, |c| {
            bounded_insert(&mut c.oidc_providers, arn.to_string(), found.clone())
        });
        Ok(found)
    }

    async fn list_oidc_providers(&self, account: &AccountId) -> StoreResult<Vec<OidcProvider>> {
        self.inner.list_oidc_providers(account).await
    }

    async fn update_oidc_provider(&self, provider: &OidcProvider) -> StoreResult<()> {
        let r = self.inner.update_oidc_provider(provider).await;
        self.after_write(r)
    }

    async fn delete_oidc_provider(&self, arn: &str) -> StoreResult<()> {
        let r = self.inner.delete_oidc_provider(arn).await;
        self.after_write(r)
    }

    async fn sealing_keys(&self) -> StoreResult<Vec<SealingKeyRecord>> {
        if let Some(hit) = &self.read().sealing_keys {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let keys = self.inner.sealing_keys().await?;
        self.fill(generation, |c| c.sealing_keys = Some(keys.clone()));
        Ok(keys)
    }

    async fn add_sealing_key(&self, key: &SealingKeyRecord) -> StoreResult<()> {
        let r = self.inner.add_sealing_key(key).await;
        self.after_write(r)
    }
}
