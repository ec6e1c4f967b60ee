//! XML Encryption of SAML assertions: decrypt an `EncryptedAssertion` with
//! one of the provider's RSA private keys (RSA-OAEP key transport, AES-GCM or
//! AES-CBC content), and the matching encryption for the mock IdP and tests.
//!
//! Every failure, wrong key or tampered data alike, yields one message so
//! the endpoint is no decryption oracle (CBC has no integrity of its own).

use aws_lc_rs::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::cipher::{AES_128, AES_256, DecryptingKey, DecryptionContext, UnboundCipherKey};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OaepAlgorithm, OaepPrivateDecryptingKey,
    OaepPublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::xml::{Document, NodeId};
use crate::core::Random;

pub const XENC_NS: &str = "http://www.w3.org/2001/04/xmlenc#";
pub const XENC11_NS: &str = "http://www.w3.org/2009/xmlenc11#";
const DSIG_NS: &str = "http://www.w3.org/2000/09/xmldsig#";

pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
pub const RSA_OAEP: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
pub const AES128_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
pub const AES256_GCM: &str = "http://www.w3.org/2009/xmlenc11#aes256-gcm";
pub const AES128_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes128-cbc";
pub const AES256_CBC: &str = "http://www.w3.org/2001/04/xmlenc#aes256-cbc";
const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const MGF1_SHA1: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha1";
const MGF1_SHA256: &str = "http://www.w3.org/2009/xmlenc11#mgf1sha256";

/// The one message every decryption failure carries.
pub const UNDECRYPTABLE: &str =
    "the EncryptedAssertion could not be decrypted with this provider's private keys";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlEncError(pub String);

fn fail<T>() -> Result<T, XmlEncError> {
    Err(XmlEncError(UNDECRYPTABLE.to_string()))
}

/// Why a private key offered to AddPrivateKey is unusable, or its PKCS#8 DER.
pub fn private_key_der_from_pem(pem: &str) -> Result<Vec<u8>, String> {
    let pem = pem.trim();
    let body = pem
        .strip_prefix("-----BEGIN PRIVATE KEY-----")
        .and_then(|r| r.strip_suffix("-----END PRIVATE KEY-----"))
        .ok_or_else(|| {
            if pem.contains("BEGIN RSA PRIVATE KEY") {
                "the private key must be PKCS#8 PEM (BEGIN PRIVATE KEY), not PKCS#1 (BEGIN RSA PRIVATE KEY)".to_string()
            } else {
                "the private key must be a PEM-encoded PKCS#8 RSA key (-----BEGIN PRIVATE KEY-----)"
                    .to_string()
            }
        })?;
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD
        .decode(compact)
        .map_err(|_| "the private key PEM body is not valid base64".to_string())?;
    let key = PrivateDecryptingKey::from_pkcs8(&der)
        .map_err(|e| format!("the private key is not a usable RSA PKCS#8 key ({e})"))?;
    if key.key_size_bits() < 2048 {
        return Err(format!(
            "the private key is {} bits; at least 2048 are required",
            key.key_size_bits()
        ));
    }
    Ok(der)
}

fn b64_text(doc: &Document, id: NodeId) -> Result<Vec<u8>, XmlEncError> {
    let text: String = doc
        .text(id)
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(text).or_else(|_| fail())
}

fn cipher_value(doc: &Document, holder: NodeId) -> Result<Vec<u8>, XmlEncError> {
    let data = doc.first_child(holder, XENC_NS, "CipherData");
    let value = data.and_then(|d| doc.first_child(d, XENC_NS, "CipherValue"));
    match value {
        Some(v) => b64_text(doc, v),
        None => fail(),
    }
}

fn algorithm(doc: &Document, holder: NodeId) -> Option<&str> {
    doc.first_child(holder, XENC_NS, "EncryptionMethod")
        .and_then(|m| doc.attr(m, "Algorithm"))
}

