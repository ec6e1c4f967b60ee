//! Verification and claim tests over fixtures built here with a fixed clock.
//! Signatures made by xmlsec1 are checked by the integration tests.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::build::{Layout, ResponseSpec};
use super::claims::{self, Expect};
use super::dsig::{self, SignAlg, SigningKey, Trust};
use super::*;
use crate::core::error::ErrorCode;

pub const NOW: i64 = 1_780_000_000;
pub const ISSUER: &str = "https://idp.example.org/saml";
pub const ROLE: &str = "arn:aws:iam::123456789012:role/SamlRole";
pub const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/MyIdP";

pub struct Key {
    pub rsa: Option<RsaKeyPair>,
    pub ec: Option<EcdsaKeyPair>,
    pub cert: Vec<u8>,
}

impl Key {
    pub fn rsa() -> Key {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).unwrap();
        let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &rustls::pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_ref().to_vec()),
            &rcgen::PKCS_RSA_SHA256,
        )
        .unwrap();
        let cert = rcgen::CertificateParams::new(vec!["idp.example.org".to_string()])
            .unwrap()
            .self_signed(&kp)
            .unwrap();
        Key {
            rsa: Some(pair),
            ec: None,
            cert: cert.der().to_vec(),
        }
    }

    pub fn ec() -> Key {
        let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &kp.serialize_der())
            .unwrap();
        let cert = rcgen::CertificateParams::new(vec!["idp.example.org".to_string()])
            .unwrap()
            .self_signed(&kp)
            .unwrap();
        Key {
            rsa: None,
            ec: Some(pair),
            cert: cert.der().to_vec(),
        }
    }

    pub fn sign(&self, xml: &str, id: &str, alg: SignAlg) -> String {
        let key = match (&self.rsa, &self.ec) {
            (Some(r), _) => SigningKey::Rsa(r),
            (_, Some(e)) => SigningKey::Ecdsa(e),
            _ => unreachable!(),
        };
        dsig::sign(xml, id, key, alg, &self.cert, &SystemRandom::new()).unwrap()
    }
}

pub fn spec() -> ResponseSpec {
    ResponseSpec {
        issuer: ISSUER.to_string(),
        response_id: "_resp1".to_string(),
        assertion_id: "_assert1".to_string(),
        issue_instant: NOW - 10,
        not_on_or_after: NOW + 300,
        name_id: "alice@example.org".to_string(),
        name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".to_string(),
        recipient: "https://signin.aws.amazon.com/saml".to_string(),
        audience: "urn:amazon:webservices".to_string(),
        attributes: vec![
            (
                claims::ROLE_ATTR.to_string(),
                vec![format!("{PROVIDER},{ROLE}")],
            ),
            (
                format!("{}RoleSessionName", claims::ATTR_PREFIX),
                vec!["alice".to_string()],
            ),
            (
                format!("{}PrincipalTag:Project", claims::ATTR_PREFIX),
                vec!["Blue".to_string()],
            ),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress".to_string(),
                vec!["alice@example.org".to_string()],
            ),
        ],
        session_not_on_or_after: Some(NOW + 1800),
        in_response_to: None,
        layout: Layout::Keycloak,
    }
}

/// A Response whose Assertion is signed.
pub fn signed_assertion(key: &Key, s: &ResponseSpec, alg: SignAlg) -> String {
    let assertion = key.sign(&s.assertion_xml(), &s.assertion_id, alg);
    s.response_xml(&assertion)
}

fn run(
    xml: &str,
    key: &Key,
    allow_sha1: bool,
) -> Result<claims::Claims, crate::core::error::ApiError> {
    let certs = vec![key.cert.clone()];
    let trust = Trust {
        certs: &certs,
        allow_sha1,
    };
    let v = verify_response(xml, &trust)?;
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
}

fn message(r: Result<claims::Claims, crate::core::error::ApiError>) -> (ErrorCode, String) {
    let e = r.unwrap_err();
    (e.code, e.message)
}

