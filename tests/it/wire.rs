//! The wire edge: error envelopes for bad input, SigV4 failures over HTTP,
//! body limits, presigned GET, health.

use std::time::{Duration, SystemTime};

use crate::harness::{ACCOUNT, Creds, TestServer, error_code, http_client, xml_field};
use crate::support::TestDb;

const GCI: [(&str, &str); 2] = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];

#[tokio::test]
async fn bad_requests_get_aws_error_envelopes() {
    let db = TestDb::sqlite().await;
    let s = TestServer::start(&db, |_| {}).await;

    let (status, body) = s
        .post(&[("Action", "Frobnicate"), ("Version", "2011-06-15")])
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidAction"),
        "{body}"
    );
    assert!(body.contains("Could not find operation Frobnicate for version 2011-06-15"));

    let (status, body) = s
        .post(&[("Action", "GetCallerIdentity"), ("Version", "2011-06-14")])
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidAction"),
        "{body}"
    );

    let (status, body) = s.post(&[("Version", "2011-06-15")]).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "MissingAction"),
        "{body}"
    );

    let (status, body) = s
        .post_raw(b"Action=GetCallerIdentity&Version=2011-06-15&Action=GetCallerIdentity".to_vec())
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "ValidationError"),
        "{body}"
    );

    let (status, body) = s
        .post_raw(b"Action=GetCallerIdentity&Version=2011-06-15&X=%ff%fe".to_vec())
        .await;
    assert_eq!(error_code(&body), "MalformedQueryString", "{body}");
    assert_eq!(status, 404);

    // Garbage bytes where the form should be.
    let (status, body) = s.post_raw(vec![0xff, 0x00, 0x13, 0x37]).await;
    assert_eq!(error_code(&body), "MalformedQueryString", "{body}");
    assert!(status < 500);

    // Unsigned call to a signed action.
    let (status, body) = s.post(&GCI).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "MissingAuthenticationToken"),
        "{body}"
    );
    assert!(body.contains("<Type>Sender</Type>"));
    assert!(
        body.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
    );

    s.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn body_limit_refuses_oversized_but_fits_saml_sized_requests() {
    let db = TestDb::sqlite().await;
    let s = TestServer::start(&db, |_| {}).await;
    // A 100,000-character base64 assertion, form-encoded (+, /, = escaped).
    let assertion = "ab+/".repeat(25_000);
    let (status, body) = s
        .post(&[
            ("Action", "AssumeRoleWithSAML"),
            ("Version", "2011-06-15"),
            ("RoleArn", "arn:aws:iam::123456789012:role/r"),
            ("PrincipalArn", "arn:aws:iam::123456789012:saml-provider/p"),
            ("SAMLAssertion", &assertion),
        ])
        .await;
    assert_ne!(error_code(&body), "RequestEntityTooLarge", "{body}");
    assert!(status < 500);
    let huge = format!(
        "Action=GetCallerIdentity&Version=2011-06-15&Pad={}",
        "a".repeat(2 * 1024 * 1024)
    );
    let (status, body) = s.post_raw(huge.into_bytes()).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (413, "RequestEntityTooLarge"),
        "{body}"
    );
    s.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn sigv4_outcomes_over_http() {
    let db = TestDb::sqlite().await;
    let s = TestServer::start(&db, |_| {}).await;
    let admin = s.admin_creds();

    let (status, body) = s.signed(&admin, "sts", &GCI).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        xml_field(&body, "Arn").unwrap(),
        format!("arn:aws:iam::{ACCOUNT}:user/admin")
    );
    assert!(xml_field(&body, "UserId").unwrap().starts_with("AIDA"));
    assert_eq!(xml_field(&body, "Account").unwrap(), ACCOUNT);

    // Any region, either service name.
    let (status, body) = s.signed(&admin, "iam", &GCI).await;
    assert_eq!(status, 200, "{body}");

    let wrong_secret = Creds {
        secret: "x".repeat(40),
        ..admin.clone()
    };
    let (status, body) = s.signed(&wrong_secret, "sts", &GCI).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "SignatureDoesNotMatch"),
        "{body}"
    );

    let unknown = Creds {
        akid: "AKIAAAAAAAAAAAAAAAAA".into(),
        ..admin.clone()
    };
    let (status, body) = s.signed(&unknown, "sts", &GCI).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "InvalidClientTokenId"),
        "{body}"
    );

    let past = SystemTime::now() - Duration::from_secs(20 * 60);
    let (status, body) = s.signed_at(&admin, "sts", &GCI, past).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "SignatureDoesNotMatch"),
        "{body}"
    );
    assert!(
        body.contains("Signature expired:") && body.contains("- 15 min.)"),
        "{body}"
    );

    let future = SystemTime::now() + Duration::from_secs(20 * 60);
    let (status, body) = s.signed_at(&admin, "sts", &GCI, future).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "SignatureDoesNotMatch"),
        "{body}"
    );
    assert!(
        body.contains("Signature not yet current:") && body.contains("+ 15 min.)"),
        "{body}"
    );

    let resp = http_client()
        .post(format!("{}/", s.base))
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIA/20260101/us-east-1/sts/aws4_request",
        )
        .header("x-amz-date", "20260101T000000Z")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let rid = resp
        .headers()
        .get("x-amzn-requestid")
        .map(|v| v.to_str().unwrap().to_string());
    let body = resp.text().await.unwrap();
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "IncompleteSignature"),
        "{body}"
    );
    assert_eq!(
        rid,
        xml_field(&body, "RequestId"),
        "header and body request ids agree"
    );

    s.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn presigned_get_is_accepted() {
    use aws_sigv4::http_request::{
        SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
    };
    use aws_sigv4::sign::v4::SigningParams;
    let db = TestDb::sqlite().await;
    let s = TestServer::start(&db, |_| {}).await;
    let admin = s.admin_creds();
    let url = format!("{}/?Action=GetCallerIdentity&Version=2011-06-15", s.base);
    let host = s.base.trim_start_matches("http://").to_string();
    let c = aws_credential_types::Credentials::new(&admin.akid, &admin.secret, None, None, "t");
    let identity: aws_smithy_runtime_api::client::identity::Identity = c.into();
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(300));
    let params = SigningParams::builder()
        .identity(&identity)
        .region("eu-west-1")
        .name("sts")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let req = SignableRequest::new(
        "GET",
        &url,
        [("host", host.as_str())].into_iter(),
        SignableBody::Bytes(b""),
    )
    .unwrap();
    let (instructions, _) = sign(req, &params).unwrap().into_parts();
    let mut full = url.clone();
    for (k, v) in instructions.params() {
        const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        full.push_str(&format!(
            "&{k}={}",
            percent_encoding::utf8_percent_encode(v, UNRESERVED)
        ));
    }
    let resp = http_client().get(&full).send().await.unwrap();
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(xml_field(&body, "Account").unwrap(), ACCOUNT);
    s.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn health_and_state_survive_restart() {
    let db = TestDb::sqlite().await;
    let s = TestServer::start(&db, |_| {}).await;
    let resp = http_client()
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let admin = s.admin_creds();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
    let (status, body) = s
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "kept"),
                ("AssumeRolePolicyDocument", trust),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    s.stop().await;

    let s2 = TestServer::start(&db, |_| {}).await;
    let (status, body) = s2
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "GetRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "kept"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(xml_field(&body, "RoleName").as_deref(), Some("kept"));
    s2.stop().await;
    db.cleanup().await;
}