/// The OAEP variant an EncryptedKey names (digest and MGF must agree, as
/// aws-lc-rs offers only matching pairs; no OAEPparams label).
fn oaep_of(doc: &Document, key: NodeId) -> Option<&'static OaepAlgorithm> {
    let method = doc.first_child(key, XENC_NS, "EncryptionMethod")?;
    if doc.first_child(method, XENC_NS, "OAEPparams").is_some() {
        return None;
    }
    let digest = doc
        .first_child(method, DSIG_NS, "DigestMethod")
        .and_then(|d| doc.attr(d, "Algorithm"))
        .unwrap_or(SHA1);
    match doc.attr(method, "Algorithm")? {
        RSA_OAEP_MGF1P => (digest == SHA1).then_some(&OAEP_SHA1_MGF1SHA1),
        RSA_OAEP => {
            let mgf = doc
                .first_child(method, XENC11_NS, "MGF")
                .and_then(|m| doc.attr(m, "Algorithm"))
                .unwrap_or(MGF1_SHA1);
            match (digest, mgf) {
                (SHA1, MGF1_SHA1) => Some(&OAEP_SHA1_MGF1SHA1),
                (SHA256, MGF1_SHA256) => Some(&OAEP_SHA256_MGF1SHA256),
                _ => None,
            }
        }
        _ => None,
    }
}

fn unwrap_key(
    doc: &Document,
    encrypted_key: NodeId,
    private_keys: &[Vec<u8>],
    key_len: usize,
) -> Option<Vec<u8>> {
    let alg = oaep_of(doc, encrypted_key)?;
    let wrapped = cipher_value(doc, encrypted_key).ok()?;
    private_keys.iter().find_map(|der| {
        let key =
            OaepPrivateDecryptingKey::new(PrivateDecryptingKey::from_pkcs8(der).ok()?).ok()?;
        let mut out = vec![0u8; key.min_output_size()];
        let plain = key.decrypt(alg, &wrapped, &mut out, None).ok()?;
        (plain.len() == key_len).then(|| plain.to_vec())
    })
}

fn decrypt_content(alg: &str, key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    match alg {
        AES128_GCM | AES256_GCM => {
            let aead = if alg == AES128_GCM {
                &AES_128_GCM
            } else {
                &AES_256_GCM
            };
            if data.len() < 12 + 16 {
                return None;
            }
            let (iv, body) = data.split_at(12);
            let key = LessSafeKey::new(UnboundKey::new(aead, key).ok()?);
            let nonce = Nonce::try_assume_unique_for_key(iv).ok()?;
            let mut body = body.to_vec();
            let n = key
                .open_in_place(nonce, Aad::empty(), &mut body)
                .ok()?
                .len();
            body.truncate(n);
            Some(body)
        }
        AES128_CBC | AES256_CBC => {
            let cipher = if alg == AES128_CBC {
                &AES_128
            } else {
                &AES_256
            };
            if data.len() < 32 || !data.len().is_multiple_of(16) {
                return None;
            }
            let (iv, body) = data.split_at(16);
            let iv: [u8; 16] = iv.try_into().ok()?;
            let key = DecryptingKey::cbc(UnboundCipherKey::new(cipher, key).ok()?).ok()?;
            let mut body = body.to_vec();
            let n = key
                .decrypt(&mut body, DecryptionContext::Iv128(FixedLength::from(iv)))
                .ok()?
                .len();
            body.truncate(n);
            // ISO 10126: the last byte is the pad length (1..=16), the rest is random.
            let pad = usize::from(*body.last()?);
            if pad == 0 || pad > 16 || pad > body.len() {
                return None;
            }
            body.truncate(body.len() - pad);
            Some(body)
        }
        _ => None,
    }
}

/// Decrypt the `EncryptedData` inside `encrypted` (an EncryptedAssertion)
/// with any of `private_keys` (PKCS#8 DER) and return the plaintext XML.
/// The EncryptedKey may sit in the EncryptedData's KeyInfo or beside it.
pub fn decrypt(
    doc: &Document,
    encrypted: NodeId,
    private_keys: &[Vec<u8>],
) -> Result<String, XmlEncError> {
    let Some(data) = doc.first_child(encrypted, XENC_NS, "EncryptedData") else {
        return fail();
    };
    let Some(alg) = algorithm(doc, data) else {
        return fail();
    };
    let key_len = match alg {
        AES128_GCM | AES128_CBC => 16,
        AES256_GCM | AES256_CBC => 32,
        _ => return fail(),
    };
    let content = cipher_value(doc, data)?;
    let candidates = doc
        .elements()
        .filter(|e| doc.is(*e, XENC_NS, "EncryptedKey") && doc.is_within(*e, encrypted));
    for encrypted_key in candidates {
        if let Some(key) = unwrap_key(doc, encrypted_key, private_keys, key_len)
            && let Some(plain) = decrypt_content(alg, &key, &content)
            && let Ok(text) = String::from_utf8(plain)
        {
            return Ok(text);
        }
    }
    fail()
}

/// Content algorithms `encrypt` can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    Aes256Gcm,
    Aes128Cbc,
}

