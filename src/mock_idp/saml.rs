//! The mock IdP's SAML side: IdP metadata, honestly signed Responses in the
//! layouts real IdPs use, and deliberately hostile Responses (one per known
//! attack) for tests and demos.

use std::collections::BTreeMap;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::Value;

use super::MintError;
use super::keys::KeyError;
use crate::core::saml::build::{Layout, ResponseSpec};
use crate::core::saml::claims::{ATTR_PREFIX, ROLE_ATTR};
use crate::core::saml::dsig::{self, SignAlg, SigningKey};
use crate::core::saml::{metadata, xmlenc};
use crate::core::time::Epoch;

/// Every kind `/mint/saml/hostile` knows, with the defect it carries.
pub const SAML_HOSTILE_KINDS: &[(&str, &str)] = &[
    ("unsigned", "no signature at all"),
    (
        "wrap-before",
        "an unsigned forged Assertion placed before the signed one",
    ),
    (
        "wrap-after",
        "an unsigned forged Assertion placed after the signed one",
    ),
    (
        "wrap-extensions",
        "the signed Assertion hidden in samlp:Extensions, a forged one in its place",
    ),
    (
        "wrap-object",
        "a forged Assertion carrying the real signature, the signed Assertion inside its ds:Object",
    ),
    (
        "second-response",
        "a forged Response wrapping the real signed Response in samlp:Extensions",
    ),
    (
        "comment-injection",
        "a comment inserted into the signed NameID (user@evil.com<!---->.example.com)",
    ),
    ("doctype", "a DOCTYPE with an external entity (XXE)"),
    (
        "wrong-cert",
        "signed by an attacker key whose certificate is in KeyInfo",
    ),
    ("digest-tamper", "NameID changed after signing"),
    ("signature-tamper", "SignatureValue altered"),
    ("sha1", "the reference digest is SHA-1"),
    ("wrong-audience", "Audience names another service provider"),
    ("expired", "issued two hours ago, expired an hour ago"),
];

/// Body of `/mint/saml` (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlMint {
    /// Role attribute values: `"ROLE_ARN,PROVIDER_ARN"` (either order).
    #[serde(default)]
    pub roles: Vec<String>,
    pub name_id: Option<String>,
    pub name_id_format: Option<String>,
    /// Extra attributes: a string or a list of strings each. Names without a
    /// scheme (`PrincipalTag:Project`) get the AWS attribute prefix.
    #[serde(default)]
    pub attributes: BTreeMap<String, Value>,
    pub audience: Option<String>,
    pub recipient: Option<String>,
    /// `plain` (default), `adfs` or `keycloak`.
    pub layout: Option<String>,
    /// RoleSessionName (defaults to the NameID).
    pub session_name: Option<String>,
    /// Sign the Response too (keycloak does by default).
    pub sign_response: Option<bool>,
    pub in_response_to: Option<String>,
    /// Seconds the assertion stays valid (default 300).
    pub valid_for: Option<i64>,
    /// PEM certificate or public key (RSA) of the service provider: the
    /// signed Assertion is sent as an EncryptedAssertion (RSA-OAEP +
    /// AES-256-GCM) only that key's holder can read.
    pub encrypt_with: Option<String>,
}

/// The SubjectPublicKeyInfo DER of a PEM certificate or public key.
fn spki_from_pem(pem: &str) -> Result<Vec<u8>, MintError> {
    let pem = pem.trim();
    let unwrap = |label: &str| -> Option<Vec<u8>> {
        let body = pem
            .strip_prefix(&format!("-----BEGIN {label}-----"))?
            .strip_suffix(&format!("-----END {label}-----"))?;
        let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        STANDARD.decode(compact).ok()
    };
    if let Some(cert) = unwrap("CERTIFICATE") {
        return dsig::spki_of_cert(&cert)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| bad("encrypt_with: the certificate cannot be parsed"));
    }
    unwrap("PUBLIC KEY").ok_or_else(|| {
        bad("encrypt_with must be a PEM certificate or public key (-----BEGIN CERTIFICATE----- or -----BEGIN PUBLIC KEY-----)")
    })
}

struct SysRng;
impl crate::core::Random for SysRng {
    fn fill(&mut self, buf: &mut [u8]) {
        // A failing system RNG is fatal elsewhere first; this is a test IdP.
        let _ = SystemRandom::new().fill(buf);
    }
}

