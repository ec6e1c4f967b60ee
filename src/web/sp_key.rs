//! stsgate's SAML SP signing key: an RSA-2048 key made on first use, sealed
//! under the master key in the store (so every node signs with the same key)
//! and published with a self-signed certificate in the SP metadata.

use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::app::{AppState, SysRandom};
use crate::core::error::{ApiError, ApiResult};
use crate::store::SpKeyRecord;

/// Additional data binding the sealed key to its purpose.
const AAD: &[u8] = b"stsgate:sp-signing-key";
/// The certificate is only a carrier for the public key; IdPs that check
/// validity should not see it lapse.
const CERT_YEARS: i64 = 30;

pub struct SpKey {
    pair: RsaKeyPair,
    /// Base64 DER, as published in the metadata.
    pub cert_b64: String,
}

impl SpKey {
    /// RSA-SHA256 (PKCS#1 v1.5) signature over `message`.
    pub fn sign(&self, message: &[u8]) -> ApiResult<Vec<u8>> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, &mut sig)
            .map_err(|_| internal("signing the AuthnRequest failed"))?;
        Ok(sig)
    }
}

/// This node's copy, loaded (or created) on first use.
#[derive(Default)]
pub struct SpKeyCell(Mutex<Option<Arc<SpKey>>>);

fn internal(what: &str) -> ApiError {
    tracing::error!("{what}");
    ApiError::internal()
}

impl SpKeyCell {
    pub async fn get(&self, state: &AppState) -> ApiResult<Arc<SpKey>> {
        if let Some(k) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return Ok(k.clone());
        }
        let record =
            match read(state).await? {
                Some(r) => r,
                None => {
                    let fresh = generate(state)?;
                    state.store.add_sp_signing_key(&fresh).await.map_err(|e| {
                        internal(&format!("storing the SP signing key failed: {e}"))
                    })?;
                    // Another node may have won the race: use what is stored.
                    read(state)
                        .await?
                        .ok_or_else(|| internal("the SP signing key vanished from the store"))?
                }
            };
        let pkcs8 = state.master.open(AAD, &record.sealed_key).ok_or_else(|| {
            internal("the SP signing key cannot be decrypted with this master key")
        })?;
        let pair = RsaKeyPair::from_pkcs8(&pkcs8)
            .map_err(|_| internal("the stored SP signing key is malformed"))?;
        let key = Arc::new(SpKey {
            pair,
            cert_b64: record.cert,
        });
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(key.clone());
        Ok(key)
    }
}

async fn read(state: &AppState) -> ApiResult<Option<SpKeyRecord>> {
    state
        .store
        .sp_signing_key()
        .await
        .map_err(|e| internal(&format!("reading the SP signing key failed: {e}")))
}

fn generate(state: &AppState) -> ApiResult<SpKeyRecord> {
    let now = state.now();
    let pair = RsaKeyPair::generate(KeySize::Rsa2048)
        .map_err(|_| internal("RSA key generation failed"))?;
    let pkcs8 =
        AsDer::<Pkcs8V1Der>::as_der(&pair).map_err(|_| internal("RSA key encoding failed"))?;
    let cert_err = |e: rcgen::Error| internal(&format!("SP certificate: {e}"));
    let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls::pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_ref().to_vec()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .map_err(cert_err)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(cert_err)?;
    let mut dn = rcgen::DistinguishedName::new();
    dn.push(rcgen::DnType::CommonName, "stsgate SAML SP");
    params.distinguished_name = dn;
    let at = |secs: i64| {
        time::OffsetDateTime::from_unix_timestamp(secs)
            .map_err(|_| internal("SP certificate validity out of range"))
    };
    params.not_before = at(now - 86_400)?;
    params.not_after = at(now + CERT_YEARS * 365 * 86_400)?;
    let cert = params.self_signed(&kp).map_err(cert_err)?;
    Ok(SpKeyRecord {
        sealed_key: state.master.seal(&mut SysRandom, AAD, pkcs8.as_ref()),
        cert: STANDARD.encode(cert.der()),
        created: now,
    })
}
