//! The master key (seals long-term secrets and the key ring at rest) and the
//! session-token key ring (sealing keys stored encrypted in the store).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::SysRandom;
use crate::core::Random;
use crate::core::seal::{KEY_LEN, SealKey};
use crate::core::time::Epoch;
use crate::core::token::session::{KeyRing, SessionClaims, TokenError};
use crate::store::{SealingKeyRecord, Store};

pub const MASTER_KEY_ENV: &str = "STSGATE_MASTER_KEY";

fn decode_key(text: &str, origin: &str) -> Result<[u8; KEY_LEN], String> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|_| format!("invalid master key in {origin}: expected base64 of 32 bytes"))?;
    bytes
        .try_into()
        .map_err(|_| format!("invalid master key in {origin}: expected base64 of 32 bytes"))
}

/// The master key from `STSGATE_MASTER_KEY`, else from `file`, which is created
/// (mode 0600) with a fresh random key on first start.
pub fn load_or_create_master_key(file: &Path) -> Result<[u8; KEY_LEN], String> {
    if let Ok(text) = std::env::var(MASTER_KEY_ENV) {
        return decode_key(&text, MASTER_KEY_ENV);
    }
    match std::fs::read_to_string(file) {
        Ok(text) => decode_key(&text, &file.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = file.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let mut key = [0u8; KEY_LEN];
            SysRandom.fill(&mut key);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options
                .open(file)
                .map_err(|e| format!("cannot create master key file {}: {e}", file.display()))?;
            f.write_all(STANDARD.encode(key).as_bytes())
                .map_err(|e| format!("cannot write master key file {}: {e}", file.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!(
            "cannot read master key file {}: {e}",
            file.display()
        )),
    }
}

/// Load the key ring from the store, creating the first sealing key if none exists.
pub async fn load_key_ring(
    store: &dyn Store,
    master: &SealKey,
    now: Epoch,
) -> Result<KeyRing, String> {
    let mut records = store.sealing_keys().await.map_err(|e| e.to_string())?;
    if records.is_empty() {
        records.push(new_sealing_key(store, master, now).await?);
    }
    records.sort_by(|a, b| a.created.cmp(&b.created).then(a.key_id.cmp(&b.key_id)));
    let mut keys = Vec::with_capacity(records.len());
    for r in records {
        let plain = master
            .open(r.key_id.as_bytes(), &r.sealed_key)
            .ok_or_else(|| {
                format!(
                    "sealing key {} cannot be decrypted with this master key",
                    r.key_id
                )
            })?;
        let key: [u8; KEY_LEN] = plain
            .try_into()
            .map_err(|_| format!("sealing key {} is malformed", r.key_id))?;
        keys.push((r.key_id, key));
    }
    KeyRing::new(keys).ok_or_else(|| "the key ring is empty".to_string())
}

/// Generate and store a new sealing key; it becomes the current one.
pub async fn new_sealing_key(
    store: &dyn Store,
    master: &SealKey,
    now: Epoch,
) -> Result<SealingKeyRecord, String> {
    let mut rng = SysRandom;
    let mut id = [0u8; 8];
    rng.fill(&mut id);
    let key_id = format!("k{}", hex::encode(id));
    let mut key = [0u8; KEY_LEN];
    rng.fill(&mut key);
    let record = SealingKeyRecord {
        sealed_key: master.seal(&mut rng, key_id.as_bytes(), &key),
        key_id,
        created: now,
    };
    store
        .add_sealing_key(&record)
        .await
        .map_err(|e| e.to_string())?;
    Ok(record)
}

/// The live key ring, reloaded from the store when a token names a key this
/// node has not seen (another node rotated), at most once per cooldown.
pub struct KeyRingHandle {
    ring: RwLock<Arc<KeyRing>>,
    last_reload: Mutex<Option<Instant>>,
    cooldown: Duration,
}

impl KeyRingHandle {
    pub fn new(ring: KeyRing) -> Self {
        KeyRingHandle {
            ring: RwLock::new(Arc::new(ring)),
            last_reload: Mutex::new(None),
            cooldown: Duration::from_secs(5),
        }
    }

    pub fn current(&self) -> Arc<KeyRing> {
        match self.ring.read() {
            Ok(r) => r.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn seal(&self, claims: &SessionClaims) -> String {
        self.current().seal(&mut SysRandom, claims)
    }

    /// Open a session token; on an unknown key id reload the ring once.
    pub async fn open(
        &self,
        token: &str,
        store: &dyn Store,
        master: &SealKey,
        now: Epoch,
    ) -> Result<SessionClaims, TokenError> {
        match self.current().open(token) {
            Err(TokenError::UnknownKey(id)) => {
                if !self.reload_allowed() {
                    return Err(TokenError::UnknownKey(id));
                }
                let ring = load_key_ring(store, master, now)
                    .await
                    .map_err(|_| TokenError::Invalid)?;
                let ring = Arc::new(ring);
                if let Ok(mut w) = self.ring.write() {
                    *w = ring.clone();
                }
                ring.open(token)
            }
            other => other,
        }
    }

    fn reload_allowed(&self) -> bool {
        let Ok(mut last) = self.last_reload.lock() else {
            return false;
        };
        let now = Instant::now();
        match *last {
            Some(t) if now.duration_since(t) < self.cooldown => false,
            _ => {
                *last = Some(now);
                true
            }
        }
    }

    pub fn replace(&self, ring: KeyRing) {
        if let Ok(mut w) = self.ring.write() {
            *w = Arc::new(ring);
        }
    }
}
