//! An in-process stsgate server on 127.0.0.1:0 with a bootstrapped admin, a
//! mock OIDC provider beside it, and clients that sign requests with the
//! official `aws-sigv4` crate (not our own signer).

use std::net::TcpListener;
use std::sync::Arc;
use std::time::SystemTime;

use actix_web::dev::ServerHandle;
use stsgate::app::AppState;
use stsgate::bootstrap::{BootstrapOutput, bootstrap};
use stsgate::config::Settings;
use stsgate::core::arn::AccountId;
use stsgate::mock_idp::MockIdp;
use stsgate::store::cached::CachedStore;
use stsgate::{http, service};

use crate::support::TestDb;

pub const ACCOUNT: &str = "123456789012";

pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    /// The node's cache, so tests can drive its cross-node invalidation.
    pub cached: Arc<CachedStore>,
    pub admin: BootstrapOutput,
    handle: ServerHandle,
}

/// Temporary or long-term credentials for signing.
#[derive(Clone, Debug)]
pub struct Creds {
    pub akid: String,
    pub secret: String,
    pub token: Option<String>,
}

impl TestServer {
    /// Start a server on `db`; bootstrap the admin unless the store already has one.
    pub async fn start(db: &TestDb, tweak: impl FnOnce(&mut Settings)) -> TestServer {
        let mut settings = Settings {
            data_dir: db.dir.clone(),
            master_key_file: db.dir.join("master.key"),
            database_url: db.url.clone(),
            cache_refresh_ms: 100,
            ..Default::default()
        };
        settings.oidc.allow_http_issuers = true;
        tweak(&mut settings);
        let (state, cached) = service::build_state(settings).await.expect("build state");
        let account = AccountId::parse(ACCOUNT).unwrap();
        let admin = match bootstrap(
            state.store.as_ref(),
            &state.master,
            &account,
            "admin",
            state.now(),
        )
        .await
        {
            Ok(a) => a,
            Err(_) => BootstrapOutput {
                account_id: ACCOUNT.into(),
                user_name: "admin".into(),
                user_arn: format!("arn:aws:iam::{ACCOUNT}:user/admin"),
                access_key_id: String::new(),
                secret_access_key: stsgate::core::secret::Secret::new(""),
            },
        };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = http::run(listener, state.clone(), |_| {}).unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        TestServer {
            base,
            state,
            cached,
            admin,
            handle,
        }
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }

    pub fn admin_creds(&self) -> Creds {
        Creds {
            akid: self.admin.access_key_id.clone(),
            secret: self.admin.secret_access_key.expose().to_string(),
            token: None,
        }
    }

    /// An unsigned form POST.
    pub async fn post(&self, params: &[(&str, &str)]) -> (u16, String) {
        let body = form(params);
        let resp = http_client()
            .post(format!("{}/", self.base))
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// A raw body POST (for malformed input).
    pub async fn post_raw(&self, body: Vec<u8>) -> (u16, String) {
        let resp = http_client()
            .post(format!("{}/", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// A form POST signed with `aws-sigv4` for `service` (`iam` or `sts`).
    pub async fn signed(
        &self,
        creds: &Creds,
        service: &str,
        params: &[(&str, &str)],
    ) -> (u16, String) {
        self.signed_at(creds, service, params, SystemTime::now())
            .await
    }

    pub async fn signed_at(
        &self,
        creds: &Creds,
        service: &str,
        params: &[(&str, &str)],
        at: SystemTime,
    ) -> (u16, String) {
        let body = form(params);
        let url = format!("{}/", self.base);
        let host = self.base.trim_start_matches("http://").to_string();
        let headers = sign(creds, service, &url, &host, body.as_bytes(), at);
        let mut req = http_client().post(&url).body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    }

    /// An aws-sdk-sts client for this server.
    pub fn sts(&self, creds: Option<&Creds>) -> aws_sdk_sts::Client {
        let mut b = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .endpoint_url(&self.base)
            .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled());
        if let Some(c) = creds {
            b = b.credentials_provider(aws_sdk_sts::config::Credentials::new(
                c.akid.clone(),
                c.secret.clone(),
                c.token.clone(),
                None,
                "stsgate-test",
            ));
        }
        aws_sdk_sts::Client::from_conf(b.build())
    }
}

/// A plain HTTP client (reqwest is built without a bundled TLS provider).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::new()
}

pub fn form(params: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn sign(
    creds: &Creds,
    service: &str,
    url: &str,
    host: &str,
    body: &[u8],
    at: SystemTime,
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4::SigningParams;
    let c = aws_credential_types::Credentials::new(
        &creds.akid,
        &creds.secret,
        creds.token.clone(),
        None,
        "test",
    );
    let identity: aws_smithy_runtime_api::client::identity::Identity = c.into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = [
        ("host", host),
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let req = SignableRequest::new(
        "POST",
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .unwrap();
    let (instructions, _) = sign(req, &params).unwrap().into_parts();
    let mut out: Vec<(String, String)> = vec![("content-type".into(), headers[1].1.into())];
    out.extend(
        instructions
            .headers()
            .map(|(a, b)| (a.to_string(), b.to_string())),
    );
    out
}

/// A mock OIDC provider on its own port (plain http).
pub struct TestIdp {
    pub issuer: String,
    pub idp: Arc<MockIdp>,
    handle: ServerHandle,
}

impl TestIdp {
    pub async fn start() -> TestIdp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let idp = Arc::new(MockIdp::new(issuer.clone()).unwrap());
        let server = stsgate::mock_idp::serve(listener, idp.clone(), None)
            .await
            .unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        TestIdp {
            issuer,
            idp,
            handle,
        }
    }

    /// The same provider over https with a fresh self-signed certificate;
    /// returns its SHA-1 thumbprint too.
    pub async fn start_tls() -> (TestIdp, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let issuer = format!("https://{}", listener.local_addr().unwrap());
        let (tls, thumbprint) =
            stsgate::mock_idp::self_signed_tls(&["127.0.0.1", "localhost"]).unwrap();
        let idp = Arc::new(MockIdp::new(issuer.clone()).unwrap());
        let server = stsgate::mock_idp::serve(listener, idp.clone(), Some(tls))
            .await
            .unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        (
            TestIdp {
                issuer,
                idp,
                handle,
            },
            thumbprint,
        )
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }

    pub fn now() -> i64 {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    /// Mint an RS256 ID token with `claims` over the defaults (aud demo-app, sub demo-user).
    pub fn mint(&self, claims: serde_json::Value) -> String {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        self.idp.mint(claims, "RS256", now).unwrap()
    }
}

/// Text of the first `<tag>` element.
pub fn xml_field(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(
        body[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

pub fn error_code(body: &str) -> String {
    xml_field(body, "Code").unwrap_or_default()
}
