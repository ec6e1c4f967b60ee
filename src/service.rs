//! Start-up: open the store, load keys, build the shared state.

use std::sync::Arc;
use std::time::Duration;

use crate::app::{AppState, Clock};
use crate::config::Settings;
use crate::core::seal::SealKey;
use crate::federation::oidc::OidcVerifier;
use crate::keys::{KeyRingHandle, load_key_ring, load_or_create_master_key};
use crate::store::Store;
use crate::store::cached::CachedStore;
use crate::store::sql::SqlStore;

/// Open the configured store (SQLite in the data dir unless a database URL is
/// given), wrapped in the cache.
pub async fn open_store(settings: &Settings) -> Result<Arc<CachedStore>, String> {
    std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
        format!(
            "cannot create data dir {}: {e}",
            settings.data_dir.display()
        )
    })?;
    let sql = SqlStore::open(settings.database_url.as_deref(), &settings.data_dir)
        .await
        .map_err(|e| format!("cannot open store: {e}"))?;
    Ok(Arc::new(CachedStore::new(Arc::new(sql))))
}

/// Build the state every request shares. The returned cache handle is what
/// `spawn_invalidation` runs on.
pub async fn build_state(settings: Settings) -> Result<(Arc<AppState>, Arc<CachedStore>), String> {
    let cached = open_store(&settings).await?;
    let master = SealKey::new(&load_or_create_master_key(&settings.master_key_file)?);
    let clock = Clock::default();
    let store: Arc<dyn Store> = cached.clone();
    let ring = load_key_ring(store.as_ref(), &master, clock.now()).await?;
    let state = AppState {
        oidc: OidcVerifier::new(settings.oidc.clone()),
        settings,
        store,
        master,
        keyring: KeyRingHandle::new(ring),
        clock,
        key_usage: Default::default(),
        parsed_policies: Default::default(),
        policy_cache: Default::default(),
    };
    Ok((Arc::new(state), cached))
}

/// Poll for writes from other nodes (PostgreSQL deployments) and drop caches.
pub fn start_cache_invalidation(
    cached: &Arc<CachedStore>,
    settings: &Settings,
) -> tokio::task::JoinHandle<()> {
    cached.spawn_invalidation(Duration::from_millis(settings.cache_refresh_ms.max(50)))
}