#[test]
fn signed_assertion_verifies_and_yields_claims() {
    let key = Key::rsa();
    let xml = signed_assertion(&key, &spec(), SignAlg::RsaSha256);
    let c = run(&xml, &key, false).unwrap();
    assert_eq!(c.subject, "alice@example.org");
    assert_eq!(c.subject_type, "persistent");
    assert_eq!(c.issuer, ISSUER);
    assert_eq!(c.recipient, "https://signin.aws.amazon.com/saml");
    assert_eq!(c.roles, vec![(ROLE.to_string(), PROVIDER.to_string())]);
    assert_eq!(c.role_session_name.as_deref(), Some("alice"));
    assert_eq!(
        c.principal_tags,
        vec![("Project".to_string(), "Blue".to_string())]
    );
    assert_eq!(c.session_not_on_or_after, Some(NOW + 1800));
    let keys = claims::condition_keys(&c, "123456789012", "MyIdP");
    assert!(
        keys.iter()
            .any(|(k, v, _)| k == "saml:mail" && v == &["alice@example.org"])
    );
    assert!(
        keys.iter()
            .any(|(k, v, _)| k == "saml:doc" && v == &["123456789012/MyIdP"])
    );
}

#[test]
fn every_supported_algorithm_and_layout_verifies() {
    let rsa = Key::rsa();
    for layout in [Layout::Plain, Layout::Adfs, Layout::Keycloak] {
        let mut s = spec();
        s.layout = layout;
        for alg in [SignAlg::RsaSha256, SignAlg::RsaSha512] {
            run(&signed_assertion(&rsa, &s, alg), &rsa, false).unwrap();
        }
    }
    let ec = Key::ec();
    run(
        &signed_assertion(&ec, &spec(), SignAlg::EcdsaSha256),
        &ec,
        false,
    )
    .unwrap();
}

#[test]
fn signed_response_covers_its_assertion() {
    let key = Key::rsa();
    let s = spec();
    let xml = key.sign(
        &s.response_xml(&s.assertion_xml()),
        &s.response_id,
        SignAlg::RsaSha256,
    );
    run(&xml, &key, false).unwrap();
    // Both signed: response signature over an already signed assertion.
    let both = key.sign(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &s.response_id,
        SignAlg::RsaSha256,
    );
    run(&both, &key, false).unwrap();
}

#[test]
fn base64_with_line_breaks_decodes() {
    let key = Key::rsa();
    let xml = signed_assertion(&key, &spec(), SignAlg::RsaSha256);
    let b64 = STANDARD.encode(&xml);
    let wrapped: String = b64
        .as_bytes()
        .chunks(76)
        .map(|c| format!("{}\r\n", std::str::from_utf8(c).unwrap()))
        .collect();
    assert_eq!(decode_base64(&wrapped).unwrap(), xml);
}

#[test]
fn unsigned_is_refused() {
    let key = Key::rsa();
    let s = spec();
    let (code, msg) = message(run(&s.response_xml(&s.assertion_xml()), &key, false));
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
    assert!(msg.contains("not signed"), "{msg}");
}

#[test]
fn wrapped_assertion_before_or_after_the_signed_one_is_refused() {
    let key = Key::rsa();
    let s = spec();
    let signed = key.sign(&s.assertion_xml(), &s.assertion_id, SignAlg::RsaSha256);
    let mut evil = s.clone();
    evil.name_id = "admin@example.org".to_string();
    evil.assertion_id = "_evil".to_string();
    let evil = evil.assertion_xml();
    for body in [format!("{evil}{signed}"), format!("{signed}{evil}")] {
        let (code, msg) = message(run(&s.response_xml(&body), &key, false));
        assert_eq!(code, ErrorCode::InvalidIdentityToken);
        assert!(msg.contains("more than one Assertion"), "{msg}");
    }
}

