//! The mock OpenID Connect provider (DESIGN.md "The mock IdP's API"):
//! discovery, JWKS, `/mint`, `/mint/hostile` and key rotation; and a mock
//! SAML IdP (`/saml/metadata`, `/mint/saml`, `/mint/saml/hostile`). Runs standalone
//! (`stsgate mock-idp`) or mounted in-process (`serve --demo`, tests).

pub mod keys;
pub mod saml;

use std::net::TcpListener;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::core::time::Epoch;
use keys::{Attacker, EcKey, KeyError, RsaKey, b64, hs256, random_kid, signing_input};

/// How long a rotated-out key stays published.
const RETIRED_KEY_TTL: Duration = Duration::from_secs(600);

/// Every kind `/mint/hostile` knows, with the defect it carries.
pub const HOSTILE_KINDS: &[(&str, &str)] = &[
    ("alg-none", "alg is none and the signature is empty"),
    (
        "hmac-key-confusion",
        "HS256 keyed with the IdP's RSA public key (SubjectPublicKeyInfo DER) under the RSA key's kid",
    ),
    (
        "unknown-kid",
        "signed by the real key but the kid names no key in the JWKS",
    ),
    (
        "jku",
        "signed by an attacker key; jku header points at the attacker's JWKS",
    ),
    (
        "jwk",
        "signed by an attacker key embedded in the jwk header",
    ),
    (
        "x5u",
        "signed by an attacker key; x5u header points at the attacker's certificate",
    ),
    (
        "x5c",
        "signed by an attacker key whose self-signed certificate is in the x5c header",
    ),
    ("expired", "exp is two hours in the past"),
    ("nbf-future", "nbf is one hour in the future"),
    ("wrong-aud", "aud is a client id nobody registered"),
    ("wrong-iss", "iss names another issuer"),
    ("tampered", "payload changed after signing (sub replaced)"),
    (
        "oversized",
        "longer than the 20000-character WebIdentityToken limit",
    ),
];

struct Keys {
    rsa: RsaKey,
    retired: Vec<(RsaKey, Instant)>,
    ec: EcKey,
}

pub struct MockIdp {
    issuer: String,
    keys: RwLock<Keys>,
    attacker: Attacker,
    saml: saml::SamlIdp,
}

#[derive(Debug)]
pub enum MintError {
    /// The request asked for something the mock does not do (→ 400).
    BadRequest(String),
    Internal(String),
}

impl std::fmt::Display for MintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MintError::BadRequest(m) | MintError::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for MintError {}

impl From<KeyError> for MintError {
    fn from(e: KeyError) -> Self {
        MintError::Internal(e.0)
    }
}

fn unix_now() -> Epoch {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as Epoch)
}