pub struct SamlIdp {
    entity_id: String,
    sso_url: String,
    key: RsaKeyPair,
    cert: Vec<u8>,
    attacker: EcdsaKeyPair,
    attacker_cert: Vec<u8>,
}

fn key_err(what: &str) -> impl Fn(rcgen::Error) -> KeyError + '_ {
    move |e| KeyError(format!("{what}: {e}"))
}

fn random_id() -> String {
    let mut buf = [0u8; 16];
    // A failing system RNG leaves zeros; IDs then repeat and replay checks say so.
    let _ = SystemRandom::new().fill(&mut buf);
    format!("_{}", hex::encode(buf))
}

fn bad(msg: impl Into<String>) -> MintError {
    MintError::BadRequest(msg.into())
}

fn internal(e: dsig::DsigError) -> MintError {
    MintError::Internal(e.0)
}

/// Base64 with CRLF every 76 characters, as AD FS posts it.
fn wrapped_b64(xml: &str) -> String {
    let flat = STANDARD.encode(xml);
    let lines: Vec<&str> = flat
        .as_bytes()
        .chunks(76)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    lines.join("\r\n")
}

impl SamlIdp {
    /// An RSA-2048 signing key with a self-signed certificate, and an
    /// attacker's EC key for the `wrong-cert` fixture.
    pub fn new(issuer: &str) -> Result<Self, KeyError> {
        let key = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| KeyError("RSA key generation".into()))?;
        let pkcs8 =
            AsDer::<Pkcs8V1Der>::as_der(&key).map_err(|_| KeyError("RSA key encoding".into()))?;
        let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls::pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_ref().to_vec()),
            &rcgen::PKCS_RSA_SHA256,
        )
        .map_err(key_err("RSA key import"))?;
        let cert = rcgen::CertificateParams::new(vec!["mock-idp.stsgate.test".to_string()])
            .and_then(|p| p.self_signed(&kp))
            .map_err(key_err("IdP certificate"))?
            .der()
            .to_vec();
        let akp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(key_err("attacker key"))?;
        let attacker =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &akp.serialize_der())
                .map_err(|_| KeyError("attacker key import".into()))?;
        let attacker_cert =
            rcgen::CertificateParams::new(vec!["mock-idp.stsgate.test".to_string()])
                .and_then(|p| p.self_signed(&akp))
                .map_err(key_err("attacker certificate"))?
                .der()
                .to_vec();
        let issuer = issuer.trim_end_matches('/');
        Ok(SamlIdp {
            entity_id: format!("{issuer}/saml"),
            sso_url: format!("{issuer}/saml/sso"),
            key,
            cert,
            attacker,
            attacker_cert,
        })
    }

    pub fn entity_id(&self) -> &str {
        &self.entity_id
    }

    /// The signing certificate, base64 DER.
    pub fn cert_b64(&self) -> String {
        STANDARD.encode(&self.cert)
    }

    /// IdP metadata: EntityDescriptor with an IDPSSODescriptor and the
    /// signing certificate.
    pub fn metadata(&self) -> String {
        metadata::document(&self.entity_id, &[self.cert_b64()], &self.sso_url, None)
    }

    fn spec(&self, req: &SamlMint, now: Epoch) -> Result<ResponseSpec, MintError> {
        let layout = match req.layout.as_deref() {
            None | Some("plain") => Layout::Plain,
            Some("adfs") => Layout::Adfs,
            Some("keycloak") => Layout::Keycloak,
            Some(other) => {
                return Err(bad(format!(
                    "unknown layout '{other}'; use plain, adfs or keycloak"
                )));
            }
        };
        let name_id = req.name_id.clone().unwrap_or_else(|| "demo-user".into());
        let mut attributes = Vec::new();
        if !req.roles.is_empty() {
            attributes.push((ROLE_ATTR.to_string(), req.roles.clone()));
        }
        let session_name = req.session_name.clone().unwrap_or_else(|| name_id.clone());
        attributes.push((format!("{ATTR_PREFIX}RoleSessionName"), vec![session_name]));
        for (name, value) in &req.attributes {
            let values = match value {
                Value::String(s) => vec![s.clone()],
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| bad(format!("attribute {name}: values must be strings")))?,
                _ => {
                    return Err(bad(format!(
                        "attribute {name}: a string or a list of strings"
                    )));
                }
            };
            let full = if name.starts_with("http") || name.starts_with("urn:") {
                name.clone()
            } else {
                format!("{ATTR_PREFIX}{name}")
            };
            attributes.push((full, values));
        }
        Ok(ResponseSpec {
            issuer: self.entity_id.clone(),
            response_id: random_id(),
            assertion_id: random_id(),
            issue_instant: now,
            not_on_or_after: now + req.valid_for.unwrap_or(300),
            name_id,
            name_id_format: req
                .name_id_format
                .clone()
                .unwrap_or_else(|| "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into()),
            recipient: req
                .recipient
                .clone()
                .unwrap_or_else(|| "https://signin.aws.amazon.com/saml".into()),
            audience: req
                .audience
                .clone()
                .unwrap_or_else(|| "urn:amazon:webservices".into()),
            attributes,
            session_not_on_or_after: None,
            in_response_to: req.in_response_to.clone(),
            layout,
        })
    }

    fn sign(&self, xml: &str, id: &str, sha1: bool) -> Result<String, MintError> {
        dsig::sign_with(
            xml,
            id,
            SigningKey::Rsa(&self.key),
            SignAlg::RsaSha256,
            &self.cert,
            &SystemRandom::new(),
            sha1,
        )
        .map_err(internal)
    }

    fn signed_response(
        &self,
        s: &ResponseSpec,
        sign_response: bool,
        encrypt_with: Option<&str>,
    ) -> Result<String, MintError> {
        let mut assertion = self.sign(&s.assertion_xml(), &s.assertion_id, false)?;
        if let Some(pem) = encrypt_with {
            let spki = spki_from_pem(pem)?;
            assertion = xmlenc::encrypt(&assertion, &spki, xmlenc::Content::Aes256Gcm, &mut SysRng)
                .map_err(|e| bad(format!("encrypt_with: {}", e.0)))?;
        }
        let response = s.response_xml(&assertion);
        if sign_response {
            self.sign(&response, &s.response_id, false)
        } else {
            Ok(response)
        }
    }

    /// An honest Response as XML text.
    pub fn mint_xml(&self, req: &SamlMint, now: Epoch) -> Result<String, MintError> {
        let s = self.spec(req, now)?;
        let sign_response = req.sign_response.unwrap_or(s.layout == Layout::Keycloak);
        self.signed_response(&s, sign_response, req.encrypt_with.as_deref())
    }

    /// An honest Response, base64 as an IdP posts it (AD FS wraps lines).
    pub fn mint(&self, req: &SamlMint, now: Epoch) -> Result<String, MintError> {
        let xml = self.mint_xml(req, now)?;
        Ok(if req.layout.as_deref() == Some("adfs") {
            wrapped_b64(&xml)
        } else {
            STANDARD.encode(xml)
        })
    }

    /// A hostile Response (XML text) and its defect.
    pub fn mint_hostile_xml(
        &self,
        kind: &str,
        req: &SamlMint,
        now: Epoch,
    ) -> Result<(String, &'static str), MintError> {
        let defect = SAML_HOSTILE_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                let known: Vec<&str> = SAML_HOSTILE_KINDS.iter().map(|(k, _)| *k).collect();
                bad(format!(
                    "unknown kind '{kind}'; known kinds: {}",
                    known.join(", ")
                ))
            })?;
        let mut s = self.spec(req, now)?;
        let forged = || {
            let mut evil = s.clone();
            evil.assertion_id = random_id();
            evil.name_id = "admin@evil.example".into();
            evil.assertion_xml()
        };
        let xml = match kind {
            "unsigned" => s.response_xml(&s.assertion_xml()),
            "wrap-before" | "wrap-after" => {
                let signed = self.sign(&s.assertion_xml(), &s.assertion_id, false)?;
                let evil = forged();
                if kind == "wrap-before" {
                    s.response_xml(&format!("{evil}{signed}"))
                } else {
                    s.response_xml(&format!("{signed}{evil}"))
                }
            }
            "wrap-extensions" => {
                let signed = self.sign(&s.assertion_xml(), &s.assertion_id, false)?;
                let outer = s.response_xml(&forged());
                insert_after_issuer(
                    &outer,
                    &format!("<samlp:Extensions>{signed}</samlp:Extensions>"),
                )?
            }
            "wrap-object" => {
                let signed = self.sign(&s.assertion_xml(), &s.assertion_id, false)?;
                let sig = extract(&signed, "<ds:Signature", "</ds:Signature>")?;
                let sig_with_object = sig.replacen(
                    "</ds:Signature>",
                    &format!("<ds:Object>{signed}</ds:Object></ds:Signature>"),
                    1,
                );
                let mut evil = s.clone();
                evil.name_id = "admin@evil.example".into();
                let evil_xml = insert_after_issuer(&evil.assertion_xml(), &sig_with_object)?;
                s.response_xml(&evil_xml)
            }
            "second-response" => {
                let real = self.signed_response(&s, false, None)?;
                let mut outer = s.clone();
                outer.response_id = random_id();
                let evil = forged();
                insert_after_issuer(
                    &outer.response_xml(&evil),
                    &format!("<samlp:Extensions>{real}</samlp:Extensions>"),
                )?
            }
            "comment-injection" => {
                s.name_id = "user@evil.com.example.com".into();
                let signed = self.signed_response(&s, false, None)?;
                signed.replacen(
                    ">user@evil.com.example.com<",
                    ">user@evil.com<!---->.example.com<",
                    1,
                )
            }
            "doctype" => format!(
                "<?xml version=\"1.0\"?><!DOCTYPE samlp:Response [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>{}",
                self.signed_response(&s, false, None)?
            ),
            "wrong-cert" => {
                let assertion = dsig::sign(
                    &s.assertion_xml(),
                    &s.assertion_id,
                    SigningKey::Ecdsa(&self.attacker),
                    SignAlg::EcdsaSha256,
                    &self.attacker_cert,
                    &SystemRandom::new(),
                )
                .map_err(internal)?;
                s.response_xml(&assertion)
            }
            "digest-tamper" => {
                let signed = self.signed_response(&s, false, None)?;
                signed.replacen(&format!(">{}<", s.name_id), ">admin@evil.example<", 1)
            }
            "signature-tamper" => {
                let signed = self.signed_response(&s, false, None)?;
                let value = extract(&signed, "<ds:SignatureValue>", "</ds:SignatureValue>")?;
                let inner =
                    &value["<ds:SignatureValue>".len()..value.len() - "</ds:SignatureValue>".len()];
                let mut bytes = STANDARD
                    .decode(inner)
                    .map_err(|e| MintError::Internal(e.to_string()))?;
                if let Some(b) = bytes.get_mut(10) {
                    *b ^= 0x01;
                }
                signed.replacen(inner, &STANDARD.encode(bytes), 1)
            }
            "sha1" => {
                let assertion = self.sign(&s.assertion_xml(), &s.assertion_id, true)?;
                s.response_xml(&assertion)
            }
            "wrong-audience" => {
                s.audience = "urn:example:another-service-provider".into();
                self.signed_response(&s, false, None)?
            }
            _ => {
                // expired
                s.issue_instant = now - 7200;
                s.not_on_or_after = now - 3600;
                self.signed_response(&s, false, None)?
            }
        };
        Ok((xml, defect))
    }

    /// A hostile Response, base64, and its defect.
    pub fn mint_hostile(
        &self,
        kind: &str,
        req: &SamlMint,
        now: Epoch,
    ) -> Result<(String, &'static str), MintError> {
        let (xml, defect) = self.mint_hostile_xml(kind, req, now)?;
        Ok((STANDARD.encode(xml), defect))
    }
}

