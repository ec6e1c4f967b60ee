//! Service state shared by every request: settings, the store, keys, the
//! OIDC verifier, the clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::config::Settings;
use crate::core::Random;
use crate::core::policy::{Policy, PolicyError, PolicyKind};
use crate::core::seal::SealKey;
use crate::core::time::Epoch;
use crate::federation::oidc::OidcVerifier;
use crate::keys::KeyRingHandle;
use crate::store::Store;

/// Wall-clock time with an adjustable offset, so tests can move time forward
/// (e.g. to see a session expire) without sleeping.
#[derive(Debug, Default)]
pub struct Clock {
    offset: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> Epoch {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        secs + self.offset.load(Ordering::Relaxed)
    }

    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }
}

/// The system CSPRNG behind the core's `Random` trait.
#[derive(Debug, Default, Clone, Copy)]
pub struct SysRandom;

impl Random for SysRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        if aws_lc_rs::rand::fill(buf).is_err() {
            // The system RNG failing is unrecoverable; never hand out weak ids or keys.
            std::process::abort();
        }
    }
}

/// Parsed policies by document text: parsing the same trust policy on every
/// AssumeRole* call costs more than the evaluation. Keyed by the text, so no
/// invalidation is needed; the map is emptied when it grows past its bound.
#[derive(Debug, Default)]
pub struct ParsedPolicies {
    map: std::sync::RwLock<std::collections::HashMap<(PolicyKind, String), Arc<Policy>>>,
}

impl ParsedPolicies {
    const MAX: usize = 10_000;

    pub fn get(&self, document: &str, kind: PolicyKind) -> Result<Arc<Policy>, PolicyError> {
        if let Ok(map) = self.map.read()
            && let Some(p) = map.get(&(kind, document.to_string()))
        {
            return Ok(p.clone());
        }
        let parsed = Arc::new(Policy::parse(document, kind)?);
        if let Ok(mut map) = self.map.write() {
            if map.len() >= Self::MAX {
                map.clear();
            }
            map.insert((kind, document.to_string()), parsed.clone());
        }
        Ok(parsed)
    }
}

pub struct AppState {
    pub settings: Settings,
    pub store: Arc<dyn Store>,
    /// Seals long-term secrets at rest.
    pub master: SealKey,
    /// Seals session tokens.
    pub keyring: KeyRingHandle,
    pub oidc: OidcVerifier,
    pub clock: Clock,
    /// Throttles access-key last-use writes.
    pub key_usage: crate::key_usage::KeyUsage,
    pub parsed_policies: ParsedPolicies,
    /// Parsed policy sets per principal (authorization's hot path).
    pub policy_cache: crate::http::authorize::PolicyCache,
}

impl AppState {
    pub fn now(&self) -> Epoch {
        self.clock.now()
    }
}
