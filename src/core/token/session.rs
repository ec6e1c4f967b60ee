//! Self-contained sealed session tokens. Everything a node needs to verify a
//! temporary credential and authorize its requests travels inside the token,
//! sealed with AES-256-GCM under a key-ring key, so no database read happens
//! on the request path.
//!
//! Wire form: base64url(no pad) of `version(1) | key_id_len(1) | key_id | sealed`,
//! where `sealed` is `nonce | ciphertext | tag` over the JSON claims and the AAD
//! is `version | key_id`.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::core::Random;
use crate::core::seal::{KEY_LEN, SealKey};
use crate::core::time::Epoch;

const VERSION: u8 = 1;
/// Tokens larger than this are refused before any work is done.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t")]
pub enum SessionKind {
    /// AssumeRole*, including web identity and SAML sessions.
    #[serde(rename = "role")]
    AssumedRole {
        role_name: String,
        role_id: String,
        /// The role ARN including its path (`aws:PrincipalArn`).
        role_arn: String,
        session_name: String,
    },
}

/// The sealed contents of a session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The `ASIA…` access key id the token belongs to.
    pub akid: String,
    /// The session's secret access key.
    pub secret: String,
    pub account: String,
    pub kind: SessionKind,
    pub iat: Epoch,
    pub exp: Epoch,
    /// Inline session policy, if one was passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Managed session policy ARNs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_arns: Vec<String>,
    /// Session principal tags (key, value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitive_tag_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// `aws:FederatedProvider` for web-identity/SAML sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federated_provider: Option<String>,
    /// Provider condition keys that stay usable after the assume
    /// (`<provider>:sub`, `:aud`, `:amr`, …), with their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_keys: Vec<(String, Vec<String>)>,
    #[serde(default)]
    pub mfa: bool,
}

impl SessionClaims {
    pub fn arn(&self) -> String {
        match &self.kind {
            SessionKind::AssumedRole {
                role_name,
                session_name,
                ..
            } => {
                format!(
                    "arn:aws:sts::{}:assumed-role/{role_name}/{session_name}",
                    self.account
                )
            }
        }
    }

    /// `AROA…:session` — GetCallerIdentity's UserId and `aws:userid`.
    pub fn user_id(&self) -> String {
        match &self.kind {
            SessionKind::AssumedRole {
                role_id,
                session_name,
                ..
            } => format!("{role_id}:{session_name}"),
        }
    }
}

/// Why a token could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Sealed under a key id this node does not hold (maybe rotated in elsewhere).
    UnknownKey(String),
    /// Garbled, tampered with or not ours.
    Invalid,
}

/// The session-token key ring: one current key for sealing, all keys for opening.
pub struct KeyRing {
    current: String,
    keys: HashMap<String, SealKey>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing")
            .field("current", &self.current)
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl KeyRing {
    /// Build from `(key_id, key)` pairs; the last one seals new tokens.
    pub fn new(keys: Vec<(String, [u8; KEY_LEN])>) -> Option<KeyRing> {
        let current = keys.last()?.0.clone();
        let keys = keys
            .into_iter()
            .map(|(id, k)| (id, SealKey::new(&k)))
            .collect();
        Some(KeyRing { current, keys })
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    pub fn contains(&self, key_id: &str) -> bool {
        self.keys.contains_key(key_id)
    }

    pub fn seal(&self, rng: &mut dyn Random, claims: &SessionClaims) -> String {
        let key_id = self.current.as_bytes();
        let mut aad = Vec::with_capacity(2 + key_id.len());
        aad.push(VERSION);
        aad.push(key_id.len() as u8);
        aad.extend_from_slice(key_id);
        let plain = serde_json::to_vec(claims).unwrap_or_default();
        let sealed = match self.keys.get(&self.current) {
            Some(k) => k.seal(rng, &aad, &plain),
            None => Vec::new(),
        };
        let mut out = aad;
        out.extend_from_slice(&sealed);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open(&self, token: &str) -> Result<SessionClaims, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::Invalid);
        }
        let raw = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| TokenError::Invalid)?;
        let (&version, rest) = raw.split_first().ok_or(TokenError::Invalid)?;
        let (&id_len, rest) = rest.split_first().ok_or(TokenError::Invalid)?;
        if version != VERSION || rest.len() < id_len as usize {
            return Err(TokenError::Invalid);
        }
        let (key_id, sealed) = rest.split_at(id_len as usize);
        let key_id = std::str::from_utf8(key_id).map_err(|_| TokenError::Invalid)?;
        let key = self
            .keys
            .get(key_id)
            .ok_or_else(|| TokenError::UnknownKey(key_id.to_string()))?;
        let aad = &raw[..2 + id_len as usize];
        let plain = key.open(aad, sealed).ok_or(TokenError::Invalid)?;
        serde_json::from_slice(&plain).map_err(|_| TokenError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ids::tests::Counter;

    fn claims() -> SessionClaims {
        SessionClaims {
            akid: "ASIAAAAAAAAAAAAAAAAA".into(),
            secret: "s".repeat(40),
            account: "123456789012".into(),
            kind: SessionKind::AssumedRole {
                role_name: "R".into(),
                role_id: "AROAAAAAAAAAAAAAAAAA".into(),
                role_arn: "arn:aws:iam::123456789012:role/p/R".into(),
                session_name: "s1".into(),
            },
            iat: 100,
            exp: 3700,
            policy: None,
            policy_arns: vec![],
            tags: vec![("Project".into(), "X".into())],
            transitive_tag_keys: vec![],
            source_identity: None,
            federated_provider: Some("accounts.google.com".into()),
            identity_keys: vec![],
            mfa: false,
        }
    }

    #[test]
    fn seal_open_round_trip_and_arns() {
        let ring = KeyRing::new(vec![("k1".into(), [1; 32])]).unwrap();
        let token = ring.seal(&mut Counter(0), &claims());
        let opened = ring.open(&token).unwrap();
        assert_eq!(opened, claims());
        assert_eq!(opened.arn(), "arn:aws:sts::123456789012:assumed-role/R/s1");
        assert_eq!(opened.user_id(), "AROAAAAAAAAAAAAAAAAA:s1");
    }

    #[test]
    fn tampering_and_unknown_keys_are_refused() {
        let ring = KeyRing::new(vec![("k1".into(), [1; 32])]).unwrap();
        let token = ring.seal(&mut Counter(0), &claims());
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        let n = raw.len();
        raw[n - 20] ^= 0x40;
        assert_eq!(
            ring.open(&URL_SAFE_NO_PAD.encode(&raw)),
            Err(TokenError::Invalid)
        );
        assert_eq!(ring.open("garbage!"), Err(TokenError::Invalid));
        assert_eq!(ring.open(""), Err(TokenError::Invalid));
        let other = KeyRing::new(vec![("k2".into(), [2; 32])]).unwrap();
        assert_eq!(other.open(&token), Err(TokenError::UnknownKey("k1".into())));
        // Same id, different key material: authentication fails.
        let imposter = KeyRing::new(vec![("k1".into(), [3; 32])]).unwrap();
        assert_eq!(imposter.open(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn rotation_keeps_old_tokens_valid() {
        let old = KeyRing::new(vec![("k1".into(), [1; 32])]).unwrap();
        let token = old.seal(&mut Counter(0), &claims());
        let rotated = KeyRing::new(vec![("k1".into(), [1; 32]), ("k2".into(), [2; 32])]).unwrap();
        assert_eq!(rotated.current_key_id(), "k2");
        assert!(rotated.open(&token).is_ok());
    }
}
