//! Authentication: find the SigV4 credentials of a request, resolve the access
//! key (long-term from the store cache, temporary from its sealed token) and
//! verify the signature.

use crate::app::AppState;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::sigv4::{self, HttpRequest};
use crate::core::time::Epoch;
use crate::core::token::session::TokenError;
use crate::principal::Principal;
use crate::store::{AccessKeyLastUsed, KeyStatus};

/// Services a signature may be scoped to.
const SERVICES: &[&str] = &["sts", "iam"];

pub fn missing_authentication() -> ApiError {
    ApiError::new(
        ErrorCode::MissingAuthenticationToken,
        "Request is missing Authentication Token",
    )
}

pub async fn authenticate(
    state: &AppState,
    req: &HttpRequest<'_>,
    now: Epoch,
) -> ApiResult<Principal> {
    let info = sigv4::extract(req, SERVICES)?.ok_or_else(missing_authentication)?;
    let akid = info.scope.access_key_id.as_str();
    if akid.starts_with("ASIA") {
        let token = info
            .security_token
            .as_deref()
            .ok_or_else(ApiError::invalid_client_token)?;
        let claims = state
            .keyring
            .open(token, state.store.as_ref(), &state.master, now)
            .await
            .map_err(|e| {
                if let TokenError::UnknownKey(id) = &e {
                    tracing::warn!(key_id = %id, "session token sealed under an unknown key");
                }
                ApiError::invalid_client_token()
            })?;
        if claims.akid != akid {
            return Err(ApiError::invalid_client_token());
        }
        sigv4::check_time(&info, now)?;
        let key = sigv4::signing_key(
            &claims.secret,
            &info.scope.date,
            &info.scope.region,
            &info.scope.service,
        );
        sigv4::verify(req, &info, &key)?;
        if now >= claims.exp {
            return Err(ApiError::expired_session_token());
        }
        let account = crate::core::arn::AccountId::parse(&claims.account)
            .ok_or_else(ApiError::invalid_client_token)?;
        return Ok(Principal::Session { claims, account });
    }
    let key = state
        .store
        .get_access_key(akid)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "access key lookup failed");
            ApiError::internal()
        })?
        .ok_or_else(ApiError::invalid_client_token)?;
    if key.status != KeyStatus::Active {
        return Err(ApiError::invalid_client_token());
    }
    let secret = state
        .master
        .open(key.access_key_id.as_bytes(), &key.secret_sealed)
        .and_then(|s| String::from_utf8(s).ok())
        .ok_or_else(|| {
            tracing::error!(access_key_id = %akid, "stored secret cannot be decrypted with this master key");
            ApiError::internal()
        })?;
    let secret = crate::core::secret::Secret::new(secret);
    sigv4::check_time(&info, now)?;
    let signing_key = sigv4::signing_key(
        secret.expose(),
        &info.scope.date,
        &info.scope.region,
        &info.scope.service,
    );
    sigv4::verify(req, &info, &signing_key)?;
    let user = state
        .store
        .get_user(&key.account, &key.user_name)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "user lookup failed");
            ApiError::internal()
        })?
        .ok_or_else(ApiError::invalid_client_token)?;
    record_use(
        state,
        &key.access_key_id,
        &info.scope.service,
        &info.scope.region,
        now,
    )
    .await;
    Ok(Principal::User {
        user,
        access_key_id: key.access_key_id,
    })
}

/// Remember when and where a long-term key was used (GetAccessKeyLastUsed),
/// at most once a minute per key. A failed write only loses the record.
async fn record_use(
    state: &AppState,
    access_key_id: &str,
    service: &str,
    region: &str,
    now: Epoch,
) {
    if !state.key_usage.due(access_key_id, now) {
        return;
    }
    let used = AccessKeyLastUsed {
        used: now,
        service: service.to_string(),
        region: region.to_string(),
    };
    if let Err(e) = state
        .store
        .record_access_key_use(access_key_id, &used)
        .await
    {
        tracing::warn!(error = %e, access_key_id = %access_key_id, "cannot record access key use");
    }
}
