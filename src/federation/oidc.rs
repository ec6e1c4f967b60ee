//! OIDC ID-token verification: keys found through discovery
//! (`jwks_uri`), cached per provider, refreshed on an unknown `kid` with
//! single flight and a cooldown; claims checked by `core::token::jwt`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};
use serde_json::Value;

use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::time::Epoch;
use crate::core::token::jwt::{self, CheckedClaims};
use crate::federation::tls::{HttpClients, is_thumbprint_mismatch};

/// Largest discovery or JWKS document we read.
const MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Allowed clock skew for `exp`, `nbf`, `iat`.
    pub leeway_secs: i64,
    /// Minimum time between two JWKS fetches for one provider.
    pub jwks_refresh_cooldown: Duration,
    /// Cached keys older than this are fetched again on the next token.
    pub jwks_max_age: Duration,
    /// Development only: accept `http://` issuers.
    pub allow_http_issuers: bool,
    pub google_discovery_url: String,
    /// Whole-request timeout for discovery/JWKS fetches.
    pub http_timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            leeway_secs: 300,
            jwks_refresh_cooldown: Duration::from_secs(10),
            jwks_max_age: Duration::from_secs(3600),
            allow_http_issuers: false,
            google_discovery_url: "https://accounts.google.com/.well-known/openid-configuration"
                .to_string(),
            http_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(3),
        }
    }
}

/// What STS knows about the provider a token claims to come from.
#[derive(Debug, Clone)]
pub struct ProviderSpec {
    /// As registered, with scheme (`https://idp.example.org[:port][/path]`).
    pub issuer_url: String,
    /// `None` for Google, which has no client-id list.
    pub client_ids: Option<Vec<String>>,
    pub thumbprints: Vec<String>,
    /// Usually `issuer_url + "/.well-known/openid-configuration"`.
    pub discovery_url: String,
}

impl ProviderSpec {
    /// A provider whose discovery document sits at the standard place.
    pub fn new(issuer_url: &str, client_ids: Vec<String>, thumbprints: Vec<String>) -> Self {
        ProviderSpec {
            issuer_url: issuer_url.to_string(),
            client_ids: Some(client_ids),
            thumbprints,
            discovery_url: discovery_url_for(issuer_url),
        }
    }
}

pub fn discovery_url_for(issuer_url: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer_url.trim_end_matches('/')
    )
}

/// A verification key from a JWKS, bound to the algorithms it may be used with.
struct Jwk {
    kid: Option<String>,
    key: DecodingKey,
    algs: Vec<Algorithm>,
}

struct KeySet {
    keys: Vec<Jwk>,
    fetched: Instant,
}

#[derive(Default)]
struct RefreshState {
    last_attempt: Option<Instant>,
    last_error: Option<ApiError>,
}

/// Per-provider cache. `generation` counts successful fetches so a task that
/// waited for the refresh lock can tell someone else already refreshed.
struct ProviderKeys {
    current: RwLock<Option<(u64, Arc<KeySet>)>>,
    refresh: tokio::sync::Mutex<RefreshState>,
}

pub struct OidcVerifier {
    settings: OidcSettings,
    http: HttpClients,
    providers: Mutex<HashMap<String, Arc<ProviderKeys>>>,
    fetches: AtomicU64,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid_identity_token(message)
}

fn communication(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::IdpCommunicationError, message)
}

const THUMBPRINT_MESSAGE: &str = "The certificate of the OpenID Connect provider does not match the configured thumbprint (it chains to no trusted root and no registered thumbprint matches a certificate in its chain)";

fn parse_alg(alg: &str) -> Option<Algorithm> {
    alg.parse::<Algorithm>().ok()
}

