//! Every hostile SAML Response the mock IdP makes, through the real server's
//! AssumeRoleWithSAML: refused with AWS's code and a message saying why.
//! Replay is refused across two server instances sharing one store.

use serde_json::{Value, json};

use crate::harness::{TestIdp, TestServer, error_code, http_client, xml_field};

/// A SAML provider registered from the mock's `/saml/metadata` and a role
/// that trusts it.
pub struct SamlSetup {
    pub provider: String,
    pub role: String,
}

pub async fn setup(server: &TestServer, idp: &TestIdp, extra_tags: &[(&str, &str)]) -> SamlSetup {
    let admin = server.admin_creds();
    let metadata = http_client()
        .get(format!("{}/saml/metadata", idp.issuer))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut params: Vec<(String, String)> = vec![
        ("Action".into(), "CreateSAMLProvider".into()),
        ("Version".into(), "2010-05-08".into()),
        ("Name".into(), "Mock".into()),
        ("SAMLMetadataDocument".into(), metadata),
    ];
    for (i, (k, v)) in extra_tags.iter().enumerate() {
        params.push((format!("Tags.member.{}.Key", i + 1), k.to_string()));
        params.push((format!("Tags.member.{}.Value", i + 1), v.to_string()));
    }
    let p: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (status, body) = server.signed(&admin, "iam", &p).await;
    assert_eq!(status, 200, "{body}");
    let provider = xml_field(&body, "SAMLProviderArn").unwrap();
    let account = provider.split(':').nth(4).unwrap().to_string();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider}"}},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"]}}]}}"#
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
    SamlSetup {
        role: format!("arn:aws:iam::{account}:role/SamlRole"),
        provider,
    }
}

/// POST to the mock IdP's `path` with `body`; the `saml_response` field.
pub async fn mint(idp: &TestIdp, path: &str, body: Value) -> String {
    let resp = http_client()
        .post(format!("{}{path}", idp.issuer))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let resp: Value = serde_json::from_str(&resp).unwrap();
    resp["saml_response"]
        .as_str()
        .unwrap_or_else(|| panic!("{resp}"))
        .to_string()
}

pub async fn assume(server: &TestServer, s: &SamlSetup, saml: &str) -> (u16, String) {
    server
        .post(&[
            ("Action", "AssumeRoleWithSAML"),
            ("Version", "2011-06-15"),
            ("RoleArn", s.role.as_str()),
            ("PrincipalArn", s.provider.as_str()),
            ("SAMLAssertion", saml),
        ])
        .await
}

fn offer(s: &SamlSetup) -> Value {
    json!({ "roles": [format!("{},{}", s.role, s.provider)], "name_id": "alice@example.org" })
}

#[tokio::test]
async fn every_hostile_response_is_refused_with_its_reason() {
    let db = crate::support::TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let server = TestServer::start(&db, |_| {}).await;
    let s = setup(&server, &idp, &[]).await;

    // The honest one goes through, in every layout.
    for layout in ["plain", "adfs", "keycloak"] {
        let mut body = offer(&s);
        body["layout"] = json!(layout);
        let saml = mint(&idp, "/mint/saml", body).await;
        let (status, body) = assume(&server, &s, &saml).await;
        assert_eq!(status, 200, "{layout}: {body}");
        assert_eq!(xml_field(&body, "Subject").unwrap(), "alice@example.org");
        assert_eq!(
            xml_field(&body, "Issuer").unwrap(),
            format!("{}/saml", idp.issuer)
        );
    }

    let cases: &[(&str, &str, &str)] = &[
        (
            "unsigned",
            "InvalidIdentityToken",
            "the assertion is not signed",
        ),
        (
            "wrap-before",
            "InvalidIdentityToken",
            "more than one Assertion",
        ),
        (
            "wrap-after",
            "InvalidIdentityToken",
            "more than one Assertion",
        ),
        (
            "wrap-extensions",
            "InvalidIdentityToken",
            "more than one Assertion",
        ),
        (
            "wrap-object",
            "InvalidIdentityToken",
            "more than one Assertion",
        ),
        (
            "second-response",
            "InvalidIdentityToken",
            "more than one Assertion",
        ),
        (
            "doctype",
            "InvalidIdentityToken",
            "DOCTYPE declarations are not allowed",
        ),
        (
            "wrong-cert",
            "InvalidIdentityToken",
            "the certificate in KeyInfo is not one of the provider&apos;s signing certificates",
        ),
        ("digest-tamper", "InvalidIdentityToken", "digest mismatch"),
        (
            "signature-tamper",
            "InvalidIdentityToken",
            "signature does not verify with any of the provider",
        ),
        (
            "sha1",
            "InvalidIdentityToken",
            "SHA-1 signatures are not accepted for this provider",
        ),
        (
            "wrong-audience",
            "InvalidIdentityToken",
            "Incorrect token audience",
        ),
        (
            "expired",
            "ExpiredTokenException",
            "redeemed within 5 minutes",
        ),
    ];
    for (kind, code, why) in cases {
        let saml = mint(&idp, &format!("/mint/saml/hostile?kind={kind}"), offer(&s)).await;
        let (status, body) = assume(&server, &s, &saml).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, *code),
            "{kind}: {body}"
        );
        let message = xml_field(&body, "Message").unwrap();
        assert!(
            message.contains(&why.replace("&apos;", "'")),
            "{kind}: {message}"
        );
    }

    // Comment injection: the signature holds and the subject is the whole
    // signed text, not the part before the comment.
    let saml = mint(&idp, "/mint/saml/hostile?kind=comment-injection", offer(&s)).await;
    let (status, body) = assume(&server, &s, &saml).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        xml_field(&body, "Subject").unwrap(),
        "user@evil.com.example.com"
    );
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn provider_tags_allow_sha1_and_reuse() {
    let db = crate::support::TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let server = TestServer::start(&db, |_| {}).await;
    let s = setup(
        &server,
        &idp,
        &[
            ("stsgate:allow-sha1", "true"),
            ("stsgate:allow-assertion-reuse", "true"),
        ],
    )
    .await;
    let saml = mint(&idp, "/mint/saml/hostile?kind=sha1", offer(&s)).await;
    for _ in 0..2 {
        let (status, body) = assume(&server, &s, &saml).await;
        assert_eq!(status, 200, "{body}");
    }
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn replay_is_refused_on_another_node() {
    for db in crate::support::backends().await {
        let idp = TestIdp::start().await;
        let a = TestServer::start(&db, |_| {}).await;
        let b = TestServer::start(&db, |_| {}).await;
        let s = setup(&a, &idp, &[]).await;
        let saml = mint(&idp, "/mint/saml", offer(&s)).await;
        let (status, body) = assume(&a, &s, &saml).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = assume(&b, &s, &saml).await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (400, "InvalidIdentityToken"),
            "{body}"
        );
        assert_eq!(
            xml_field(&body, "Message").unwrap(),
            "Assertion has already been used"
        );
        a.stop().await;
        b.stop().await;
        idp.stop().await;
        db.cleanup().await;
    }
}
