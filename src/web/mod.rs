//! Browser pages: the SAML assertion consumer service (`POST /saml`), the
//! role chooser and credentials pages (askama templates in `templates/`),
//! stsgate's SP metadata and SP-initiated login.
//!
//! Every assertion is used once at the ACS, whatever the provider allows for
//! the API. The chooser never sends the assertion back to the browser: a
//! short-lived, one-time pending login is kept on this node, keyed by a
//! random id in a hidden field (a deployment of several nodes needs sticky
//! sessions for the chooser step and SP-initiated logins).

mod sp_key;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::action::{Action, Ctx};
use crate::app::{AppState, SysRandom};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::ids::request_id;
use crate::core::query::Params;
use crate::core::saml::sp;
use crate::core::saml::xml::Document;
use crate::core::saml::{ASSERTION_NS, claims, decode_base64};
use crate::core::time::{Epoch, iso8601};
use crate::store::SamlProvider;
use crate::sts::assume_role_with_saml::{self, check_assertion};

/// How long a role choice or an SP-initiated login may stay pending.
const PENDING_TTL: Epoch = 300;
/// Pending entries per node; past this, expired ones are dropped and new
/// ones refused until there is room.
const MAX_PENDING: usize = 10_000;
/// At most this many providers are tried for one posted assertion.
const MAX_CANDIDATES: usize = 5;

struct PendingLogin {
    provider_arn: String,
    assertion: String,
    roles: Vec<String>,
    relay_state: Option<String>,
    expires: Epoch,
}

struct PendingRequest {
    provider_arn: String,
    expires: Epoch,
}

#[derive(Default)]
pub struct WebState {
    logins: Mutex<HashMap<String, PendingLogin>>,
    requests: Mutex<HashMap<String, PendingRequest>>,
    sp_key: sp_key::SpKeyCell,
}

fn put<V>(
    map: &Mutex<HashMap<String, V>>,
    key: String,
    value: V,
    now: Epoch,
    expires: impl Fn(&V) -> Epoch,
) -> ApiResult<()> {
    let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
    if m.len() >= MAX_PENDING {
        m.retain(|_, v| expires(v) > now);
    }
    if m.len() >= MAX_PENDING {
        return Err(ApiError::new(
            ErrorCode::ServiceUnavailable,
            "Too many sign-ins in progress; try again shortly",
        ));
    }
    m.insert(key, value);
    Ok(())
}

fn take<V>(map: &Mutex<HashMap<String, V>>, key: &str) -> Option<V> {
    map.lock().unwrap_or_else(|p| p.into_inner()).remove(key)
}

/// Mount the pages (shares one `WebState` across workers).
pub fn configure(web_state: Arc<WebState>) -> impl Fn(&mut ServiceConfig) + Clone {
    move |cfg: &mut ServiceConfig| {
        cfg.app_data(web::Data::from(web_state.clone()))
            .route("/saml", web::post().to(acs))
            .route("/saml/role", web::post().to(choose_role))
            .route("/saml/metadata", web::get().to(sp_metadata))
            .route("/saml/login/{provider}", web::get().to(sp_login));
    }
}

#[derive(Template)]
#[template(path = "saml_roles.html")]
struct RolesPage<'a> {
    subject: &'a str,
    provider: &'a str,
    login: &'a str,
    roles: &'a [String],
}

#[derive(Template)]
#[template(path = "saml_credentials.html")]
struct CredentialsPage<'a> {
    role: &'a str,
    assumed_role: &'a str,
    expiration: String,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    relay_state: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "saml_error.html")]
struct ErrorPage<'a> {
    code: &'a str,
    message: &'a str,
}

fn html(status: StatusCode, page: Result<String, askama::Error>) -> HttpResponse {
    match page {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            // Credentials and one-time ids must not be cached or framed.
            .insert_header(("cache-control", "no-store"))
            .insert_header(("x-frame-options", "DENY"))
            .insert_header(("referrer-policy", "no-referrer"))
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "page rendering failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain")
                .body("internal error\n")
        }
    }
}

fn error_page(e: &ApiError) -> HttpResponse {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    html(
        status,
        ErrorPage {
            code: e.code.as_str(),
            message: &e.message,
        }
        .render(),
    )
}

fn random_id() -> String {
    let mut buf = [0u8; 24];
    // SysRandom aborts rather than hand out a predictable id.
    crate::core::Random::fill(&mut crate::app::SysRandom, &mut buf);
    format!("_{}", hex::encode(buf))
}

fn ctx<'a>(state: &'a AppState, req: &HttpRequest, rid: &'a str) -> Ctx<'a> {
    Ctx {
        state,
        caller: None,
        now: state.now(),
        request_id: rid,
        source_ip: req.peer_addr().map(|a| a.ip()),
        secure_transport: req.app_config().secure(),
        request_tags: Vec::new(),
    }
}

fn invalid(msg: impl Into<String>) -> ApiError {
    ApiError::invalid_identity_token(msg)
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "store operation failed");
    ApiError::internal()
}