#[test]
fn wrapped_assertion_inside_extensions_or_object_is_refused() {
    let key = Key::rsa();
    let s = spec();
    let signed = key.sign(&s.assertion_xml(), &s.assertion_id, SignAlg::RsaSha256);
    let mut evil = s.clone();
    evil.name_id = "admin@example.org".to_string();
    // Same ID: the original moves into an Extensions/Object wrapper, the
    // attacker's sits where claims are read.
    let hidden = format!(
        "<samlp:Extensions>{signed}</samlp:Extensions>{}",
        evil.assertion_xml()
    );
    let (code, _) = message(run(&s.response_xml(&hidden), &key, false));
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
    let in_object = signed.replacen(
        "</ds:Signature>",
        &format!(
            "<ds:Object>{}</ds:Object></ds:Signature>",
            evil.assertion_xml()
        ),
        1,
    );
    let (code, _) = message(run(&s.response_xml(&in_object), &key, false));
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
}

#[test]
fn second_response_wrapping_is_refused() {
    let key = Key::rsa();
    let s = spec();
    let signed_response = key.sign(
        &s.response_xml(&s.assertion_xml()),
        &s.response_id,
        SignAlg::RsaSha256,
    );
    let mut evil = s.clone();
    evil.name_id = "admin@example.org".to_string();
    evil.response_id = "_evilresp".to_string();
    let inner =
        signed_response.replacen("<samlp:Response ", "<samlp:Response xmlns:x=\"urn:x\" ", 1);
    let wrapped = evil.response_xml(&format!(
        "{}<samlp:Extensions>{inner}</samlp:Extensions>",
        evil.assertion_xml()
    ));
    let (code, _) = message(run(&wrapped, &key, false));
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
}

#[test]
fn comment_in_name_id_reads_the_full_signed_text() {
    let key = Key::rsa();
    let mut s = spec();
    s.name_id = "user@evil.com.example.com".to_string();
    let signed = signed_assertion(&key, &s, SignAlg::RsaSha256);
    let injected = signed.replacen(
        "user@evil.com.example.com",
        "user@evil.com<!---->.example.com",
        1,
    );
    let c = run(&injected, &key, false).unwrap();
    assert_eq!(c.subject, "user@evil.com.example.com");
}

#[test]
fn doctype_and_entities_are_refused_before_parsing() {
    let key = Key::rsa();
    let xml = signed_assertion(&key, &spec(), SignAlg::RsaSha256);
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{xml}"
    );
    let (_, msg) = message(run(&xxe, &key, false));
    assert!(msg.contains("DOCTYPE"), "{msg}");
    let laughs = format!(
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>{}",
        xml.replacen("alice@example.org", "&lol2;", 1)
    );
    let (_, msg) = message(run(&laughs, &key, false));
    assert!(msg.contains("DOCTYPE"), "{msg}");
}

#[test]
fn keyinfo_certificate_that_is_not_the_providers_is_refused() {
    let provider = Key::rsa();
    let attacker = Key::rsa();
    let xml = signed_assertion(&attacker, &spec(), SignAlg::RsaSha256);
    let (code, msg) = message(run(&xml, &provider, false));
    assert_eq!(code, ErrorCode::InvalidIdentityToken);
    assert!(
        msg.contains("KeyInfo is not one of the provider's"),
        "{msg}"
    );
    // Without KeyInfo the attacker's signature still fails against the provider's keys.
    let stripped = {
        let start = xml.find("<ds:KeyInfo>").unwrap();
        let end = xml.find("</ds:KeyInfo>").unwrap() + "</ds:KeyInfo>".len();
        format!("{}{}", &xml[..start], &xml[end..])
    };
    let (_, msg) = message(run(&stripped, &provider, false));
    assert!(msg.contains("does not verify"), "{msg}");
}

#[test]
fn digest_and_signature_tampering_is_refused() {
    let key = Key::rsa();
    let xml = signed_assertion(&key, &spec(), SignAlg::RsaSha256);
    let tampered = xml.replacen("alice@example.org", "admin@example.org", 1);
    let (_, msg) = message(run(&tampered, &key, false));
    assert!(msg.contains("digest mismatch"), "{msg}");
    let start = xml.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    let mut bad = xml.clone();
    let flipped = if &xml[start..start + 1] == "A" {
        "B"
    } else {
        "A"
    };
    bad.replace_range(start..start + 1, flipped);
    let (_, msg) = message(run(&bad, &key, false));
    assert!(msg.contains("does not verify"), "{msg}");
}

