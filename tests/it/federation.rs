//! OIDC verification against the mock IdP over http and https.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use serde_json::{Value, json};
use stsgate::core::error::ErrorCode;
use stsgate::federation::oidc::{OidcSettings, OidcVerifier, ProviderSpec};
use stsgate::federation::tls::HttpClients;
use stsgate::mock_idp::{self, HOSTILE_KINDS, MockIdp};

struct Idp {
    idp: Arc<MockIdp>,
    handle: ServerHandle,
    issuer: String,
    http: reqwest::Client,
}

impl Idp {
    async fn start(tls: Option<rustls::ServerConfig>) -> Idp {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let issuer = format!("{scheme}://{addr}");
        let idp = Arc::new(MockIdp::new(issuer.clone()).unwrap());
        let server = mock_idp::serve(listener, idp.clone(), tls).await.unwrap();
        let handle = server.handle();
        tokio::spawn(server);
        let http = HttpClients::new(Duration::from_secs(3), Duration::from_secs(5))
            .client(&[])
            .unwrap();
        Idp {
            idp,
            handle,
            issuer,
            http,
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(format!("{}{path}", self.issuer))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    async fn mint(&self, body: Value) -> String {
        let (status, v) = self.post("/mint", body).await;
        assert_eq!(status, 200, "{v}");
        v["id_token"].as_str().unwrap().to_string()
    }

    fn provider(&self) -> ProviderSpec {
        ProviderSpec::new(&self.issuer, vec!["demo-app".to_string()], vec![])
    }

    async fn stop(self) {
        self.handle.stop(false).await;
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn dev_settings() -> OidcSettings {
    OidcSettings {
        allow_http_issuers: true,
        ..OidcSettings::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rs256_ps256_es256_tokens_verify_over_http() {
    let idp = Idp::start(None).await;
    let verifier = OidcVerifier::new(dev_settings());
    for alg in ["RS256", "PS256", "ES256"] {
        let token = idp.mint(json!({"alg": alg, "sub": "alice-123"})).await;
        let checked = verifier
            .verify(&token, &idp.provider(), now())
            .await
            .unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(checked.subject, "alice-123");
        assert_eq!(checked.audience, "demo-app");
        assert_eq!(checked.issuer, idp.issuer);
    }
    // Keys are cached: three tokens, one discovery+JWKS fetch.
    assert_eq!(verifier.jwks_fetches(), 1);
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_token_is_rejected_with_the_right_code() {
    let idp = Idp::start(None).await;
    let verifier = OidcVerifier::new(dev_settings());
    for (kind, _) in HOSTILE_KINDS {
        let (status, v) = idp
            .post(&format!("/mint/hostile?kind={kind}"), json!({}))
            .await;
        assert_eq!(status, 200, "{kind}: {v}");
        assert_eq!(v["kind"], *kind);
        assert!(v["defect"].as_str().is_some_and(|d| !d.is_empty()));
        let token = v["id_token"].as_str().unwrap();
        let err = verifier
            .verify(token, &idp.provider(), now())
            .await
            .expect_err(kind);
        let expected = if *kind == "expired" {
            ErrorCode::ExpiredTokenException
        } else {
            ErrorCode::InvalidIdentityToken
        };
        assert_eq!(err.code, expected, "{kind}: {}", err.message);
        if *kind == "expired" {
            assert!(err.message.starts_with("Token expired: current date/time "));
        }
    }
    let (status, _) = idp.post("/mint/hostile?kind=nonsense", json!({})).await;
    assert_eq!(status, 400);
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_audience_and_http_without_flag_are_refused() {
    let idp = Idp::start(None).await;
    let token = idp.mint(json!({})).await;

    let verifier = OidcVerifier::new(dev_settings());
    let other = ProviderSpec::new(&idp.issuer, vec!["other-app".to_string()], vec![]);
    let err = verifier.verify(&token, &other, now()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
    assert_eq!(err.message, "Incorrect token audience");

    let strict = OidcVerifier::new(OidcSettings::default());
    let err = strict
        .verify(&token, &idp.provider(), now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
    assert!(
        err.message.contains("--allow-http-issuers"),
        "{}",
        err.message
    );
    assert_eq!(strict.jwks_fetches(), 0);
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_idp_is_a_communication_error() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let idp = MockIdp::new(issuer.clone()).unwrap();
    let token = idp.mint(json!({}), "RS256", now()).unwrap();
    let verifier = OidcVerifier::new(dev_settings());
    let provider = ProviderSpec::new(&issuer, vec!["demo-app".to_string()], vec![]);
    let err = verifier.verify(&token, &provider, now()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::IdpCommunicationError);
    assert_eq!(err.status(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_https_idp_needs_its_thumbprint() {
    let (tls, thumbprint) = mock_idp::self_signed_tls(&["127.0.0.1", "localhost"]).unwrap();
    let idp = Idp::start(Some(tls)).await;
    let token = idp
        .idp
        .mint(json!({"sub": "tls-user"}), "ES256", now())
        .unwrap();
    // allow_http off: the https path must not depend on the development flag.
    let settings = OidcSettings::default();

    let pinned = ProviderSpec::new(
        &idp.issuer,
        vec!["demo-app".to_string()],
        vec![thumbprint.to_uppercase()],
    );
    let checked = OidcVerifier::new(settings.clone())
        .verify(&token, &pinned, now())
        .await
        .unwrap();
    assert_eq!(checked.subject, "tls-user");

    let wrong = ProviderSpec::new(
        &idp.issuer,
        vec!["demo-app".to_string()],
        vec!["0000000000000000000000000000000000000000".to_string()],
    );
    let err = OidcVerifier::new(settings)
        .verify(&token, &wrong, now())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidIdentityToken);
    assert!(
        err.message
            .contains("does not match the configured thumbprint"),
        "{}",
        err.message
    );
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_key_is_picked_up_without_restart() {
    let idp = Idp::start(None).await;
    let verifier = OidcVerifier::new(OidcSettings {
        jwks_refresh_cooldown: Duration::ZERO,
        ..dev_settings()
    });
    let before = idp.mint(json!({})).await;
    verifier
        .verify(&before, &idp.provider(), now())
        .await
        .unwrap();

    let (status, _) = idp.post("/keys/rotate", json!({})).await;
    assert_eq!(status, 200);
    let after = idp.mint(json!({})).await;
    verifier
        .verify(&after, &idp.provider(), now())
        .await
        .unwrap();
    // The previous key stays published, so older tokens still verify.
    verifier
        .verify(&before, &idp.provider(), now())
        .await
        .unwrap();
    assert_eq!(verifier.jwks_fetches(), 2);
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_kid_flood_causes_one_fetch() {
    let idp = Idp::start(None).await;
    let verifier = Arc::new(OidcVerifier::new(dev_settings()));
    for _wave in 0..2 {
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (token, _) = idp
                .idp
                .mint_hostile("unknown-kid", json!({}), now())
                .unwrap();
            let verifier = verifier.clone();
            let provider = idp.provider();
            tasks.push(tokio::spawn(async move {
                verifier.verify(&token, &provider, now()).await
            }));
        }
        for t in tasks {
            let err = t.await.unwrap().unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidIdentityToken, "{}", err.message);
        }
    }
    assert_eq!(verifier.jwks_fetches(), 1);
    idp.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_tokens_report_azp_as_audience() {
    let idp = Idp::start(None).await;
    let verifier = OidcVerifier::new(OidcSettings {
        google_discovery_url: format!("{}/.well-known/openid-configuration", idp.issuer),
        ..dev_settings()
    });
    let token = idp
        .mint(json!({
            "iss": "https://accounts.google.com",
            "aud": "web-client.apps.googleusercontent.com",
            "azp": "android-client.apps.googleusercontent.com",
            "sub": "110169484474386276334",
        }))
        .await;
    let google = ProviderSpec {
        issuer_url: "accounts.google.com".to_string(),
        client_ids: None,
        thumbprints: vec![],
        discovery_url: String::new(),
    };
    let checked = verifier.verify(&token, &google, now()).await.unwrap();
    assert_eq!(
        checked.audience,
        "android-client.apps.googleusercontent.com"
    );
    assert_eq!(checked.oaud, "web-client.apps.googleusercontent.com");
    assert_eq!(checked.subject, "110169484474386276334");
    idp.stop().await;
}