/// Provider ARNs the (not yet verified) Role attribute names: only used to
/// pick whose certificates to verify with; claims come from the verified node.
fn candidate_providers(xml: &str) -> Vec<String> {
    let Ok(doc) = Document::parse(xml) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for at in doc.elements().filter(|e| {
        doc.is(*e, ASSERTION_NS, "Attribute") && doc.attr(*e, "Name") == Some(claims::ROLE_ATTR)
    }) {
        for v in doc.children_named(at, ASSERTION_NS, "AttributeValue") {
            for part in doc.text(v).split(',').map(str::trim) {
                if part.contains(":saml-provider/") && !out.iter().any(|p| p == part) {
                    out.push(part.to_string());
                }
            }
        }
    }
    out.truncate(MAX_CANDIDATES);
    out
}

fn role_pairs(c: &claims::Claims, provider: &SamlProvider) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (role, p) in &c.roles {
        if *p == provider.arn && !roles.contains(role) {
            roles.push(role.clone());
        }
    }
    roles
}

/// POST /saml: verify the posted Response, use it up, then offer its roles.
async fn acs(req: HttpRequest, body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    match acs_inner(&req, &body, &state, req_state(&req)).await {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(code = e.code.as_str(), reason = %e.message, "SAML browser sign-in refused");
            error_page(&e)
        }
    }
}

fn req_state(req: &HttpRequest) -> Option<web::Data<WebState>> {
    req.app_data::<web::Data<WebState>>().cloned()
}

