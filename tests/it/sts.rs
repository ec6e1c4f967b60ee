//! End-to-end STS: the real aws-sdk-sts crate exchanges a mock-IdP token with
//! AssumeRoleWithWebIdentity and calls GetCallerIdentity with the result, on
//! every store backend; plus the response fields and failure modes.

use serde_json::json;

use crate::harness::{ACCOUNT, Creds, TestIdp, TestServer, error_code, xml_field};
use crate::support::{TestDb, backends};

/// Register `idp` as an OIDC provider and create role `web` trusting it with an
/// audience condition, an inline policy allowing iam:GetRole and iam:ListRoles.
pub async fn setup_web_role(server: &TestServer, idp: &TestIdp) -> String {
    let admin = server.admin_creds();
    let (status, body) = server
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "CreateOpenIDConnectProvider"),
                ("Version", "2010-05-08"),
                ("Url", &idp.issuer),
                ("ClientIDList.member.1", "demo-app"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let host = idp.issuer.trim_start_matches("http://");
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{host}:aud"): "demo-app"}}
        }]
    })
    .to_string();
    let (status, body) = server
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "web"),
                ("Path", "/apps/"),
                ("AssumeRolePolicyDocument", &trust),
                ("MaxSessionDuration", "7200"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}]
    })
    .to_string();
    let (status, body) = server
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "PutRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", "web"),
                ("PolicyName", "read-roles"),
                ("PolicyDocument", &policy),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    format!("arn:aws:iam::{ACCOUNT}:role/apps/web")
}

async fn with_server<F, Fut>(f: F)
where
    F: Fn(TestServer, TestIdp, String) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let idp = TestIdp::start().await;
        let role = setup_web_role(&server, &idp).await;
        f(server, idp, role).await;
        db.cleanup().await;
    }
}

fn web_params<'a>(role: &'a str, token: &'a str, session: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role),
        ("RoleSessionName", session),
        ("WebIdentityToken", token),
    ]
}

#[tokio::test]
async fn sdk_web_identity_then_caller_identity_on_every_backend() {
    with_server(|server, idp, role| async move {
        let token = idp.mint(json!({"sub": "user-123456", "aud": "demo-app"}));
        let out = server
            .sts(None)
            .assume_role_with_web_identity()
            .role_arn(&role)
            .role_session_name("alice")
            .web_identity_token(token)
            .send()
            .await
            .expect("assume");
        let c = out.credentials().expect("credentials");
        assert!(c.access_key_id().starts_with("ASIA") && c.access_key_id().len() == 20);
        assert_eq!(c.secret_access_key().len(), 40);
        assert_eq!(out.subject_from_web_identity_token(), Some("user-123456"));
        assert_eq!(out.audience(), Some("demo-app"));
        let host = idp.issuer.trim_start_matches("http://");
        assert_eq!(
            out.provider(),
            Some(format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}").as_str())
        );
        let aru = out.assumed_role_user().unwrap();
        assert_eq!(
            aru.arn(),
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/alice")
        );
        assert!(
            aru.assumed_role_id().starts_with("AROA") && aru.assumed_role_id().ends_with(":alice")
        );

        let creds = Creds {
            akid: c.access_key_id().into(),
            secret: c.secret_access_key().into(),
            token: Some(c.session_token().into()),
        };
        let me = server
            .sts(Some(&creds))
            .get_caller_identity()
            .send()
            .await
            .expect("caller identity");
        assert_eq!(
            me.arn(),
            Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/alice").as_str())
        );
        assert_eq!(me.account(), Some(ACCOUNT));
        assert_eq!(me.user_id(), Some(aru.assumed_role_id()));
        server.stop().await;
        idp.stop().await;
    })
    .await;
}

