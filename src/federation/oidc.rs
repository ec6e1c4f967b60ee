//! STUB until the federation branch lands.
use crate::core::error::{ApiError, ApiResult};
use crate::core::time::Epoch;

#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub leeway_secs: i64,
    pub jwks_refresh_cooldown: std::time::Duration,
    pub allow_http_issuers: bool,
    pub google_discovery_url: String,
    pub http_timeout: std::time::Duration,
}
impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            leeway_secs: 300,
            jwks_refresh_cooldown: std::time::Duration::from_secs(10),
            allow_http_issuers: false,
            google_discovery_url: "https://accounts.google.com/.well-known/openid-configuration"
                .into(),
            http_timeout: std::time::Duration::from_secs(5),
        }
    }
}
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    pub issuer_url: String,
    pub client_ids: Option<Vec<String>>,
    pub thumbprints: Vec<String>,
    pub discovery_url: String,
}
pub struct OidcVerifier {}
impl OidcVerifier {
    pub fn new(_settings: OidcSettings) -> Self {
        OidcVerifier {}
    }
    pub async fn verify(
        &self,
        _token: &str,
        _provider: &ProviderSpec,
        _now: Epoch,
    ) -> ApiResult<crate::core::token::jwt::CheckedClaims> {
        Err(ApiError::invalid_identity_token("stub"))
    }
}