/// Algorithms a JWK may verify, from its key type and curve. A JWK `alg`
/// narrows this further; HMAC is never possible.
fn jwk_from_json(v: &Value) -> Option<Jwk> {
    let s = |name: &str| v.get(name).and_then(Value::as_str);
    if let Some(u) = s("use")
        && u != "sig"
    {
        return None;
    }
    let (key, mut algs) = match s("kty")? {
        "RSA" => (
            DecodingKey::from_rsa_components(s("n")?, s("e")?).ok()?,
            vec![
                Algorithm::RS256,
                Algorithm::RS384,
                Algorithm::RS512,
                Algorithm::PS256,
                Algorithm::PS384,
                Algorithm::PS512,
            ],
        ),
        "EC" => {
            let alg = match s("crv")? {
                "P-256" => Algorithm::ES256,
                "P-384" => Algorithm::ES384,
                _ => return None,
            };
            (
                DecodingKey::from_ec_components(s("x")?, s("y")?).ok()?,
                vec![alg],
            )
        }
        "OKP" if s("crv")? == "Ed25519" => (
            DecodingKey::from_ed_components(s("x")?).ok()?,
            vec![Algorithm::EdDSA],
        ),
        _ => return None,
    };
    if let Some(alg) = s("alg") {
        let alg = parse_alg(alg)?;
        algs.retain(|a| *a == alg);
    }
    Some(Jwk {
        kid: s("kid").map(str::to_string),
        key,
        algs,
    })
}

enum Lookup<'a> {
    Found(&'a Jwk),
    /// The kid is not in the set: a refresh may bring it.
    Unknown,
}

fn lookup<'a>(set: &'a KeySet, kid: Option<&str>) -> ApiResult<Lookup<'a>> {
    match kid {
        Some(kid) => Ok(set
            .keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(kid))
            .map_or(Lookup::Unknown, Lookup::Found)),
        // Without a kid only an unambiguous JWKS (exactly one key) is usable.
        None => match set.keys.as_slice() {
            [only] => Ok(Lookup::Found(only)),
            [] => Ok(Lookup::Unknown),
            _ => Err(invalid(
                "The token header has no kid and the provider's JWKS holds several keys",
            )),
        },
    }
}

impl OidcVerifier {
    pub fn new(settings: OidcSettings) -> Self {
        let http = HttpClients::new(settings.connect_timeout, settings.http_timeout);
        OidcVerifier {
            settings,
            http,
            providers: Mutex::new(HashMap::new()),
            fetches: AtomicU64::new(0),
        }
    }

    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// How many discovery+JWKS refreshes were attempted (for tests/metrics).
    pub fn jwks_fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// Verify an ID token against the provider it names. Fails closed: any
    /// doubt is an error.
    pub async fn verify(
        &self,
        token: &str,
        provider: &ProviderSpec,
        now: Epoch,
    ) -> ApiResult<CheckedClaims> {
        let parsed = jwt::parse(token)?;
        jwt::check_header(&parsed)?;
        let alg = parse_alg(&parsed.alg)
            .ok_or_else(|| invalid("The token signing algorithm is not supported"))?;

        let token_iss = parsed
            .claims
            .get("iss")
            .and_then(Value::as_str)
            .unwrap_or("");
        let google = jwt::is_google_issuer(token_iss);
        // Cheap refusal before any network traffic.
        if !(token_iss == provider.issuer_url
            || (google && jwt::is_google_issuer(&provider.issuer_url)))
        {
            return Err(invalid(format!(
                "The token issuer does not match the provider URL {}",
                provider.issuer_url
            )));
        }
        let (discovery_url, expected_doc_issuer) = if google {
            (self.settings.google_discovery_url.clone(), None)
        } else {
            (
                provider.discovery_url.clone(),
                Some(provider.issuer_url.as_str()),
            )
        };
        // Google's registered issuer may lack a scheme; its keys come from the
        // configured discovery URL, which is checked instead.
        if !google {
            self.check_scheme(&provider.issuer_url)?;
        }
        self.check_scheme(&discovery_url)?;

        let fetch = FetchTarget {
            discovery_url: &discovery_url,
            expected_issuer: expected_doc_issuer,
            thumbprints: &provider.thumbprints,
        };
        let entry = self.entry(&discovery_url)?;
        let key = self.find_key(&entry, &fetch, parsed.kid.as_deref()).await?;

        if !key.algs.contains(&alg) || alg.family() == AlgorithmFamily::Hmac {
            return Err(invalid(format!(
                "The token algorithm {} does not match the type of the key it names",
                parsed.alg
            )));
        }
        let valid = jsonwebtoken::crypto::verify(
            &parsed.signature,
            parsed.signing_input.as_bytes(),
            &key.key,
            alg,
        )
        .unwrap_or(false);
        if !valid {
            return Err(invalid("The token signature is invalid"));
        }

        jwt::check_claims(
            &parsed.claims,
            &provider.issuer_url,
            provider.client_ids.as_deref(),
            now,
            self.settings.leeway_secs,
        )
    }