#[tokio::test]
async fn response_fields_timestamps_and_packed_size() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let token = idp.mint(json!({"sub": "subject-1"}));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#;
    let mut p = web_params(&role, &token, "s1");
    p.push(("Policy", policy));
    p.push(("DurationSeconds", "900"));
    let (status, body) = server.post(&p).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    ));
    let exp = xml_field(&body, "Expiration").unwrap();
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
    let expires = stsgate::core::time::parse_iso8601(&exp).unwrap();
    let now = server.state.now();
    assert!(
        (expires - now - 900).abs() <= 5,
        "expiry {expires} vs now {now}"
    );
    let packed: u32 = xml_field(&body, "PackedPolicySize")
        .unwrap()
        .parse()
        .unwrap();
    assert!(packed > 0 && packed <= 100);
    assert_eq!(
        xml_field(&body, "SubjectFromWebIdentityToken").as_deref(),
        Some("subject-1")
    );
    assert!(xml_field(&body, "RequestId").is_some());
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn session_policy_narrows_role_permissions() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let token = idp.mint(json!({}));
    // The role allows GetRole and ListRoles; the session policy only ListRoles
    // and, being a session policy, tries to widen to CreateRole too.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListRoles","iam:CreateRole"],"Resource":"*"}]}"#;
    let mut p = web_params(&role, &token, "narrow");
    p.push(("Policy", policy));
    let (status, body) = server.post(&p).await;
    assert_eq!(status, 200, "{body}");
    let creds = Creds {
        akid: xml_field(&body, "AccessKeyId").unwrap(),
        secret: xml_field(&body, "SecretAccessKey").unwrap(),
        token: Some(xml_field(&body, "SessionToken").unwrap()),
    };
    let (status, body) = server
        .signed(
            &creds,
            "iam",
            &[("Action", "ListRoles"), ("Version", "2010-05-08")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server
        .signed(
            &creds,
            "iam",
            &[
                ("Action", "GetRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "web"),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "AccessDenied");
    assert!(
        body.contains("because no session policy allows the iam:GetRole action"),
        "{body}"
    );
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let (status, body) = server
        .signed(
            &creds,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "x"),
                ("AssumeRolePolicyDocument", trust),
            ],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("because no identity-based policy allows the iam:CreateRole action"),
        "{body}"
    );
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn expired_and_tampered_session_credentials() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let token = idp.mint(json!({}));
    let mut p = web_params(&role, &token, "short");
    p.push(("DurationSeconds", "900"));
    let (_, body) = server.post(&p).await;
    let creds = Creds {
        akid: xml_field(&body, "AccessKeyId").unwrap(),
        secret: xml_field(&body, "SecretAccessKey").unwrap(),
        token: Some(xml_field(&body, "SessionToken").unwrap()),
    };
    let gci = [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")];
    let (status, _) = server.signed(&creds, "sts", &gci).await;
    assert_eq!(status, 200);

    let mut tampered = creds.clone();
    let t = tampered.token.take().unwrap();
    let mut chars: Vec<char> = t.chars().collect();
    let i = chars.len() / 2;
    chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
    tampered.token = Some(chars.into_iter().collect());
    let (status, body) = server.signed(&tampered, "sts", &gci).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "InvalidClientTokenId"),
        "{body}"
    );

    let mut other_key = creds.clone();
    other_key.akid = "ASIAAAAAAAAAAAAAAAAA".into();
    let (status, body) = server.signed(&other_key, "sts", &gci).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "InvalidClientTokenId"),
        "{body}"
    );

    // Fifteen minutes and a second later the session is over; sign "now" by
    // the server's moved clock so only expiry can fail.
    server.state.clock.advance(901);
    let at = std::time::SystemTime::now() + std::time::Duration::from_secs(901);
    let (status, body) = server.signed_at(&creds, "sts", &gci, at).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "ExpiredToken"),
        "{body}"
    );
    assert!(body.contains("The security token included in the request is expired"));
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn trust_policy_and_token_failures() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let count_roles = || async {
        let (_, body) = server
            .signed(
                &server.admin_creds(),
                "iam",
                &[("Action", "ListRoles"), ("Version", "2010-05-08")],
            )
            .await;
        body.matches("<RoleName>").count()
    };
    let before = count_roles().await;

    // Audience not registered for the provider.
    let t = idp.mint(json!({"aud": "other-app"}));
    let (status, body) = server.post(&web_params(&role, &t, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidIdentityToken"),
        "{body}"
    );

    // Unknown issuer.
    let t = idp.mint(json!({"iss": "https://unknown.example.com"}));
    let (status, body) = server.post(&web_params(&role, &t, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidIdentityToken"),
        "{body}"
    );
    assert!(body.contains(
        "No OpenIDConnect provider found in your account for https://unknown.example.com"
    ));

    // Expired token.
    let now = server.state.now();
    let t = idp.mint(json!({"iat": now - 7200, "exp": now - 3600}));
    let (status, body) = server.post(&web_params(&role, &t, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "ExpiredTokenException"),
        "{body}"
    );

    // Garbage.
    let (status, body) = server.post(&web_params(&role, "not.a.jwt", "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidIdentityToken"),
        "{body}"
    );

    // Unknown role, and a role whose trust policy does not name this provider.
    let t = idp.mint(json!({}));
    let missing = format!("arn:aws:iam::{ACCOUNT}:role/apps/missing");
    let (status, body) = server.post(&web_params(&missing, &t, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "AccessDenied"),
        "{body}"
    );
    let wrong_path = format!("arn:aws:iam::{ACCOUNT}:role/web");
    let (status, body) = server.post(&web_params(&wrong_path, &t, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "AccessDenied"),
        "{body}"
    );

    // DurationSeconds over the role's MaxSessionDuration (7200).
    let mut p = web_params(&role, &t, "ss");
    p.push(("DurationSeconds", "7201"));
    let (status, body) = server.post(&p).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "ValidationError"),
        "{body}"
    );
    assert!(body.contains("exceeds the MaxSessionDuration"));

    // Malformed session policy.
    let mut p = web_params(&role, &t, "ss");
    p.push(("Policy", "{\"Version\":\"2012-10-17\",\"Statement\":["));
    let (status, body) = server.post(&p).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "MalformedPolicyDocument"),
        "{body}"
    );

    // Missing and bad parameters, all reported at once.
    let (status, body) = server
        .post(&[
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleSessionName", "x"),
        ])
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "ValidationError"),
        "{body}"
    );
    assert!(body.contains("3 validation errors detected"), "{body}");
    assert!(
        body.contains("'roleArn'")
            && body.contains("'webIdentityToken'")
            && body.contains("'roleSessionName'")
    );

    assert_eq!(count_roles().await, before, "failed calls must not write");
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn google_tokens_need_no_iam_provider() {
    let db = TestDb::sqlite().await;
    let idp = TestIdp::start().await;
    let discovery = format!("{}/.well-known/openid-configuration", idp.issuer);
    let server = TestServer::start(&db, |s| s.oidc.google_discovery_url = discovery.clone()).await;
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"accounts.google.com:aud": "web-client.apps.googleusercontent.com",
                                           "accounts.google.com:oaud": "android-client"}}
        }]
    })
    .to_string();
    let (status, body) = server
        .signed(
            &server.admin_creds(),
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "google"),
                ("AssumeRolePolicyDocument", &trust),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let role = format!("arn:aws:iam::{ACCOUNT}:role/google");
    let t = idp.mint(
        json!({"iss": "https://accounts.google.com", "aud": "android-client",
                            "azp": "web-client.apps.googleusercontent.com", "sub": "1234567890"}),
    );
    let (status, body) = server.post(&web_params(&role, &t, "gg")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        xml_field(&body, "Audience").as_deref(),
        Some("web-client.apps.googleusercontent.com")
    );
    assert_eq!(
        xml_field(&body, "Provider").as_deref(),
        Some("accounts.google.com")
    );
    // Same token shape but a different azp fails the trust condition.
    let t = idp.mint(
        json!({"iss": "https://accounts.google.com", "aud": "android-client", "azp": "evil"}),
    );
    let (status, body) = server.post(&web_params(&role, &t, "gg")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "AccessDenied"),
        "{body}"
    );
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn provider_url_with_port_and_path_keys_the_trust_policy() {
    // The mock issuer already has a port; give it a path too by mounting it
    // under the stsgate server itself, as --demo does.
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let host = idp.issuer.trim_start_matches("http://").to_string();
    assert!(host.contains(':'), "issuer should carry a port: {host}");
    let role = setup_web_role(&server, &idp).await;
    // Condition on the port-carrying key prefix `host:port:sub`.
    let trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{host}:sub"): "only-me"}}
        }]
    })
    .to_string();
    let (status, body) = server
        .signed(
            &server.admin_creds(),
            "iam",
            &[
                ("Action", "UpdateAssumeRolePolicy"),
                ("Version", "2010-05-08"),
                ("RoleName", "web"),
                ("PolicyDocument", &trust),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let ok = idp.mint(json!({"sub": "only-me"}));
    let (status, body) = server.post(&web_params(&role, &ok, "ss")).await;
    assert_eq!(status, 200, "{body}");
    let other = idp.mint(json!({"sub": "someone-else"}));
    let (status, body) = server.post(&web_params(&role, &other, "ss")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (403, "AccessDenied"),
        "{body}"
    );
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

/// Register a self-signed https issuer with the thumbprint `pick` chooses
/// (given the certificate's real one) and a role trusting it; try a token.
async fn exchange_over_https(pick: impl Fn(&str) -> String) -> (u16, String) {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |s| s.oidc.allow_http_issuers = false).await;
    let (idp, thumbprint) = TestIdp::start_tls().await;
    let host = idp.issuer.trim_start_matches("https://").to_string();
    let admin = server.admin_creds();
    let (status, body) = server
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "CreateOpenIDConnectProvider"),
                ("Version", "2010-05-08"),
                ("Url", &idp.issuer),
                ("ClientIDList.member.1", "demo-app"),
                ("ThumbprintList.member.1", &pick(&thumbprint)),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
        "Action": "sts:AssumeRoleWithWebIdentity"}]})
    .to_string();
    let (status, body) = server
        .signed(
            &admin,
            "iam",
            &[
                ("Action", "CreateRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "tls"),
                ("AssumeRolePolicyDocument", &trust),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let role = format!("arn:aws:iam::{ACCOUNT}:role/tls");
    let out = server
        .post(&web_params(&role, &idp.mint(json!({})), "tls-session"))
        .await;
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
    out
}

#[tokio::test]
async fn self_signed_https_idp_is_trusted_through_its_thumbprint() {
    let (status, body) = exchange_over_https(|real| real.to_uppercase()).await;
    assert_eq!(status, 200, "{body}");
    assert!(xml_field(&body, "AccessKeyId").unwrap().starts_with("ASIA"));

    let (status, body) = exchange_over_https(|_| "0".repeat(40)).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "InvalidIdentityToken"),
        "{body}"
    );
    assert!(body.contains("thumbprint"), "{body}");
}

