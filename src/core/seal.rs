//! AES-256-GCM sealing, used for session tokens and for long-term secrets at
//! rest. Output layout: 12-byte nonce, ciphertext, 16-byte tag. The nonce
//! comes from the caller's randomness.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::core::Random;

pub const KEY_LEN: usize = 32;

/// A prepared AES-256-GCM key (the key schedule is computed once).
pub struct SealKey {
    key: LessSafeKey,
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(***)")
    }
}

impl SealKey {
    pub fn new(bytes: &[u8; KEY_LEN]) -> SealKey {
        // A 32-byte key is always valid for AES-256-GCM.
        let unbound = UnboundKey::new(&AES_256_GCM, bytes).unwrap_or_else(|_| unreachable_key());
        SealKey {
            key: LessSafeKey::new(unbound),
        }
    }

    /// Encrypt and authenticate `plaintext`, binding `aad`.
    pub fn seal(&self, rng: &mut dyn Random, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill(&mut nonce);
        let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + 16);
        out.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        if self
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut body,
            )
            .is_err()
        {
            return Vec::new();
        }
        out.extend_from_slice(&body);
        out
    }

    /// Decrypt; `None` when the data was tampered with, truncated or sealed
    /// under another key or AAD.
    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN + 16 {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut body)
            .ok()?;
        let n = plain.len();
        body.truncate(n);
        Some(body)
    }
}

#[allow(clippy::panic)]
fn unreachable_key() -> UnboundKey {
    panic!("AES-256-GCM rejected a 32-byte key")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::tests::Counter;

    #[test]
    fn round_trip_and_tamper_detection() {
        let key = SealKey::new(&[7u8; 32]);
        let mut rng = Counter(1);
        let sealed = key.seal(&mut rng, b"aad", b"hello");
        assert_eq!(key.open(b"aad", &sealed).as_deref(), Some(&b"hello"[..]));
        assert!(key.open(b"other", &sealed).is_none());
        let mut bad = sealed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert!(key.open(b"aad", &bad).is_none());
        assert!(SealKey::new(&[8u8; 32]).open(b"aad", &sealed).is_none());
        assert!(key.open(b"aad", &sealed[..10]).is_none());
    }
}