    fn check_scheme(&self, url: &str) -> ApiResult<()> {
        if url.starts_with("https://") {
            return Ok(());
        }
        if url.starts_with("http://") {
            if self.settings.allow_http_issuers {
                return Ok(());
            }
            return Err(invalid(format!(
                "The OpenID Connect provider {url} uses http; http issuers need --allow-http-issuers (development only)"
            )));
        }
        Err(invalid(format!(
            "The OpenID Connect provider URL {url} must start with https://"
        )))
    }

    fn entry(&self, discovery_url: &str) -> ApiResult<Arc<ProviderKeys>> {
        let mut map = self.providers.lock().map_err(|_| ApiError::internal())?;
        Ok(map
            .entry(discovery_url.to_string())
            .or_insert_with(|| {
                Arc::new(ProviderKeys {
                    current: RwLock::new(None),
                    refresh: tokio::sync::Mutex::new(RefreshState::default()),
                })
            })
            .clone())
    }

    fn snapshot(entry: &ProviderKeys) -> ApiResult<Option<(u64, Arc<KeySet>)>> {
        entry
            .current
            .read()
            .map(|g| g.clone())
            .map_err(|_| ApiError::internal())
    }

    async fn find_key(
        &self,
        entry: &ProviderKeys,
        target: &FetchTarget<'_>,
        kid: Option<&str>,
    ) -> ApiResult<Arc<KeyRef>> {
        let seen = Self::snapshot(entry)?;
        if let Some((_, set)) = &seen
            && set.fetched.elapsed() < self.settings.jwks_max_age
            && let Lookup::Found(k) = lookup(set, kid)?
        {
            return Ok(KeyRef::from(k));
        }
        let seen_generation = seen.as_ref().map(|(g, _)| *g);

        // Single flight: one task fetches, the others wait here and reuse it.
        let mut state = entry.refresh.lock().await;
        let latest = Self::snapshot(entry)?;
        let someone_refreshed = latest.as_ref().map(|(g, _)| *g) != seen_generation;
        let cooling = state
            .last_attempt
            .is_some_and(|t| t.elapsed() < self.settings.jwks_refresh_cooldown);
        let set = if someone_refreshed || cooling {
            match (&latest, &state.last_error) {
                (Some((_, set)), _) => set.clone(),
                (None, Some(err)) => return Err(err.clone()),
                (None, None) => {
                    return Err(communication(
                        "The OpenID Connect provider's keys are not available yet",
                    ));
                }
            }
        } else {
            state.last_attempt = Some(Instant::now());
            self.fetches.fetch_add(1, Ordering::Relaxed);
            match self.fetch_keys(target).await {
                Ok(set) => {
                    state.last_error = None;
                    let set = Arc::new(set);
                    let next = latest.as_ref().map_or(1, |(g, _)| g + 1);
                    let mut w = entry.current.write().map_err(|_| ApiError::internal())?;
                    *w = Some((next, set.clone()));
                    set
                }
                Err(err) => {
                    state.last_error = Some(err.clone());
                    return Err(err);
                }
            }
        };
        drop(state);
        match lookup(&set, kid)? {
            Lookup::Found(k) => Ok(KeyRef::from(k)),
            Lookup::Unknown => Err(invalid(match kid {
                Some(_) => "The token's kid names no key in the OpenID Connect provider's JWKS",
                None => "The OpenID Connect provider's JWKS holds no usable key",
            })),
        }
    }