#[test]
fn sha1_is_refused_unless_allowed() {
    let key = Key::rsa();
    // Refused before any crypto, so rewriting the algorithm names suffices;
    // accepted SHA-1 (xmlsec1-signed) is covered by the integration tests.
    let xml = signed_assertion(&key, &spec(), SignAlg::RsaSha256)
        .replace(dsig::RSA_SHA256, dsig::RSA_SHA1);
    let (_, msg) = message(run(&xml, &key, false));
    assert!(
        msg.ends_with("SHA-1 signatures are not accepted for this provider"),
        "{msg}"
    );
    let digest_only =
        signed_assertion(&key, &spec(), SignAlg::RsaSha256).replace(dsig::SHA256, dsig::SHA1);
    let (_, msg) = message(run(&digest_only, &key, false));
    assert!(
        msg.ends_with("SHA-1 signatures are not accepted for this provider"),
        "{msg}"
    );
}

#[test]
fn other_audience_recipient_and_issuer_are_refused() {
    let key = Key::rsa();
    let mut s = spec();
    s.audience = "https://other.example/sp".to_string();
    let (_, msg) = message(run(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &key,
        false,
    ));
    assert!(msg.contains("Incorrect token audience"), "{msg}");
    let mut s = spec();
    s.recipient = "https://evil.example/saml".to_string();
    let (_, msg) = message(run(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &key,
        false,
    ));
    assert!(msg.contains("not an accepted sign-in endpoint"), "{msg}");
    let mut s = spec();
    s.recipient = "https://eu-west-1.signin.aws.amazon.com/saml".to_string();
    run(&signed_assertion(&key, &s, SignAlg::RsaSha256), &key, false).unwrap();
    let mut s = spec();
    s.issuer = "https://other-idp.example".to_string();
    let (_, msg) = message(run(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &key,
        false,
    ));
    assert!(msg.contains("entity id"), "{msg}");
}

#[test]
fn expired_and_stale_assertions_are_refused() {
    let key = Key::rsa();
    let mut s = spec();
    s.issue_instant = NOW - 600;
    s.not_on_or_after = NOW + 600;
    let (code, msg) = message(run(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &key,
        false,
    ));
    assert_eq!(code, ErrorCode::ExpiredTokenException);
    assert_eq!(msg, "Token must be redeemed within 5 minutes of issuance");
    let mut s = spec();
    s.not_on_or_after = NOW - 120;
    let (code, _) = message(run(
        &signed_assertion(&key, &s, SignAlg::RsaSha256),
        &key,
        false,
    ));
    assert_eq!(code, ErrorCode::ExpiredTokenException);
}

#[test]
fn roles_in_either_order_and_several_pairs() {
    let key = Key::rsa();
    let mut s = spec();
    s.attributes[0].1 = vec![
        format!("{ROLE},{PROVIDER}"),
        "arn:aws:iam::123456789012:saml-provider/Other,arn:aws:iam::123456789012:role/Two"
            .to_string(),
    ];
    let c = run(&signed_assertion(&key, &s, SignAlg::RsaSha256), &key, false).unwrap();
    assert_eq!(c.roles.len(), 2);
    assert_eq!(c.roles[0], (ROLE.to_string(), PROVIDER.to_string()));
    assert_eq!(c.roles[1].0, "arn:aws:iam::123456789012:role/Two");
}

#[test]
fn name_qualifier_is_computed_as_aws_does() {
    // Base64(SHA1("https://example.com/saml" + "123456789012" + "/MySAMLIdP")).
    let expected = STANDARD.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        b"https://example.com/saml123456789012/MySAMLIdP",
    ));
    assert_eq!(
        claims::name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP"),
        expected
    );
}

#[test]
fn deeply_nested_large_input_is_bounded() {
    let key = Key::rsa();
    let deep = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">{}{}</samlp:Response>",
        "<x>".repeat(25_000),
        "</x>".repeat(25_000)
    );
    assert!(deep.len() > 100_000);
    let t = std::time::Instant::now();
    let (_, msg) = message(run(&deep, &key, false));
    assert!(msg.contains("too deep"), "{msg}");
    assert!(t.elapsed().as_millis() < 1000);
}
