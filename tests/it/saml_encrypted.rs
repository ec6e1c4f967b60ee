//! Encrypted SAML assertions over HTTP: provider private keys, the
//! encryption mode, and AssumeRoleWithSAML with an EncryptedAssertion.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{KeySize, PrivateDecryptingKey};
use aws_lc_rs::signature::RsaKeyPair;
use base64::Engine;
use stsgate::core::Random;
use stsgate::core::saml::build::{Layout, ResponseSpec};
use stsgate::core::saml::dsig::{self, SignAlg, SigningKey};
use stsgate::core::saml::metadata;
use stsgate::core::saml::xmlenc::{self, Content};

use crate::harness::{TestServer, error_code, xml_field};

const IDP: &str = "https://idp.example.org/saml";

struct Rng;
impl Random for Rng {
    fn fill(&mut self, buf: &mut [u8]) {
        SystemRandom::new().fill(buf).unwrap();
    }
}

/// A decryption key: (PKCS#8 PEM, SubjectPublicKeyInfo DER).
fn enc_key() -> (String, Vec<u8>) {
    let k = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
    let der = AsDer::<Pkcs8V1Der>::as_der(&k).unwrap();
    let spki = AsDer::<PublicKeyX509Der>::as_der(&k.public_key()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
    (
        format!("-----BEGIN PRIVATE KEY-----\n{b64}\n-----END PRIVATE KEY-----\n"),
        spki.as_ref().to_vec(),
    )
}

fn all_key_ids(body: &str) -> Vec<String> {
    body.split("<KeyId>")
        .skip(1)
        .filter_map(|s| s.split("</KeyId>").next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn saml_encrypted_assertions_and_private_keys_on_every_backend() {
    let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let pkcs8 = AsDer::<Pkcs8V1Der>::as_der(&pair).unwrap();
    let kp = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
        &rustls::pki_types::PrivatePkcs8KeyDer::from(pkcs8.as_ref().to_vec()),
        &rcgen::PKCS_RSA_SHA256,
    )
    .unwrap();
    let cert = rcgen::CertificateParams::new(vec!["idp.example.org".to_string()])
        .unwrap()
        .self_signed(&kp)
        .unwrap()
        .der()
        .to_vec();
    let b64 = base64::engine::general_purpose::STANDARD;
    let (pem1, spki1) = enc_key();
    let (pem2, _) = enc_key();
    let (pem3, _) = enc_key();
    let doc = metadata::document(
        IDP,
        &[b64.encode(&cert)],
        "https://idp.example.org/sso",
        None,
    );
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let create = |extra: Vec<(&'static str, String)>| {
            let mut p: Vec<(&'static str, String)> = vec![
                ("Action", "CreateSAMLProvider".into()),
                ("Version", "2010-05-08".into()),
                ("Name", "EncIdP".into()),
                ("SAMLMetadataDocument", doc.clone()),
            ];
            p.extend(extra);
            p
        };
        let call = |p: Vec<(&'static str, String)>| {
            let server = &server;
            let admin = &admin;
            async move {
                let refs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
                server.signed(admin, "iam", &refs).await
            }
        };
        // A key that is not PKCS#8 PEM, or Required without a key: InvalidInput.
        let (status, body) = call(create(vec![(
            "AddPrivateKey",
            pem1.replace("PRIVATE KEY", "RSA PRIVATE KEY"),
        )]))
        .await;
        assert_eq!((status, error_code(&body).as_str()), (400, "InvalidInput"));
        assert!(body.contains("PKCS#8"), "{body}");
        let (status, body) =
            call(create(vec![("AssertionEncryptionMode", "Required".into())])).await;
        assert_eq!((status, error_code(&body).as_str()), (400, "InvalidInput"));

        let (status, body) = call(create(vec![
            ("AddPrivateKey", pem1.clone()),
            ("AssertionEncryptionMode", "Required".into()),
        ]))
        .await;
        assert_eq!(status, 200, "{body}");
        let provider = xml_field(&body, "SAMLProviderArn").unwrap();
        let account = provider.split(':').nth(4).unwrap().to_string();
        let get = vec![
            ("Action", "GetSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", provider.clone()),
        ];
        let (status, body) = call(get.clone()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            xml_field(&body, "AssertionEncryptionMode").unwrap(),
            "Required"
        );
        let ids = all_key_ids(&body);
        assert_eq!(ids.len(), 1, "{body}");
        let key1 = ids[0].clone();
        assert!(
            key1.len() >= 22
                && key1
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        );
        assert!(xml_field(&body, "Timestamp").is_some(), "{body}");
        let key_body_line = pem1.lines().nth(1).unwrap();
        assert!(!body.contains(&key_body_line[..40]), "key material leaked");

        let role_arn = format!("arn:aws:iam::{account}:role/EncRole");
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":"sts:AssumeRoleWithSAML"}}]}}"#
        );
        let (status, body) = call(vec![
            ("Action", "CreateRole".into()),
            ("Version", "2010-05-08".into()),
            ("RoleName", "EncRole".into()),
            ("AssumeRolePolicyDocument", trust),
        ])
        .await;
        assert_eq!(status, 200, "{body}");

        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let mint = |n: u32, spki: Option<&[u8]>| {
            let spec = ResponseSpec {
                issuer: IDP.to_string(),
                response_id: format!("_r{n}"),
                assertion_id: format!("_a{n}"),
                issue_instant: now - 5,
                not_on_or_after: now + 300,
                name_id: "alice@example.org".to_string(),
                name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".into(),
                recipient: "https://signin.aws.amazon.com/saml".to_string(),
                audience: "urn:amazon:webservices".to_string(),
                attributes: vec![
                    (
                        "https://aws.amazon.com/SAML/Attributes/Role".to_string(),
                        vec![format!("{provider},{role_arn}")],
                    ),
                    (
                        "https://aws.amazon.com/SAML/Attributes/RoleSessionName".to_string(),
                        vec!["alice".to_string()],
                    ),
                ],
                session_not_on_or_after: None,
                in_response_to: None,
                layout: Layout::Adfs,
            };
            let assertion = dsig::sign(
                &spec.assertion_xml(),
                &spec.assertion_id,
                SigningKey::Rsa(&pair),
                SignAlg::RsaSha256,
                &cert,
                &SystemRandom::new(),
            )
            .unwrap();
            let inner = match spki {
                Some(k) => xmlenc::encrypt(&assertion, k, Content::Aes256Gcm, &mut Rng).unwrap(),
                None => assertion,
            };
            b64.encode(spec.response_xml(&inner))
        };
        let assume = |saml: String| {
            let server = &server;
            let (role_arn, provider) = (role_arn.clone(), provider.clone());
            async move {
                server
                    .post(&[
                        ("Action", "AssumeRoleWithSAML"),
                        ("Version", "2011-06-15"),
                        ("RoleArn", role_arn.as_str()),
                        ("PrincipalArn", provider.as_str()),
                        ("SAMLAssertion", saml.as_str()),
                    ])
                    .await
            }
        };
        let (status, body) = assume(mint(1, Some(&spki1))).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(xml_field(&body, "Subject").unwrap(), "alice@example.org");
        assert!(xml_field(&body, "AccessKeyId").unwrap().starts_with("ASIA"));
        let (status, body) = assume(mint(2, None)).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidIdentityToken")
        );
        assert!(
            body.contains("This provider requires encrypted assertions"),
            "{body}"
        );

        let update = |extra: Vec<(&'static str, String)>| {
            let mut p: Vec<(&'static str, String)> = vec![
                ("Action", "UpdateSAMLProvider".into()),
                ("Version", "2010-05-08".into()),
                ("SAMLProviderArn", provider.clone()),
            ];
            p.extend(extra);
            p
        };
        let (status, body) = call(update(vec![("AddPrivateKey", pem2.clone())])).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = call(update(vec![("AddPrivateKey", pem3.clone())])).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (409, "LimitExceeded"),
            "{body}"
        );
        let (_, body) = call(get.clone()).await;
        let ids = all_key_ids(&body);
        assert_eq!(ids.len(), 2, "{body}");
        let key2 = ids.iter().find(|k| **k != key1).unwrap().clone();
        let (status, body) = call(update(vec![("RemovePrivateKey", "A".repeat(32))])).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidInput"),
            "{body}"
        );

        let (status, body) = call(update(vec![("RemovePrivateKey", key1.clone())])).await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = call(get.clone()).await;
        assert_eq!(all_key_ids(&body), vec![key2.clone()]);
        // Key 1 is gone: what was encrypted for it no longer decrypts.
        let (status, body) = assume(mint(3, Some(&spki1))).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidIdentityToken")
        );
        assert!(body.contains("could not be decrypted"), "{body}");
        // The last key cannot go while encryption is Required.
        let (status, body) = call(update(vec![("RemovePrivateKey", key2.clone())])).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidInput"),
            "{body}"
        );
        let (status, body) = call(update(vec![
            ("RemovePrivateKey", key2),
            ("AssertionEncryptionMode", "Allowed".into()),
        ]))
        .await;
        assert_eq!(status, 200, "{body}");
        let (_, body) = call(get).await;
        assert!(all_key_ids(&body).is_empty(), "{body}");
        assert_eq!(
            xml_field(&body, "AssertionEncryptionMode").unwrap(),
            "Allowed"
        );
        let (status, body) = assume(mint(4, None)).await;
        assert_eq!(status, 200, "{body}");
        server.stop().await;
        db.cleanup().await;
    }
}
