//! SAML providers over HTTP and the replay cache, on every backend.

use base64::Engine;
use stsgate::core::saml::metadata;
use stsgate::store::SamlStore;

use crate::harness::{TestServer, error_code, xml_field};

pub fn cert_b64() -> String {
    let kp = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let c = rcgen::CertificateParams::new(vec!["idp.example.org".to_string()])
        .unwrap()
        .self_signed(&kp)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(c.der())
}

#[tokio::test]
async fn saml_provider_lifecycle_on_every_backend() {
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let doc = metadata::document(
            "https://idp.example.org/saml",
            &[cert_b64()],
            "https://idp.example.org/sso",
            Some("2031-01-01T00:00:00Z"),
        );
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "CreateSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("Name", "MyIdP"),
                    ("SAMLMetadataDocument", &doc),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let arn = xml_field(&body, "SAMLProviderArn").unwrap();
        assert!(arn.ends_with(":saml-provider/MyIdP"), "{arn}");

        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "CreateSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("Name", "MyIdP"),
                    ("SAMLMetadataDocument", &doc),
                ],
            )
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (409, "EntityAlreadyExists")
        );

        let no_cert = metadata::document("https://x", &[], &"https://x/sso".repeat(40), None);
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "CreateSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("Name", "Bad"),
                    ("SAMLMetadataDocument", &no_cert),
                ],
            )
            .await;
        assert_eq!((status, error_code(&body).as_str()), (400, "InvalidInput"));
        assert!(body.contains("no signing certificate"), "{body}");

        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "GetSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("SAMLProviderArn", &arn),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            xml_field(&body, "ValidUntil").unwrap(),
            "2031-01-01T00:00:00Z"
        );
        assert!(body.contains("IDPSSODescriptor"));

        let (_, body) = server
            .signed(
                &admin,
                "iam",
                &[("Action", "ListSAMLProviders"), ("Version", "2010-05-08")],
            )
            .await;
        assert_eq!(xml_field(&body, "Arn").as_deref(), Some(arn.as_str()));

        let del = [
            ("Action", "DeleteSAMLProvider"),
            ("Version", "2010-05-08"),
            ("SAMLProviderArn", arn.as_str()),
        ];
        assert_eq!(server.signed(&admin, "iam", &del).await.0, 200);
        let (status, body) = server.signed(&admin, "iam", &del).await;
        assert_eq!((status, error_code(&body).as_str()), (404, "NoSuchEntity"));
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn an_assertion_is_accepted_once_across_nodes() {
    for db in crate::support::backends().await {
        // Two stores over one database stand for two nodes.
        let a = db.open_sql().await;
        let b = db.open_sql().await;
        let p = "arn:aws:iam::123456789012:saml-provider/P";
        assert!(a.record_assertion(p, "_id1", 2000, 1000).await.unwrap());
        assert!(!b.record_assertion(p, "_id1", 2000, 1000).await.unwrap());
        assert!(!a.record_assertion(p, "_id1", 2000, 1500).await.unwrap());
        // Another provider's assertion with the same ID is a different one.
        assert!(
            b.record_assertion(
                "arn:aws:iam::123456789012:saml-provider/Q",
                "_id1",
                2000,
                1000
            )
            .await
            .unwrap()
        );
        // Pruned after expiry.
        assert!(b.record_assertion(p, "_id2", 3000, 2500).await.unwrap());
        assert!(a.record_assertion(p, "_id1", 4000, 2500).await.unwrap());
        db.cleanup().await;
    }
}

