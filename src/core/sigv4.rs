//! SigV4 canonicalisation, signing and verification as pure functions. (Being written.)
// STUB API until the sigv4 branch lands.
use crate::core::error::{ApiError, ErrorCode};
use crate::core::time::Epoch;
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}
#[derive(Debug, Clone)]
pub struct SignatureInfo {
    pub scope: Scope,
    pub signed_headers: Vec<String>,
    pub signature: String,
    pub amz_date: String,
    pub timestamp: Epoch,
    pub security_token: Option<String>,
    pub presigned: bool,
    pub expires: Option<i64>,
}
pub fn extract(
    _req: &HttpRequest,
    _allowed_services: &[&str],
) -> Result<Option<SignatureInfo>, ApiError> {
    Err(ApiError::new(ErrorCode::IncompleteSignature, "stub"))
}
pub fn check_time(_info: &SignatureInfo, _now: Epoch) -> Result<(), ApiError> {
    Ok(())
}
pub fn signing_key(_secret: &str, _date: &str, _region: &str, _service: &str) -> [u8; 32] {
    [0; 32]
}
pub fn verify(
    _req: &HttpRequest,
    _info: &SignatureInfo,
    _signing_key: &[u8; 32],
) -> Result<(), ApiError> {
    Err(ApiError::new(ErrorCode::SignatureDoesNotMatch, "stub"))
}
#[allow(clippy::too_many_arguments)]
pub fn sign_headers(
    _method: &str,
    _path: &str,
    _query: &str,
    _headers: &[(&str, &str)],
    _body: &[u8],
    _access_key_id: &str,
    _secret: &str,
    _session_token: Option<&str>,
    _region: &str,
    _service: &str,
    _now: Epoch,
) -> Vec<(String, String)> {
    vec![]
}
