//! STUB until the store branch lands.
use std::sync::Arc;
use super::Store;
pub struct CachedStore {
    pub inner: Arc<dyn Store>,
}
impl CachedStore {
    pub fn new(inner: Arc<dyn Store>) -> Self {
        CachedStore { inner }
    }
    pub fn spawn_invalidation(self: &Arc<Self>, _every: std::time::Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async {})
    }
}