impl MockIdp {
    /// Generates an RSA-2048 and an EC P-256 signing key.
    pub fn new(issuer: String) -> Result<Self, KeyError> {
        Ok(MockIdp {
            issuer: issuer.trim_end_matches('/').to_string(),
            keys: RwLock::new(Keys {
                rsa: RsaKey::generate()?,
                retired: Vec::new(),
                ec: EcKey::generate()?,
            }),
            attacker: Attacker::generate()?,
            saml: saml::SamlIdp::new(issuer.trim_end_matches('/'))?,
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The SAML IdP side (entity id `ISSUER/saml`).
    pub fn saml(&self) -> &saml::SamlIdp {
        &self.saml
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Keys>, MintError> {
        self.keys
            .read()
            .map_err(|_| MintError::Internal("key store poisoned".into()))
    }

    pub fn discovery(&self) -> Value {
        let iss = &self.issuer;
        json!({
            "issuer": iss,
            "jwks_uri": format!("{iss}/jwks"),
            "authorization_endpoint": format!("{iss}/authorize"),
            "token_endpoint": format!("{iss}/token"),
            "userinfo_endpoint": format!("{iss}/userinfo"),
            "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
            "response_types_supported": ["code", "id_token"],
            "subject_types_supported": ["public"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "code_challenge_methods_supported": ["S256"],
        })
    }

    pub fn jwks(&self) -> Result<Value, MintError> {
        let keys = self.read()?;
        let mut list = vec![keys.rsa.jwk(), keys.ec.jwk()];
        list.extend(
            keys.retired
                .iter()
                .filter(|(_, at)| at.elapsed() < RETIRED_KEY_TTL)
                .map(|(k, _)| k.jwk()),
        );
        Ok(json!({ "keys": list }))
    }

    /// Replace the RSA signing key; the old one stays in the JWKS for 10 minutes.
    pub fn rotate(&self) -> Result<String, MintError> {
        let fresh = RsaKey::generate()?;
        let kid = fresh.kid.clone();
        let mut keys = self
            .keys
            .write()
            .map_err(|_| MintError::Internal("key store poisoned".into()))?;
        let old = std::mem::replace(&mut keys.rsa, fresh);
        keys.retired
            .retain(|(_, at)| at.elapsed() < RETIRED_KEY_TTL);
        keys.retired.push((old, Instant::now()));
        Ok(kid)
    }

    /// Default claims with `overrides` laid over them.
    fn claims(&self, overrides: Value, now: Epoch) -> Result<Map<String, Value>, MintError> {
        let mut claims = Map::new();
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("sub".into(), json!("demo-user"));
        claims.insert("aud".into(), json!("demo-app"));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + 3600));
        match overrides {
            Value::Object(o) => claims.extend(o),
            Value::Null => {}
            _ => {
                return Err(MintError::BadRequest(
                    "the body must be a JSON object".into(),
                ));
            }
        }
        claims.remove("alg");
        Ok(claims)
    }

    fn sign(&self, alg: &str, kid: Option<&str>, claims: &Value) -> Result<String, MintError> {
        let keys = self.read()?;
        let kid = kid.map_or_else(
            || match alg {
                "ES256" => keys.ec.kid.clone(),
                _ => keys.rsa.kid.clone(),
            },
            str::to_string,
        );
        let header = json!({"alg": alg, "typ": "JWT", "kid": kid});
        let input = signing_input(&header, claims)?;
        let sig = match alg {
            "RS256" | "PS256" => keys.rsa.sign(alg, input.as_bytes())?,
            "ES256" => keys.ec.sign(input.as_bytes())?,
            other => {
                return Err(MintError::BadRequest(format!(
                    "alg {other} is not supported; use RS256, PS256 or ES256"
                )));
            }
        };
        Ok(format!("{input}.{}", b64(&sig)))
    }

    /// Mint an honestly signed ID token. `claims` is laid over the defaults
    /// (iss, sub "demo-user", aud "demo-app", iat now, exp now+3600).
    pub fn mint(&self, claims: Value, alg: &str, now: Epoch) -> Result<String, MintError> {
        let claims = Value::Object(self.claims(claims, now)?);
        self.sign(alg, None, &claims)
    }

    /// Mint a deliberately broken token; returns the token and its defect.
    pub fn mint_hostile(
        &self,
        kind: &str,
        claims: Value,
        now: Epoch,
    ) -> Result<(String, &'static str), MintError> {
        let defect = HOSTILE_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .ok_or_else(|| {
                let known: Vec<&str> = HOSTILE_KINDS.iter().map(|(k, _)| *k).collect();
                MintError::BadRequest(format!(
                    "unknown kind '{kind}'; known kinds: {}",
                    known.join(", ")
                ))
            })?;
        let mut c = self.claims(claims, now)?;
        let token = match kind {
            "alg-none" => {
                let kid = self.read()?.rsa.kid.clone();
                let header = json!({"alg": "none", "typ": "JWT", "kid": kid});
                format!("{}.", signing_input(&header, &Value::Object(c))?)
            }
            "hmac-key-confusion" => {
                let (kid, secret) = {
                    let keys = self.read()?;
                    (keys.rsa.kid.clone(), keys.rsa.public_der()?)
                };
                let header = json!({"alg": "HS256", "typ": "JWT", "kid": kid});
                let input = signing_input(&header, &Value::Object(c))?;
                format!("{input}.{}", b64(&hs256(&secret, input.as_bytes())))
            }
            "unknown-kid" => self.sign("RS256", Some(&random_kid()), &Value::Object(c))?,
            "jku" | "jwk" | "x5u" | "x5c" => {
                // The real RSA kid: a verifier that trusts the header's key
                // source instead of its own JWKS would accept this.
                let kid = self.read()?.rsa.kid.clone();
                let mut header = json!({"alg": "ES256", "typ": "JWT", "kid": kid});
                let extra = match kind {
                    "jku" => json!("https://attacker.example/jwks.json"),
                    "jwk" => self.attacker.key.jwk(),
                    "x5u" => json!("https://attacker.example/cert.pem"),
                    _ => json!([self.attacker.cert_der_b64]),
                };
                if let Value::Object(h) = &mut header {
                    h.insert(kind.to_string(), extra);
                }
                let input = signing_input(&header, &Value::Object(c))?;
                let sig = self.attacker.key.sign(input.as_bytes())?;
                format!("{input}.{}", b64(&sig))
            }
            "expired" => {
                c.insert("iat".into(), json!(now - 3 * 3600));
                c.insert("exp".into(), json!(now - 2 * 3600));
                self.sign("RS256", None, &Value::Object(c))?
            }
            "nbf-future" => {
                c.insert("nbf".into(), json!(now + 3600));
                self.sign("RS256", None, &Value::Object(c))?
            }
            "wrong-aud" => {
                c.insert("aud".into(), json!("unregistered-client"));
                self.sign("RS256", None, &Value::Object(c))?
            }
            "wrong-iss" => {
                c.insert("iss".into(), json!("https://attacker.example"));
                self.sign("RS256", None, &Value::Object(c))?
            }
            "tampered" => {
                let signed = self.sign("RS256", None, &Value::Object(c.clone()))?;
                c.insert("sub".into(), json!("admin"));
                let payload = serde_json::to_vec(&Value::Object(c))
                    .map_err(|e| MintError::Internal(e.to_string()))?;
                let mut parts = signed.split('.');
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(h), Some(_), Some(s)) => format!("{h}.{}.{s}", b64(&payload)),
                    _ => return Err(MintError::Internal("malformed token".into())),
                }
            }
            _ => {
                // oversized
                c.insert("padding".into(), json!("x".repeat(20100)));
                self.sign("RS256", None, &Value::Object(c))?
            }
        };
        Ok((token, defect))
    }

    /// Mount the mock IdP's routes.
    pub fn configure(self: &Arc<Self>, cfg: &mut web::ServiceConfig) {
        cfg.app_data(web::Data::new(self.clone()))
            .route(
                "/.well-known/openid-configuration",
                web::get().to(discovery),
            )
            .route("/jwks", web::get().to(jwks))
            .route("/mint", web::post().to(mint))
            .route("/mint/hostile", web::post().to(mint_hostile))
            .route("/keys/rotate", web::post().to(rotate))
            .route("/saml/metadata", web::get().to(saml_metadata))
            .route("/mint/saml", web::post().to(mint_saml))
            .route("/mint/saml/hostile", web::post().to(mint_saml_hostile));
    }
}

fn error_response(e: MintError) -> HttpResponse {
    match e {
        MintError::BadRequest(m) => HttpResponse::BadRequest().json(json!({ "error": m })),
        MintError::Internal(m) => {
            tracing::error!(error = %m, "mock IdP failure");
            HttpResponse::InternalServerError().json(json!({"error": "internal error"}))
        }
    }
}

/// Body of the mint endpoints; empty bodies mean "defaults".
fn body_claims(body: &web::Bytes) -> Result<(Value, String), MintError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((Value::Null, "RS256".into()));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| MintError::BadRequest(format!("the body is not JSON: {e}")))?;
    let alg = match v.get("alg") {
        None => "RS256".to_string(),
        Some(Value::String(a)) => a.clone(),
        Some(_) => return Err(MintError::BadRequest("alg must be a string".into())),
    };
    Ok((v, alg))
}