#[tokio::test]
async fn every_hostile_token_is_refused_end_to_end() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    for (kind, defect) in stsgate::mock_idp::HOSTILE_KINDS {
        let (token, _) = idp
            .idp
            .mint_hostile(kind, json!({}), TestIdp::now())
            .unwrap();
        let (status, body) = server.post(&web_params(&role, &token, "attacker")).await;
        let code = error_code(&body);
        let expected = if *kind == "expired" {
            "ExpiredTokenException"
        } else if *kind == "oversized" {
            "ValidationError"
        } else {
            "InvalidIdentityToken"
        };
        assert_eq!(
            (status, code.as_str()),
            (400, expected),
            "{kind} ({defect}): {body}"
        );
    }
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn unreachable_idp_is_an_idp_communication_error() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let issuer = format!("http://{closed}");
    let (status, body) = server
        .signed(
            &server.admin_creds(),
            "iam",
            &[
                ("Action", "CreateOpenIDConnectProvider"),
                ("Version", "2010-05-08"),
                ("Url", &issuer),
                ("ClientIDList.member.1", "demo-app"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let role = setup_web_role(&server, &idp).await;
    let token = idp.mint(json!({"iss": issuer}));
    let (status, body) = server.post(&web_params(&role, &token, "nobody-home")).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "IDPCommunicationError"),
        "{body}"
    );
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn role_resources_are_judged_with_their_path() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let token = idp.mint(json!({}));
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::{ACCOUNT}:role/apps/*"}}]}}"#
    );
    let mut p = web_params(&role, &token, "by-path");
    p.push(("Policy", &policy));
    let (status, body) = server.post(&p).await;
    assert_eq!(status, 200, "{body}");
    let creds = Creds {
        akid: xml_field(&body, "AccessKeyId").unwrap(),
        secret: xml_field(&body, "SecretAccessKey").unwrap(),
        token: Some(xml_field(&body, "SessionToken").unwrap()),
    };
    // `web` lives at /apps/, so the session policy's path pattern matches it.
    let (status, body) = server
        .signed(
            &creds,
            "iam",
            &[
                ("Action", "GetRole"),
                ("Version", "2010-05-08"),
                ("RoleName", "web"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}