/// The first `start…end` substring of `text`.
fn extract<'t>(text: &'t str, start: &str, end: &str) -> Result<&'t str, MintError> {
    let a = text
        .find(start)
        .ok_or_else(|| MintError::Internal(format!("no {start} in the fixture")))?;
    let b = text[a..]
        .find(end)
        .ok_or_else(|| MintError::Internal(format!("no {end} in the fixture")))?;
    Ok(&text[a..a + b + end.len()])
}

/// Insert `what` right after the first Issuer's closing tag.
fn insert_after_issuer(xml: &str, what: &str) -> Result<String, MintError> {
    let at = ["</saml:Issuer>", "</Issuer>"]
        .iter()
        .filter_map(|tag| xml.find(tag).map(|i| i + tag.len()))
        .min()
        .ok_or_else(|| MintError::Internal("no Issuer in the fixture".into()))?;
    let mut out = xml.to_string();
    out.insert_str(at, what);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::saml::claims::{self, Expect};
    use crate::core::saml::dsig::Trust;
    use crate::core::saml::{decode_base64, verify_response};

    /// A fixed clock: fixtures never expire.
    const NOW: Epoch = 1_780_000_000;
    const ROLE: &str = "arn:aws:iam::123456789012:role/SamlRole";
    const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/Mock";

    fn request(layout: &str) -> SamlMint {
        SamlMint {
            roles: vec![format!("{ROLE},{PROVIDER}")],
            name_id: Some("alice@example.org".into()),
            layout: Some(layout.into()),
            attributes: [("PrincipalTag:Project".to_string(), Value::from("Blue"))]
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }

    fn check(
        idp: &SamlIdp,
        xml: &str,
        allow_sha1: bool,
    ) -> Result<claims::Claims, (ErrorCode, String)> {
        let certs = vec![idp.cert.clone()];
        let trust = Trust {
            certs: &certs,
            allow_sha1,
        };
        verify_response(xml, &trust)
            .and_then(|v| {
                claims::check(
                    &v,
                    &Expect {
                        entity_id: idp.entity_id(),
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
    fn encrypt_with_a_certificate_or_public_key_yields_an_encrypted_assertion() {
        use crate::core::saml::{Decryption, verify_response_with};
        use aws_lc_rs::encoding::PublicKeyX509Der;
        use aws_lc_rs::rsa::PrivateDecryptingKey;
        let idp = SamlIdp::new("https://idp.example.org").unwrap();
        let sp = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let der = AsDer::<Pkcs8V1Der>::as_der(&sp).unwrap().as_ref().to_vec();
        let spki = AsDer::<PublicKeyX509Der>::as_der(&sp.public_key()).unwrap();
        let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls::pki_types::PrivatePkcs8KeyDer::from(der.clone()),
            &rcgen::PKCS_RSA_SHA256,
        )
        .unwrap();
        let cert_pem = rcgen::CertificateParams::new(vec!["sp.example.org".to_string()])
            .unwrap()
            .self_signed(&kp)
            .unwrap()
            .pem();
        let key_pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----",
            STANDARD.encode(spki.as_ref())
        );
        for pem in [cert_pem, key_pem] {
            let mut req = request("keycloak");
            req.encrypt_with = Some(pem);
            let xml = decode_base64(&idp.mint(&req, NOW).unwrap()).unwrap();
            assert!(xml.contains("EncryptedAssertion"), "{xml}");
            assert!(!xml.contains("alice@example.org"));
            let certs = vec![idp.cert.clone()];
            let trust = Trust {
                certs: &certs,
                allow_sha1: false,
            };
            let keys = vec![der.clone()];
            let v = verify_response_with(
                &xml,
                &trust,
                &Decryption {
                    keys: &keys,
                    required: true,
                },
            )
            .unwrap();
            let c = claims::check(
                &v,
                &Expect {
                    entity_id: idp.entity_id(),
                    now: NOW,
                    leeway: 60,
                    extra_recipients: &[],
                    extra_audiences: &[],
                },
            )
            .unwrap();
            assert_eq!(c.subject, "alice@example.org");
        }
        let mut req = request("plain");
        req.encrypt_with = Some("not a key".into());
        assert!(matches!(idp.mint(&req, NOW), Err(MintError::BadRequest(_))));
    }

    #[test]
    fn metadata_names_the_entity_and_certificate() {
        let idp = SamlIdp::new("http://127.0.0.1:9").unwrap();
        let m = metadata::parse(&idp.metadata()).unwrap();
        assert_eq!(m.entity_id, "http://127.0.0.1:9/saml");
        assert_eq!(m.signing_certs, vec![idp.cert_b64()]);
    }

    #[test]
    fn every_layout_verifies_with_its_claims() {
        let idp = SamlIdp::new("https://idp.example.org").unwrap();
        for layout in ["plain", "adfs", "keycloak"] {
            let b64 = idp.mint(&request(layout), NOW).unwrap();
            let xml = decode_base64(&b64).unwrap();
            let c = check(&idp, &xml, false).unwrap_or_else(|e| panic!("{layout}: {e:?}"));
            assert_eq!(c.subject, "alice@example.org");
            assert_eq!(c.roles, vec![(ROLE.to_string(), PROVIDER.to_string())]);
            assert_eq!(c.role_session_name.as_deref(), Some("alice@example.org"));
            assert_eq!(c.principal_tags, vec![("Project".into(), "Blue".into())]);
            match layout {
                "adfs" => {
                    // Default-namespace Assertion, base64 in 76-character lines.
                    assert!(
                        xml.contains("<Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"")
                    );
                    assert!(b64.contains("\r\n"));
                    assert!(!xml.contains("xsi:type"));
                }
                "keycloak" => {
                    // Both signed; xsi declared on each value.
                    assert_eq!(xml.matches("<ds:Signature ").count(), 2);
                    assert!(xml.contains("<saml:AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">"));
                }
                _ => {
                    assert!(xml.contains(
                        "<saml:Issuer Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">"
                    ));
                    assert_eq!(xml.matches("<ds:Signature ").count(), 1);
                }
            }
        }
    }

    #[test]
    fn every_hostile_kind_is_refused_for_its_reason() {
        let idp = SamlIdp::new("https://idp.example.org").unwrap();
        let expect: &[(&str, ErrorCode, &str)] = &[
            ("unsigned", ErrorCode::InvalidIdentityToken, "not signed"),
            (
                "wrap-before",
                ErrorCode::InvalidIdentityToken,
                "more than one Assertion",
            ),
            (
                "wrap-after",
                ErrorCode::InvalidIdentityToken,
                "more than one Assertion",
            ),
            (
                "wrap-extensions",
                ErrorCode::InvalidIdentityToken,
                "more than one Assertion",
            ),
            (
                "wrap-object",
                ErrorCode::InvalidIdentityToken,
                "more than one Assertion",
            ),
            (
                "second-response",
                ErrorCode::InvalidIdentityToken,
                "more than one Assertion",
            ),
            (
                "doctype",
                ErrorCode::InvalidIdentityToken,
                "DOCTYPE declarations are not allowed",
            ),
            (
                "wrong-cert",
                ErrorCode::InvalidIdentityToken,
                "certificate in KeyInfo is not one of the provider's",
            ),
            (
                "digest-tamper",
                ErrorCode::InvalidIdentityToken,
                "digest mismatch",
            ),
            (
                "signature-tamper",
                ErrorCode::InvalidIdentityToken,
                "does not verify",
            ),
            (
                "sha1",
                ErrorCode::InvalidIdentityToken,
                "SHA-1 signatures are not accepted for this provider",
            ),
            (
                "wrong-audience",
                ErrorCode::InvalidIdentityToken,
                "Incorrect token audience",
            ),
            (
                "expired",
                ErrorCode::ExpiredTokenException,
                "redeemed within 5 minutes",
            ),
        ];
        assert_eq!(expect.len() + 1, SAML_HOSTILE_KINDS.len());
        for (kind, code, msg) in expect {
            let (xml, _) = idp.mint_hostile_xml(kind, &request("plain"), NOW).unwrap();
            let (c, m) = check(&idp, &xml, false).unwrap_err();
            assert_eq!(c, *code, "{kind}: {m}");
            assert!(m.contains(msg), "{kind}: {m}");
        }
        // The signature is intact but the subject is the whole signed text.
        let (xml, _) = idp
            .mint_hostile_xml("comment-injection", &request("plain"), NOW)
            .unwrap();
        assert!(xml.contains("user@evil.com<!---->.example.com"));
        let c = check(&idp, &xml, false).unwrap();
        assert_eq!(c.subject, "user@evil.com.example.com");
        // SHA-1 passes only where the provider allows it.
        let (xml, _) = idp
            .mint_hostile_xml("sha1", &request("plain"), NOW)
            .unwrap();
        assert!(check(&idp, &xml, true).is_ok());
    }

    #[test]
    fn unknown_kind_and_layout_are_bad_requests() {
        let idp = SamlIdp::new("https://idp.example.org").unwrap();
        let e = idp
            .mint_hostile("nope", &SamlMint::default(), NOW)
            .unwrap_err();
        assert!(matches!(e, MintError::BadRequest(m) if m.contains("wrap-object")));
        let e = idp.mint(&request("okta"), NOW).unwrap_err();
        assert!(matches!(e, MintError::BadRequest(m) if m.contains("unknown layout")));
    }
}
