//! Signing keys of the mock IdP and compact-JWS assembly. Signing uses
//! aws-lc-rs directly so hostile tokens (odd headers, HMAC with a public key)
//! can be built as freely as honest ones.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SecureRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

fn err(what: &str) -> KeyError {
    KeyError(what.to_string())
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn random_kid() -> String {
    let mut buf = [0u8; 8];
    // Failure of the system RNG leaves zeros; kids only need to differ in practice.
    let _ = aws_lc_rs::rand::SystemRandom::new().fill(&mut buf);
    hex::encode(buf)
}

pub struct RsaKey {
    pub kid: String,
    pair: RsaKeyPair,
}

impl RsaKey {
    pub fn generate() -> Result<Self, KeyError> {
        Ok(RsaKey {
            kid: random_kid(),
            pair: RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| err("RSA key generation"))?,
        })
    }

    pub fn jwk(&self) -> Value {
        let pk = self.pair.public_key();
        json!({
            "kty": "RSA", "use": "sig", "kid": self.kid,
            "n": b64(pk.modulus().big_endian_without_leading_zero()),
            "e": b64(pk.exponent().big_endian_without_leading_zero()),
        })
    }

    /// The SubjectPublicKeyInfo DER: what a confused verifier would use as an HMAC secret.
    pub fn public_der(&self) -> Result<Vec<u8>, KeyError> {
        Ok(self
            .pair
            .public_key()
            .as_der()
            .map_err(|_| err("public key encoding"))?
            .as_ref()
            .to_vec())
    }

    pub fn sign(&self, alg: &str, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        let encoding: &'static dyn signature::RsaEncoding = match alg {
            "RS256" => &signature::RSA_PKCS1_SHA256,
            "PS256" => &signature::RSA_PSS_SHA256,
            _ => return Err(err("unsupported RSA algorithm")),
        };
        let mut sig = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                encoding,
                &aws_lc_rs::rand::SystemRandom::new(),
                msg,
                &mut sig,
            )
            .map_err(|_| err("RSA signing"))?;
        Ok(sig)
    }
}

pub struct EcKey {
    pub kid: String,
    pair: EcdsaKeyPair,
}

impl EcKey {
    pub fn generate() -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
            .map_err(|_| err("EC key generation"))?;
        Ok(EcKey {
            kid: random_kid(),
            pair,
        })
    }

    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, der)
            .map_err(|_| err("EC key import"))?;
        Ok(EcKey {
            kid: random_kid(),
            pair,
        })
    }

    pub fn jwk(&self) -> Value {
        // Uncompressed point: 0x04 || x || y.
        let point = self.pair.public_key().as_ref();
        let x = point.get(1..33).unwrap_or_default();
        let y = point.get(33..65).unwrap_or_default();
        json!({"kty": "EC", "use": "sig", "crv": "P-256", "kid": self.kid, "x": b64(x), "y": b64(y)})
    }

    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, KeyError> {
        Ok(self
            .pair
            .sign(&aws_lc_rs::rand::SystemRandom::new(), msg)
            .map_err(|_| err("EC signing"))?
            .as_ref()
            .to_vec())
    }
}

/// `base64url(header) "." base64url(claims)`.
pub fn signing_input(header: &Value, claims: &Value) -> Result<String, KeyError> {
    let h = serde_json::to_vec(header).map_err(|_| err("header encoding"))?;
    let c = serde_json::to_vec(claims).map_err(|_| err("claims encoding"))?;
    Ok(format!("{}.{}", b64(&h), b64(&c)))
}

pub fn hs256(secret: &[u8], msg: &[u8]) -> Vec<u8> {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
    aws_lc_rs::hmac::sign(&key, msg).as_ref().to_vec()
}

/// The attacker of the hostile tokens: an EC key with a self-signed
/// certificate, so `jwk` and `x5c` headers can carry it.
pub struct Attacker {
    pub key: EcKey,
    pub cert_der_b64: String,
}

impl Attacker {
    pub fn generate() -> Result<Self, KeyError> {
        let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|_| err("attacker key generation"))?;
        let cert = rcgen::CertificateParams::new(vec!["attacker.example".to_string()])
            .and_then(|p| p.self_signed(&kp))
            .map_err(|_| err("attacker certificate"))?;
        Ok(Attacker {
            key: EcKey::from_pkcs8(&kp.serialize_der())?,
            cert_der_b64: STANDARD.encode(cert.der()),
        })
    }
}