    async fn fetch_keys(&self, target: &FetchTarget<'_>) -> ApiResult<KeySet> {
        let client = self.http.client(target.thumbprints).map_err(|e| {
            tracing::error!(error = %e, "building the IdP http client failed");
            ApiError::internal()
        })?;
        let doc = self.get_json(&client, target.discovery_url).await?;
        if let Some(expected) = target.expected_issuer {
            let issuer = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
            if issuer.trim_end_matches('/') != expected.trim_end_matches('/') {
                return Err(invalid(format!(
                    "The discovery document of {expected} names a different issuer"
                )));
            }
        }
        let jwks_uri = doc
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("The provider's discovery document has no jwks_uri"))?
            .to_string();
        self.check_scheme(&jwks_uri)?;
        let jwks = self.get_json(&client, &jwks_uri).await?;
        let keys = jwks
            .get("keys")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("The provider's JWKS has no keys array"))?
            .iter()
            .filter_map(jwk_from_json)
            .collect();
        Ok(KeySet {
            keys,
            fetched: Instant::now(),
        })
    }

    async fn get_json(&self, client: &reqwest::Client, url: &str) -> ApiResult<Value> {
        let map_err = |e: reqwest::Error| {
            if is_thumbprint_mismatch(&e) {
                invalid(THUMBPRINT_MESSAGE)
            } else {
                tracing::warn!(url, error = %e, "OIDC provider unreachable");
                communication(format!(
                    "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements ({url} unreachable)"
                ))
            }
        };
        let mut resp = client
            .get(url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(map_err)?;
        if !resp.status().is_success() {
            return Err(communication(format!(
                "The OpenID Connect provider answered {} for {url}",
                resp.status().as_u16()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(map_err)? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(communication(format!(
                    "The document at {url} is larger than {MAX_BODY} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body)
            .map_err(|_| communication(format!("The document at {url} is not valid JSON")))
    }
}

struct FetchTarget<'a> {
    discovery_url: &'a str,
    /// `None` for Google, whose discovery URL may be overridden (tests, demo).
    expected_issuer: Option<&'a str>,
    thumbprints: &'a [String],
}

/// A key cloned out of the cache so no lock is held while verifying.
struct KeyRef {
    key: DecodingKey,
    algs: Vec<Algorithm>,
}

impl KeyRef {
    fn from(k: &Jwk) -> Arc<KeyRef> {
        Arc::new(KeyRef {
            key: k.key.clone(),
            algs: k.algs.clone(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn jwk_algorithms_follow_key_type() {
        let rsa = jwk_from_json(&json!({"kty":"RSA","n":"AQAB","e":"AQAB","kid":"r"})).unwrap();
        assert!(rsa.algs.contains(&Algorithm::RS256));
        assert!(!rsa.algs.iter().any(|a| a.family() == AlgorithmFamily::Hmac));
        let pinned =
            jwk_from_json(&json!({"kty":"RSA","n":"AQAB","e":"AQAB","alg":"PS256"})).unwrap();
        assert_eq!(pinned.algs, vec![Algorithm::PS256]);
        let ec = jwk_from_json(&json!({"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"})).unwrap();
        assert_eq!(ec.algs, vec![Algorithm::ES256]);
        assert!(jwk_from_json(&json!({"kty":"oct","k":"c2VjcmV0"})).is_none());
        assert!(jwk_from_json(&json!({"kty":"EC","crv":"P-521","x":"AQ","y":"AQ"})).is_none());
        assert!(jwk_from_json(&json!({"kty":"RSA","n":"AQAB","e":"AQAB","use":"enc"})).is_none());
    }

    #[test]
    fn kidless_token_needs_a_single_key_jwks() {
        let key = || jwk_from_json(&json!({"kty":"RSA","n":"AQAB","e":"AQAB"})).unwrap();
        let one = KeySet {
            keys: vec![key()],
            fetched: Instant::now(),
        };
        assert!(matches!(lookup(&one, None), Ok(Lookup::Found(_))));
        let two = KeySet {
            keys: vec![key(), key()],
            fetched: Instant::now(),
        };
        assert!(lookup(&two, None).is_err());
        assert!(matches!(lookup(&two, Some("x")), Ok(Lookup::Unknown)));
    }
}