/// Wrap `assertion` (signed XML) in an `saml:EncryptedAssertion` for the
/// holder of `spki_der` (SubjectPublicKeyInfo): RSA-OAEP (SHA-1) key
/// transport. The content key and IV come from `rng`; the OAEP seed comes
/// from aws-lc's own generator, which its API does not let us supply.
pub fn encrypt(
    assertion: &str,
    spki_der: &[u8],
    content: Content,
    rng: &mut dyn Random,
) -> Result<String, XmlEncError> {
    encrypt_with(assertion, spki_der, content, KeyTransport::OaepSha1, rng)
}

/// RSA-OAEP variants `encrypt_with` can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyTransport {
    /// `xmlenc#rsa-oaep-mgf1p`, SHA-1 digest and MGF.
    OaepSha1,
    /// `xmlenc11#rsa-oaep` with SHA-256 digest and MGF1-SHA-256.
    OaepSha256,
}

/// `encrypt` with a chosen key transport.
pub fn encrypt_with(
    assertion: &str,
    spki_der: &[u8],
    content: Content,
    transport: KeyTransport,
    rng: &mut dyn Random,
) -> Result<String, XmlEncError> {
    let err = |what: &str| XmlEncError(format!("cannot encrypt the assertion: {what}"));
    let public = OaepPublicEncryptingKey::new(
        PublicEncryptingKey::from_der(spki_der).map_err(|_| err("not an RSA public key"))?,
    )
    .map_err(|_| err("not an RSA public key"))?;
    let (alg, key_len) = match content {
        Content::Aes256Gcm => (AES256_GCM, 32),
        Content::Aes128Cbc => (AES128_CBC, 16),
    };
    let mut key = vec![0u8; key_len];
    rng.fill(&mut key);
    let data = match content {
        Content::Aes256Gcm => {
            let mut iv = [0u8; 12];
            rng.fill(&mut iv);
            let sealing = LessSafeKey::new(
                UnboundKey::new(&AES_256_GCM, &key).map_err(|_| err("AES key setup failed"))?,
            );
            let mut body = assertion.as_bytes().to_vec();
            sealing
                .seal_in_place_append_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut body)
                .map_err(|_| err("AES-GCM failed"))?;
            [iv.to_vec(), body].concat()
        }
        Content::Aes128Cbc => {
            use aws_lc_rs::cipher::{EncryptingKey, EncryptionContext};
            let mut iv = [0u8; 16];
            rng.fill(&mut iv);
            let mut body = assertion.as_bytes().to_vec();
            let pad = 16 - body.len() % 16;
            let mut filler = vec![0u8; pad - 1];
            rng.fill(&mut filler);
            body.extend_from_slice(&filler);
            body.push(pad as u8);
            let k = EncryptingKey::cbc(
                UnboundCipherKey::new(&AES_128, &key).map_err(|_| err("AES key setup failed"))?,
            )
            .map_err(|_| err("AES key setup failed"))?;
            k.less_safe_encrypt(&mut body, EncryptionContext::Iv128(FixedLength::from(iv)))
                .map_err(|_| err("AES-CBC failed"))?;
            [iv.to_vec(), body].concat()
        }
    };
    let (oaep, method) = match transport {
        KeyTransport::OaepSha1 => (
            &OAEP_SHA1_MGF1SHA1,
            format!(
                "<xenc:EncryptionMethod Algorithm=\"{RSA_OAEP_MGF1P}\"><ds:DigestMethod Algorithm=\"{SHA1}\"/></xenc:EncryptionMethod>"
            ),
        ),
        KeyTransport::OaepSha256 => (
            &OAEP_SHA256_MGF1SHA256,
            format!(
                "<xenc:EncryptionMethod Algorithm=\"{RSA_OAEP}\"><ds:DigestMethod Algorithm=\"{SHA256}\"/><xenc11:MGF xmlns:xenc11=\"{XENC11_NS}\" Algorithm=\"{MGF1_SHA256}\"/></xenc:EncryptionMethod>"
            ),
        ),
    };
    let mut wrapped = vec![0u8; public.ciphertext_size()];
    let wrapped = public
        .encrypt(oaep, &key, &mut wrapped, None)
        .map_err(|_| err("RSA-OAEP failed"))?;
    Ok(format!(
        "<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">\
<xenc:EncryptedData xmlns:xenc=\"{XENC_NS}\" Type=\"http://www.w3.org/2001/04/xmlenc#Element\">\
<xenc:EncryptionMethod Algorithm=\"{alg}\"/>\
<ds:KeyInfo xmlns:ds=\"{DSIG_NS}\"><xenc:EncryptedKey>{method}\
<xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData>\
</xenc:EncryptedKey></ds:KeyInfo>\
<xenc:CipherData><xenc:CipherValue>{data}</xenc:CipherValue></xenc:CipherData>\
</xenc:EncryptedData></saml:EncryptedAssertion>",
        wrapped = STANDARD.encode(wrapped),
        data = STANDARD.encode(data),
    ))
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    use aws_lc_rs::rsa::KeySize;

    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::saml::claims::{self, Expect};
    use crate::core::saml::dsig::{SignAlg, Trust};
    use crate::core::saml::tests::{ISSUER, Key, NOW, spec};
    use crate::core::saml::{Decryption, verify_response_with};

    struct TestRandom;
    impl Random for TestRandom {
        fn fill(&mut self, buf: &mut [u8]) {
            SystemRandom::new().fill(buf).unwrap();
        }
    }

    /// A decryption key pair: (PKCS#8 DER, SPKI DER).
    fn enc_key() -> (Vec<u8>, Vec<u8>) {
        let k = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&k).unwrap().as_ref().to_vec();
        let spki = AsDer::<PublicKeyX509Der>::as_der(&k.public_key())
            .unwrap()
            .as_ref()
            .to_vec();
        (pkcs8, spki)
    }

    fn encrypted_response(signer: &Key, spki: &[u8], content: Content, sign: bool) -> String {
        let s = spec();
        let assertion = if sign {
            signer.sign(&s.assertion_xml(), &s.assertion_id, SignAlg::RsaSha256)
        } else {
            s.assertion_xml()
        };
        let enc = encrypt(&assertion, spki, content, &mut TestRandom).unwrap();
        s.response_xml(&enc)
    }

    fn run(
        xml: &str,
        signer: &Key,
        keys: &[Vec<u8>],
        required: bool,
    ) -> Result<claims::Claims, (ErrorCode, String)> {
        let certs = vec![signer.cert.clone()];
        let trust = Trust {
            certs: &certs,
            allow_sha1: false,
        };
        verify_response_with(xml, &trust, &Decryption { keys, required })
            .and_then(|v| {
                claims::check(
                    &v,
                    &Expect {
                        entity_id: ISSUER,
                        now: NOW,
                        leeway: 60,
                        extra_recipients: &[],
                        extra_audiences: &[],
                    },
                )
            })
            .map_err(|e| (e.code, e.message))
    }

    #[test]
    fn gcm_and_cbc_assertions_decrypt_and_verify() {
        let signer = Key::rsa();
        let (other, _) = enc_key();
        let (der, spki) = enc_key();
        for content in [Content::Aes256Gcm, Content::Aes128Cbc] {
            let xml = encrypted_response(&signer, &spki, content, true);
            assert!(!xml.contains("alice@example.org"), "{content:?} leaks");
            // The second of the provider's keys is the right one.
            let c = run(&xml, &signer, &[other.clone(), der.clone()], true).unwrap();
            assert_eq!(c.subject, "alice@example.org");
            assert_eq!(c.role_session_name.as_deref(), Some("alice"));
        }
    }

    #[test]
    fn xmlenc11_rsa_oaep_with_sha256_decrypts() {
        let signer = Key::rsa();
        let (der, spki) = enc_key();
        let s = spec();
        let assertion = signer.sign(&s.assertion_xml(), &s.assertion_id, SignAlg::RsaSha256);
        let enc = encrypt_with(
            &assertion,
            &spki,
            Content::Aes128Cbc,
            KeyTransport::OaepSha256,
            &mut TestRandom,
        )
        .unwrap();
        assert!(enc.contains(RSA_OAEP) && enc.contains(MGF1_SHA256));
        let xml = s.response_xml(&enc);
        let c = run(&xml, &signer, std::slice::from_ref(&der), true).unwrap();
        assert_eq!(c.subject, "alice@example.org");
        // The same key announced as SHA-1 OAEP does not unwrap.
        let lied = xml.replace(RSA_OAEP, RSA_OAEP_MGF1P);
        assert!(run(&lied, &signer, &[der], true).is_err());
    }

    #[test]
    fn wrong_key_is_refused() {
        let signer = Key::rsa();
        let (_, spki) = enc_key();
        let (wrong, _) = enc_key();
        let xml = encrypted_response(&signer, &spki, Content::Aes256Gcm, true);
        let (code, msg) = run(&xml, &signer, &[wrong], false).unwrap_err();
        assert_eq!(code, ErrorCode::InvalidIdentityToken);
        assert!(msg.contains(UNDECRYPTABLE), "{msg}");
        let (_, msg) = run(&xml, &signer, &[], false).unwrap_err();
        assert!(msg.contains("has no private key"), "{msg}");
    }

    #[test]
    fn tampered_ciphertext_is_refused() {
        let signer = Key::rsa();
        let (der, spki) = enc_key();
        for content in [Content::Aes256Gcm, Content::Aes128Cbc] {
            let xml = encrypted_response(&signer, &spki, content, true);
            let marker = "</xenc:EncryptedKey></ds:KeyInfo><xenc:CipherData><xenc:CipherValue>";
            let at = xml.find(marker).unwrap() + marker.len();
            let end = at + xml[at..].find('<').unwrap();
            let mut data = STANDARD.decode(&xml[at..end]).unwrap();
            // Flip a bit of the IV: GCM's tag no longer matches; CBC turns
            // the leading '<' into '=', so the plaintext is not XML.
            data[0] ^= 0x01;
            let tampered = format!("{}{}{}", &xml[..at], STANDARD.encode(&data), &xml[end..]);
            let (code, msg) =
                run(&tampered, &signer, std::slice::from_ref(&der), false).unwrap_err();
            assert_eq!(code, ErrorCode::InvalidIdentityToken, "{content:?}: {msg}");
        }
    }

    #[test]
    fn unsigned_decrypted_assertion_is_refused() {
        let signer = Key::rsa();
        let (der, spki) = enc_key();
        let xml = encrypted_response(&signer, &spki, Content::Aes256Gcm, false);
        let (_, msg) = run(&xml, &signer, std::slice::from_ref(&der), false).unwrap_err();
        assert!(msg.contains("not signed"), "{msg}");
        // A signed Response around it does not help: it covers only ciphertext.
        let signed = signer.sign(&xml, "_resp1", SignAlg::RsaSha256);
        let (_, msg) = run(&signed, &signer, &[der], false).unwrap_err();
        assert!(msg.contains("not signed"), "{msg}");
    }

    #[test]
    fn signed_response_around_a_signed_encrypted_assertion_is_accepted() {
        let signer = Key::rsa();
        let (der, spki) = enc_key();
        let xml = encrypted_response(&signer, &spki, Content::Aes256Gcm, true);
        let signed = signer.sign(&xml, "_resp1", SignAlg::RsaSha256);
        assert_eq!(
            run(&signed, &signer, &[der], false).unwrap().subject,
            "alice@example.org"
        );
    }

    #[test]
    fn required_mode_refuses_plaintext() {
        let signer = Key::rsa();
        let (der, _) = enc_key();
        let xml = crate::core::saml::tests::signed_assertion(&signer, &spec(), SignAlg::RsaSha256);
        let (_, msg) = run(&xml, &signer, std::slice::from_ref(&der), true).unwrap_err();
        assert!(
            msg.contains("This provider requires encrypted assertions"),
            "{msg}"
        );
        assert!(run(&xml, &signer, &[der], false).is_ok());
    }

    #[test]
    fn decrypted_doctype_or_extra_content_is_refused() {
        let signer = Key::rsa();
        let (der, spki) = enc_key();
        let s = spec();
        let assertion = signer.sign(&s.assertion_xml(), &s.assertion_id, SignAlg::RsaSha256);
        let with_doctype =
            format!("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>{assertion}");
        let escape = format!("{assertion}</samlp:Response><samlp:Response>");
        for plain in [with_doctype, escape] {
            let enc = encrypt(&plain, &spki, Content::Aes256Gcm, &mut TestRandom).unwrap();
            let xml = s.response_xml(&enc);
            let (code, _) = run(&xml, &signer, std::slice::from_ref(&der), false).unwrap_err();
            assert_eq!(code, ErrorCode::InvalidIdentityToken);
        }
    }

    #[test]
    fn private_key_pem_is_checked() {
        let (der, _) = enc_key();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(&der)
        );
        assert_eq!(private_key_der_from_pem(&pem).unwrap(), der);
        let pkcs1 = pem.replace("PRIVATE KEY", "RSA PRIVATE KEY");
        assert!(
            private_key_der_from_pem(&pkcs1)
                .unwrap_err()
                .contains("PKCS#1")
        );
        let garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
        assert!(
            private_key_der_from_pem(garbage)
                .unwrap_err()
                .contains("not a usable RSA PKCS#8 key")
        );
    }
}
