//! SAML providers over HTTP and the replay cache, on every backend.

use base64::Engine;
use stsgate::core::saml::metadata;
use stsgate::store::SamlStore;

use crate::harness::{TestServer, error_code, xml_field};

fn cert_b64() -> String {
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
