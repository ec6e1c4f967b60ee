//! IAM scenarios over HTTP: roles, role inline policies, OIDC providers.
//! Each takes a running server's base URL and the bootstrap administrator's
//! keys, so any harness (SQLite, PostgreSQL) can run them once it starts a
//! server with a real store.

use std::time::{SystemTime, UNIX_EPOCH};

use stsgate::core::sigv4::sign_headers;

/// Signs and sends IAM Query requests as one caller.
pub struct IamClient {
    pub base_url: String,
    pub access_key_id: String,
    pub secret: String,
    http: reqwest::Client,
}

/// One answer: HTTP status and body.
pub struct Reply {
    pub status: u16,
    pub body: String,
}

impl Reply {
    /// The text of the first `<tag>` element.
    pub fn text(&self, tag: &str) -> Option<String> {
        let open = format!("<{tag}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{tag}>"))? + start;
        Some(self.body[start..end].to_string())
    }

    pub fn code(&self) -> Option<String> {
        self.text("Code")
    }

    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.status, 200, "{}", self.body);
        self
    }

    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.code().as_deref(), Some(code), "{}", self.body);
        self
    }
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl IamClient {
    pub fn new(base_url: &str, access_key_id: &str, secret: &str) -> IamClient {
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map(|b| {
            b.with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        })
        .unwrap();
        IamClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            access_key_id: access_key_id.to_string(),
            secret: secret.to_string(),
            http: reqwest::Client::builder()
                .use_preconfigured_tls(tls)
                .build()
                .unwrap(),
        }
    }

    pub async fn call(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        let mut body = format!("Action={action}&Version=2010-05-08");
        for (k, v) in params {
            body.push('&');
            body.push_str(&form_encode(k));
            body.push('=');
            body.push_str(&form_encode(v));
        }
        let host = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, h)| h)
            .to_string();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let signed = sign_headers(
            "POST",
            "/",
            "",
            &[("host", &host), ("content-type", content_type)],
            body.as_bytes(),
            &self.access_key_id,
            &self.secret,
            None,
            "us-east-1",
            "iam",
            now,
        );
        let mut req = self
            .http
            .post(format!("{}/", self.base_url))
            .header("content-type", content_type)
            .body(body);
        for (k, v) in signed {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        Reply {
            status,
            body: resp.text().await.unwrap(),
        }
    }
}