async fn discovery(idp: web::Data<Arc<MockIdp>>) -> HttpResponse {
    HttpResponse::Ok().json(idp.discovery())
}

async fn jwks(idp: web::Data<Arc<MockIdp>>) -> HttpResponse {
    match idp.jwks() {
        Ok(v) => HttpResponse::Ok().json(v),
        Err(e) => error_response(e),
    }
}

async fn mint(idp: web::Data<Arc<MockIdp>>, body: web::Bytes) -> HttpResponse {
    let result = body_claims(&body).and_then(|(claims, alg)| idp.mint(claims, &alg, unix_now()));
    match result {
        Ok(t) => HttpResponse::Ok().json(json!({ "id_token": t })),
        Err(e) => error_response(e),
    }
}

#[derive(Deserialize)]
struct HostileQuery {
    kind: Option<String>,
}

async fn mint_hostile(
    idp: web::Data<Arc<MockIdp>>,
    query: web::Query<HostileQuery>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(kind) = query.kind.as_deref() else {
        return error_response(MintError::BadRequest("missing query parameter kind".into()));
    };
    let result =
        body_claims(&body).and_then(|(claims, _)| idp.mint_hostile(kind, claims, unix_now()));
    match result {
        Ok((t, defect)) => {
            HttpResponse::Ok().json(json!({ "id_token": t, "kind": kind, "defect": defect }))
        }
        Err(e) => error_response(e),
    }
}

