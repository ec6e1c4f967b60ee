//! STUB until the store branch lands.
use super::*;
pub struct SqlStore;
impl SqlStore {
    pub async fn open(_database_url: Option<&str>, _data_dir: &std::path::Path) -> Result<SqlStore, StoreError> {
        Err(StoreError::Backend("stub".into()))
    }
    pub fn backend(&self) -> &'static str {
        "stub"
    }
}