pub const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;
pub const PERMS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// Create, read, list, update, tag and delete a role; its inline policies
/// block deletion until removed.
pub async fn role_lifecycle(c: &IamClient) {
    let r = c
        .call(
            "CreateRole",
            &[
                ("RoleName", "it-app"),
                ("Path", "/it/"),
                ("AssumeRolePolicyDocument", TRUST),
                ("Description", "integration"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "a"),
            ],
        )
        .await;
    r.assert_ok();
    assert!(r.body.starts_with("<CreateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateRoleResult><Role><Path>/it/</Path><RoleName>it-app</RoleName><RoleId>AROA"), "{}", r.body);
    assert!(r.text("Arn").unwrap().ends_with(":role/it/it-app"));
    assert!(
        r.text("AssumeRolePolicyDocument")
            .unwrap()
            .starts_with("%7B%22Version%22%3A%222012-10-17%22")
    );

    c.call(
        "CreateRole",
        &[("RoleName", "IT-APP"), ("AssumeRolePolicyDocument", TRUST)],
    )
    .await
    .assert_error(409, "EntityAlreadyExists");

    let r = c.call("GetRole", &[("RoleName", "it-app")]).await;
    r.assert_ok();
    assert_eq!(r.text("Description").as_deref(), Some("integration"));
    assert_eq!(r.text("MaxSessionDuration").as_deref(), Some("3600"));
    assert_eq!(r.text("Key").as_deref(), Some("team"));

    c.call(
        "UpdateRole",
        &[("RoleName", "it-app"), ("MaxSessionDuration", "7200")],
    )
    .await
    .assert_ok();
    let r = c.call("GetRole", &[("RoleName", "it-app")]).await;
    assert_eq!(r.text("MaxSessionDuration").as_deref(), Some("7200"));

    let r = c.call("ListRoles", &[("PathPrefix", "/it/")]).await;
    r.assert_ok();
    assert!(r.body.contains("<RoleName>it-app</RoleName>"));
    assert!(
        !r.body.contains("<Tags>"),
        "ListRoles omits tags: {}",
        r.body
    );

    c.call(
        "PutRolePolicy",
        &[
            ("RoleName", "it-app"),
            ("PolicyName", "read"),
            ("PolicyDocument", PERMS),
        ],
    )
    .await
    .assert_ok();
    let r = c
        .call(
            "GetRolePolicy",
            &[("RoleName", "it-app"), ("PolicyName", "read")],
        )
        .await;
    r.assert_ok();
    assert!(
        r.text("PolicyDocument")
            .unwrap()
            .starts_with("%7B%22Version%22")
    );
    let r = c.call("ListRolePolicies", &[("RoleName", "it-app")]).await;
    assert!(
        r.body.contains(
            "<PolicyNames><member>read</member></PolicyNames><IsTruncated>false</IsTruncated>"
        ),
        "{}",
        r.body
    );

    c.call("DeleteRole", &[("RoleName", "it-app")])
        .await
        .assert_error(409, "DeleteConflict");
    c.call(
        "DeleteRolePolicy",
        &[("RoleName", "it-app"), ("PolicyName", "read")],
    )
    .await
    .assert_ok();
    c.call(
        "GetRolePolicy",
        &[("RoleName", "it-app"), ("PolicyName", "read")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    c.call("DeleteRole", &[("RoleName", "it-app")])
        .await
        .assert_ok();
    let r = c.call("GetRole", &[("RoleName", "it-app")]).await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("The role with name it-app cannot be found.")
    );
}

/// Bad input gets the exact AWS codes.
pub async fn role_validation(c: &IamClient) {
    let r = c
        .call("CreateRole", &[("AssumeRolePolicyDocument", TRUST)])
        .await;
    r.assert_error(400, "ValidationError");
    assert!(
        r.text("Message")
            .unwrap()
            .contains("Value null at 'roleName'")
    );
    c.call(
        "CreateRole",
        &[("RoleName", "x"), ("AssumeRolePolicyDocument", "{")],
    )
    .await
    .assert_error(400, "MalformedPolicyDocument");
    c.call(
        "CreateRole",
        &[
            ("RoleName", "x"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Tags.member.1.Key", "aws:reserved"),
            ("Tags.member.1.Value", "v"),
        ],
    )
    .await
    .assert_error(400, "InvalidInput");
}

/// Pages of one role walk the whole list exactly once.
pub async fn role_pagination(c: &IamClient) {
    for n in ["it-p1", "it-p2", "it-p3"] {
        c.call(
            "CreateRole",
            &[
                ("RoleName", n),
                ("Path", "/page/"),
                ("AssumeRolePolicyDocument", TRUST),
            ],
        )
        .await
        .assert_ok();
    }
    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut params = vec![("PathPrefix", "/page/"), ("MaxItems", "1")];
        if let Some(m) = &marker {
            params.push(("Marker", m.as_str()));
        }
        let r = c.call("ListRoles", &params).await;
        r.assert_ok();
        names.push(r.text("RoleName").unwrap());
        match r.text("IsTruncated").as_deref() {
            Some("true") => marker = Some(r.text("Marker").unwrap()),
            _ => break,
        }
    }
    assert_eq!(names, vec!["it-p1", "it-p2", "it-p3"]);
    for n in ["it-p1", "it-p2", "it-p3"] {
        c.call("DeleteRole", &[("RoleName", n)]).await.assert_ok();
    }
}

/// Register, inspect, amend and remove an OIDC provider.
pub async fn oidc_provider_lifecycle(c: &IamClient) {
    let url = "https://idp.example.com:8443/realms/it";
    let r = c
        .call(
            "CreateOpenIDConnectProvider",
            &[
                ("Url", url),
                ("ClientIDList.member.1", "app"),
                (
                    "ThumbprintList.member.1",
                    "9e99a48a9960b14926bb7f3b02e22da2b0ab7280",
                ),
            ],
        )
        .await;
    r.assert_ok();
    let arn = r.text("OpenIDConnectProviderArn").unwrap();
    assert!(
        arn.ends_with(":oidc-provider/idp.example.com:8443/realms/it"),
        "{arn}"
    );

    c.call(
        "CreateOpenIDConnectProvider",
        &[("Url", "https://idp.example.com:8443/realms/it/")],
    )
    .await
    .assert_error(409, "EntityAlreadyExists");
    c.call(
        "CreateOpenIDConnectProvider",
        &[("Url", "ftp://idp.example.com")],
    )
    .await
    .assert_error(400, "InvalidInput");

    let a = [("OpenIDConnectProviderArn", arn.as_str())];
    c.call(
        "AddClientIDToOpenIDConnectProvider",
        &[a[0], ("ClientID", "app")],
    )
    .await
    .assert_ok();
    c.call(
        "AddClientIDToOpenIDConnectProvider",
        &[a[0], ("ClientID", "cli")],
    )
    .await
    .assert_ok();
    c.call(
        "RemoveClientIDFromOpenIDConnectProvider",
        &[a[0], ("ClientID", "app")],
    )
    .await
    .assert_ok();
    c.call(
        "UpdateOpenIDConnectProviderThumbprint",
        &[a[0], ("ThumbprintList.member.1", &"a".repeat(40))],
    )
    .await
    .assert_ok();
    let r = c.call("GetOpenIDConnectProvider", &a).await;
    r.assert_ok();
    assert_eq!(
        r.text("Url").as_deref(),
        Some("idp.example.com:8443/realms/it")
    );
    assert!(
        r.body
            .contains("<ClientIDList><member>cli</member></ClientIDList>"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!(
        "<ThumbprintList><member>{}</member></ThumbprintList>",
        "a".repeat(40)
    )));

    let r = c.call("ListOpenIDConnectProviders", &[]).await;
    assert!(r.body.contains(&format!("<Arn>{arn}</Arn>")));

    c.call("DeleteOpenIDConnectProvider", &a).await.assert_ok();
    c.call("GetOpenIDConnectProvider", &a)
        .await
        .assert_error(404, "NoSuchEntity");
    c.call(
        "GetOpenIDConnectProvider",
        &[(
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:role/nope",
        )],
    )
    .await
    .assert_error(400, "InvalidInput");
}

async fn on_every_backend<F, Fut>(tweak: fn(&mut stsgate::config::Settings), scenario: F)
where
    F: Fn(IamClient) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in crate::support::backends().await {
        let server = crate::harness::TestServer::start(&db, tweak).await;
        let admin = server.admin_creds();
        scenario(IamClient::new(&server.base, &admin.akid, &admin.secret)).await;
        server.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn roles_on_every_backend() {
    on_every_backend(
        |_| {},
        |c| async move {
            role_lifecycle(&c).await;
            role_validation(&c).await;
            role_pagination(&c).await;
        },
    )
    .await;
}

#[tokio::test]
async fn oidc_providers_on_every_backend() {
    on_every_backend(|_| {}, |c| async move { oidc_provider_lifecycle(&c).await }).await;
}

#[tokio::test]
async fn roles_per_account_quota_is_a_setting() {
    on_every_backend(
        |s| s.max_roles_per_account = 2,
        |c| async move {
            for name in ["q1", "q2"] {
                c.call(
                    "CreateRole",
                    &[("RoleName", name), ("AssumeRolePolicyDocument", TRUST)],
                )
                .await
                .assert_ok();
            }
            let r = c
                .call(
                    "CreateRole",
                    &[("RoleName", "q3"), ("AssumeRolePolicyDocument", TRUST)],
                )
                .await;
            r.assert_error(409, "LimitExceeded");
            assert!(r.body.contains("RolesPerAccount: 2"), "{}", r.body);
        },
    )
    .await;
}

#[tokio::test]
async fn default_role_quota_is_500() {
    assert_eq!(
        stsgate::config::Settings::default().max_roles_per_account,
        500
    );
}