async fn acs_inner(
    req: &HttpRequest,
    body: &[u8],
    state: &AppState,
    web_state: Option<web::Data<WebState>>,
) -> ApiResult<HttpResponse> {
    let web_state = web_state.ok_or_else(ApiError::internal)?;
    let params = Params::parse("", Some(body))?;
    let b64 = params
        .get("SAMLResponse")
        .ok_or_else(|| invalid("The form has no SAMLResponse"))?;
    let relay_state = params
        .get("RelayState")
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let xml = decode_base64(b64)?;
    let rid = request_id(&mut SysRandom);
    let ctx = ctx(state, req, &rid);
    let candidates = candidate_providers(&xml);
    if candidates.is_empty() {
        return Err(invalid(
            "Invalid SAML assertion: no role is offered (https://aws.amazon.com/SAML/Attributes/Role)",
        ));
    }
    let mut last_error = None;
    let mut verified = None;
    for arn in &candidates {
        let Some(provider) = state.store.get_saml_provider(arn).await.map_err(internal)? else {
            continue;
        };
        match check_assertion(&ctx, &provider, b64) {
            Ok(c) => {
                verified = Some((provider, c));
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    let (provider, claims) = match (verified, last_error) {
        (Some(v), _) => v,
        (None, Some(e)) => return Err(e),
        (None, None) => {
            return Err(invalid(format!(
                "No SAML provider found for {}",
                candidates.join(", ")
            )));
        }
    };
    if let Some(irt) = &claims.in_response_to {
        let ok = take(&web_state.requests, irt)
            .is_some_and(|p| p.provider_arn == provider.arn && p.expires > ctx.now);
        if !ok {
            return Err(invalid(
                "Invalid SAML assertion: InResponseTo does not match a pending login request of this service",
            ));
        }
    }
    // One-time use always holds at the ACS.
    let leeway = state.settings.oidc.leeway_secs;
    let fresh = state
        .store
        .record_assertion(&provider.arn, &claims.id, claims.expires + leeway, ctx.now)
        .await
        .map_err(internal)?;
    if !fresh {
        return Err(invalid("Assertion has already been used"));
    }
    let roles = role_pairs(&claims, &provider);
    match roles.as_slice() {
        [] => Err(ApiError::access_denied(
            "The assertion offers no role with this SAML provider",
        )),
        [one] => issue(&ctx, one, &provider.arn, b64, relay_state.as_deref()).await,
        _ => {
            let login = random_id();
            put(
                &web_state.logins,
                login.clone(),
                PendingLogin {
                    provider_arn: provider.arn.clone(),
                    assertion: b64.to_string(),
                    roles: roles.clone(),
                    relay_state,
                    expires: ctx.now + PENDING_TTL,
                },
                ctx.now,
                |p| p.expires,
            )?;
            Ok(html(
                StatusCode::OK,
                RolesPage {
                    subject: &claims.subject,
                    provider: &provider.arn,
                    login: &login,
                    roles: &roles,
                }
                .render(),
            ))
        }
    }
}

async fn issue(
    ctx: &Ctx<'_>,
    role: &str,
    provider_arn: &str,
    assertion: &str,
    relay_state: Option<&str>,
) -> ApiResult<HttpResponse> {
    let input = assume_role_with_saml::Input::for_acs(role, provider_arn, assertion)?;
    let out = input.execute(ctx).await?;
    let c = out.credentials();
    tracing::info!(role = %role, provider = %provider_arn, session = %out.assumed_role_arn(), "SAML browser sign-in");
    if let Some(dest) = relay_state.filter(|rs| {
        sp::relay_destination_allowed(rs, &ctx.state.settings.saml_relay_state_destinations)
    }) {
        // A plain landing redirect: the credentials are not passed on.
        return Ok(HttpResponse::SeeOther()
            .insert_header(("location", dest))
            .insert_header(("cache-control", "no-store"))
            .insert_header(("referrer-policy", "no-referrer"))
            .finish());
    }
    Ok(html(
        StatusCode::OK,
        CredentialsPage {
            role,
            assumed_role: out.assumed_role_arn(),
            expiration: iso8601(c.expiration),
            access_key_id: &c.access_key_id,
            secret_access_key: c.secret_access_key.expose(),
            session_token: &c.session_token,
            relay_state,
        }
        .render(),
    ))
}

#[derive(Deserialize)]
struct Choice {
    login: String,
    role: String,
}

/// POST /saml/role: the chooser's answer; the pending login is used up.
async fn choose_role(
    req: HttpRequest,
    form: web::Form<Choice>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let result = async {
        let web_state = req_state(&req).ok_or_else(ApiError::internal)?;
        let rid = request_id(&mut SysRandom);
        let ctx = ctx(&state, &req, &rid);
        let pending = take(&web_state.logins, &form.login)
            .filter(|p| p.expires > ctx.now)
            .ok_or_else(|| {
                invalid("This sign-in has expired or was already used; sign in again at your identity provider")
            })?;
        if !pending.roles.contains(&form.role) {
            return Err(ApiError::access_denied(
                "The assertion does not offer this role",
            ));
        }
        issue(
            &ctx,
            &form.role,
            &pending.provider_arn,
            &pending.assertion,
            pending.relay_state.as_deref(),
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

fn acs_url(state: &AppState, req: &HttpRequest) -> String {
    match &state.settings.public_url {
        Some(u) => format!("{}/saml", u.trim_end_matches('/')),
        None => {
            let ci = req.connection_info();
            format!("{}://{}/saml", ci.scheme(), ci.host())
        }
    }
}

/// GET /saml/metadata: stsgate's SP metadata, with the certificate its
/// AuthnRequests are signed with.
async fn sp_metadata(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let result = async {
        let web_state = req_state(&req).ok_or_else(ApiError::internal)?;
        let key = web_state.sp_key.get(&state).await?;
        Ok::<_, ApiError>(
            HttpResponse::Ok()
                .content_type("application/samlmetadata+xml")
                .body(sp::sp_metadata(&acs_url(&state, &req), &key.cert_b64)),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}

#[derive(Deserialize)]
struct LoginQuery {
    account: Option<String>,
    #[serde(rename = "RelayState")]
    relay_state: Option<String>,
}

/// GET /saml/login/{provider}: redirect to the IdP with an AuthnRequest
/// whose ID the ACS will expect back in InResponseTo.
async fn sp_login(
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<LoginQuery>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let result = async {
        let web_state = req_state(&req).ok_or_else(ApiError::internal)?;
        let name = path.into_inner();
        let accounts = match &query.account {
            Some(a) => vec![a.clone()],
            None => state
                .store
                .accounts()
                .await
                .map_err(internal)?
                .iter()
                .map(|a| a.as_str().to_string())
                .collect(),
        };
        let mut provider = None;
        for account in accounts {
            let arn = format!("arn:aws:iam::{account}:saml-provider/{name}");
            if let Some(p) = state
                .store
                .get_saml_provider(&arn)
                .await
                .map_err(internal)?
            {
                provider = Some(p);
                break;
            }
        }
        let provider = provider
            .ok_or_else(|| ApiError::no_such_entity(format!("No SAML provider named {name}")))?;
        let sso = sp::sso_redirect_url(&provider.metadata).ok_or_else(|| {
            ApiError::invalid_input(
                "The provider's metadata has no HTTP-Redirect SingleSignOnService",
            )
        })?;
        let now = state.now();
        let id = random_id();
        put(
            &web_state.requests,
            id.clone(),
            PendingRequest {
                provider_arn: provider.arn.clone(),
                expires: now + PENDING_TTL,
            },
            now,
            |p| p.expires,
        )?;
        let request = sp::authn_request(&id, now, &sso, &acs_url(&state, &req));
        let relay_state = query.relay_state.as_deref();
        let query = if sp::wants_signed_requests(&provider.metadata) {
            // SAML bindings 3.4.4.1: sign the query string exactly as sent.
            let key = web_state.sp_key.get(&state).await?;
            let mut q = sp::redirect_query(&request, relay_state, Some(sp::RSA_SHA256));
            q.push_str(&sp::signature_param(&key.sign(q.as_bytes())?));
            q
        } else {
            sp::redirect_query(&request, relay_state, None)
        };
        let location = format!("{sso}{}{query}", if sso.contains('?') { '&' } else { '?' });
        Ok::<_, ApiError>(
            HttpResponse::Found()
                .insert_header(("location", location))
                .insert_header(("cache-control", "no-store"))
                .finish(),
        )
    }
    .await;
    result.unwrap_or_else(|e| error_page(&e))
}