fn saml_body(body: &web::Bytes) -> Result<saml::SamlMint, MintError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(saml::SamlMint::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        MintError::BadRequest(format!("the body is not a valid SAML mint request: {e}"))
    })
}

async fn saml_metadata(idp: web::Data<Arc<MockIdp>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/samlmetadata+xml")
        .body(idp.saml.metadata())
}

async fn mint_saml(idp: web::Data<Arc<MockIdp>>, body: web::Bytes) -> HttpResponse {
    match saml_body(&body).and_then(|req| idp.saml.mint(&req, unix_now())) {
        Ok(r) => HttpResponse::Ok().json(json!({ "saml_response": r })),
        Err(e) => error_response(e),
    }
}

async fn mint_saml_hostile(
    idp: web::Data<Arc<MockIdp>>,
    query: web::Query<HostileQuery>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(kind) = query.kind.as_deref() else {
        return error_response(MintError::BadRequest("missing query parameter kind".into()));
    };
    match saml_body(&body).and_then(|req| idp.saml.mint_hostile(kind, &req, unix_now())) {
        Ok((r, defect)) => {
            HttpResponse::Ok().json(json!({ "saml_response": r, "kind": kind, "defect": defect }))
        }
        Err(e) => error_response(e),
    }
}

async fn rotate(idp: web::Data<Arc<MockIdp>>) -> HttpResponse {
    match idp.rotate() {
        Ok(kid) => HttpResponse::Ok().json(json!({ "kid": kid })),
        Err(e) => error_response(e),
    }
}

/// Build the mock IdP server on `listener` (https when `tls` is given). The
/// returned server runs once spawned or awaited; stop it through
/// `server.handle().stop(..)`.
pub async fn serve(
    listener: TcpListener,
    idp: Arc<MockIdp>,
    tls: Option<rustls::ServerConfig>,
) -> std::io::Result<actix_web::dev::Server> {
    let app_idp = idp.clone();
    let server = actix_web::HttpServer::new(move || {
        let idp = app_idp.clone();
        actix_web::App::new().configure(move |cfg| idp.configure(cfg))
    })
    .workers(2)
    .disable_signals();
    let server = match tls {
        Some(config) => server.listen_rustls_0_23(listener, config)?,
        None => server.listen(listener)?,
    };
    Ok(server.run())
}

/// A self-signed certificate for `hosts` (DNS names or IP addresses) and a
/// rustls server config using it, plus the certificate's SHA-1 thumbprint
/// (lowercase hex) to register on the OIDC provider.
pub fn self_signed_tls(hosts: &[&str]) -> std::io::Result<(rustls::ServerConfig, String)> {
    let io = |e: String| std::io::Error::other(e);
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .map_err(|e| io(e.to_string()))?;
    let names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    let cert = rcgen::CertificateParams::new(names)
        .and_then(|p| p.self_signed(&key))
        .map_err(|e| io(e.to_string()))?;
    let thumbprint = crate::federation::tls::sha1_thumbprint(cert.der());
    let key_der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| io(e.to_string()))?
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], key_der)
    .map_err(|e| io(e.to_string()))?;
    Ok((config, thumbprint))
}
