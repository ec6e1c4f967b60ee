//! STUB until the federation branch lands.
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::Epoch;
#[derive(Debug, Clone)]
pub struct CheckedClaims {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
    pub oaud: String,
    pub azp: Option<String>,
    pub amr: Vec<String>,
    pub issued_at: Option<Epoch>,
    pub expires: Epoch,
    pub principal_tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub claims: serde_json::Map<String, serde_json::Value>,
}
pub fn peek_issuer(_token: &str) -> ApiResult<String> {
    Err(ApiError::invalid_identity_token("stub"))
}