#[tokio::test]
async fn assume_role_with_saml_once_then_replay_refused() {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::RsaKeyPair;
    use stsgate::core::saml::build::{Layout, ResponseSpec};
    use stsgate::core::saml::dsig::{self, SignAlg, SigningKey};

    let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let pkcs8 = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).unwrap();
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
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let doc = metadata::document(
            "https://idp.example.org/saml",
            &[b64.encode(&cert)],
            "https://idp.example.org/sso",
            None,
        );
        let (_, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "CreateSAMLProvider"),
                    ("Version", "2010-05-08"),
                    ("Name", "MyIdP"),
                    ("SAMLMetadataDocument", &doc),
                ],
            )
            .await;
        let provider = xml_field(&body, "SAMLProviderArn").unwrap();
        let account = provider.split(':').nth(4).unwrap().to_string();
        let role_arn = format!("arn:aws:iam::{account}:role/SamlRole");
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}}]}}"#
        );
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "CreateRole"),
                    ("Version", "2010-05-08"),
                    ("RoleName", "SamlRole"),
                    ("AssumeRolePolicyDocument", &trust),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");

        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let spec = ResponseSpec {
            issuer: "https://idp.example.org/saml".to_string(),
            response_id: "_r1".to_string(),
            assertion_id: "_a1".to_string(),
            issue_instant: now - 5,
            not_on_or_after: now + 300,
            name_id: "alice@example.org".to_string(),
            name_id_format: "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent".to_string(),
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
            "_a1",
            SigningKey::Rsa(&pair),
            SignAlg::RsaSha256,
            &cert,
            &SystemRandom::new(),
        )
        .unwrap();
        let saml = b64.encode(spec.response_xml(&assertion));
        let params = [
            ("Action", "AssumeRoleWithSAML"),
            ("Version", "2011-06-15"),
            ("RoleArn", role_arn.as_str()),
            ("PrincipalArn", provider.as_str()),
            ("SAMLAssertion", saml.as_str()),
        ];
        let (status, body) = server.post(&params).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(xml_field(&body, "Subject").unwrap(), "alice@example.org");
        assert_eq!(xml_field(&body, "SubjectType").unwrap(), "persistent");
        assert_eq!(
            xml_field(&body, "NameQualifier").unwrap(),
            stsgate::core::saml::claims::name_qualifier(
                "https://idp.example.org/saml",
                &account,
                "MyIdP"
            )
        );
        assert!(xml_field(&body, "AccessKeyId").unwrap().starts_with("ASIA"));
        let (status, body) = server.post(&params).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidIdentityToken")
        );
        assert!(body.contains("Assertion has already been used"), "{body}");
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn saml_provider_update_and_tags_on_every_backend() {
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let iam = |params: Vec<(&'static str, String)>| {
            let server = &server;
            let admin = &admin;
            async move {
                let p: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                server.signed(admin, "iam", &p).await
            }
        };
        let doc = |until: &str| {
            metadata::document(
                "https://idp.example.org/saml",
                &[cert_b64()],
                "https://idp.example.org/sso",
                Some(until),
            )
        };
        let (status, body) = iam(vec![
            ("Action", "CreateSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("Name", "MyIdP".into()),
            ("SAMLMetadataDocument", doc("2031-01-01T00:00:00Z")),
            ("Tags.member.1.Key", "team".into()),
            ("Tags.member.1.Value", "blue".into()),
        ])
        .await;
        assert_eq!(status, 200, "{body}");
        let arn = xml_field(&body, "SAMLProviderArn").unwrap();

        let (status, body) = iam(vec![
            ("Action", "UpdateSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
            ("SAMLMetadataDocument", doc("2032-02-02T00:00:00Z")),
        ])
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(xml_field(&body, "SAMLProviderArn").unwrap(), arn);
        let (_, body) = iam(vec![
            ("Action", "GetSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
        ])
        .await;
        assert_eq!(
            xml_field(&body, "ValidUntil").unwrap(),
            "2032-02-02T00:00:00Z"
        );

        // Bad metadata names the problem and changes nothing.
        let no_cert = metadata::document("https://x", &[], &"https://x/sso".repeat(40), None);
        let (status, body) = iam(vec![
            ("Action", "UpdateSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
            ("SAMLMetadataDocument", no_cert),
        ])
        .await;
        assert_eq!((status, error_code(&body).as_str()), (400, "InvalidInput"));
        assert!(body.contains("no signing certificate"), "{body}");

        let (status, body) = iam(vec![
            ("Action", "TagSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
            ("Tags.member.1.Key", "stsgate:allow-assertion-reuse".into()),
            ("Tags.member.1.Value", "true".into()),
        ])
        .await;
        assert_eq!(status, 200, "{body}");
        let stored = server.state.store.get_saml_provider(&arn).await.unwrap();
        assert!(stored.unwrap().allow_reuse);

        let (status, body) = iam(vec![
            ("Action", "TagSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
            ("Tags.member.1.Key", "stsgate:allow-sha1".into()),
            ("Tags.member.1.Value", "maybe".into()),
        ])
        .await;
        assert_eq!((status, error_code(&body).as_str()), (400, "InvalidInput"));
        assert!(
            body.contains("stsgate:allow-sha1 must be true or false"),
            "{body}"
        );

        let (status, body) = iam(vec![
            ("Action", "ListSAMLProviderTags".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
        ])
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<Key>team</Key>"), "{body}");
        assert!(
            body.contains("<Key>stsgate:allow-assertion-reuse</Key>"),
            "{body}"
        );
        assert!(!body.contains("allow-sha1"), "{body}");

        let (status, body) = iam(vec![
            ("Action", "UntagSAMLProvider".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", arn.clone()),
            ("TagKeys.member.1", "stsgate:allow-assertion-reuse".into()),
        ])
        .await;
        assert_eq!(status, 200, "{body}");
        let stored = server.state.store.get_saml_provider(&arn).await.unwrap();
        assert!(!stored.unwrap().allow_reuse);

        let missing = format!("{}Nope", arn.trim_end_matches("MyIdP"));
        let (status, body) = iam(vec![
            ("Action", "ListSAMLProviderTags".into()),
            ("Version", "2010-05-08".into()),
            ("SAMLProviderArn", missing),
        ])
        .await;
        assert_eq!((status, error_code(&body).as_str()), (404, "NoSuchEntity"));
        server.stop().await;
        db.cleanup().await;
    }
}
