//! The HTTP edge: the actix-web server, the Query endpoint, health checks.

pub mod auth;
pub mod authorize;
pub mod routes;

use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};

use crate::app::{AppState, SysRandom};
use crate::core::error::{ApiError, ErrorCode};
use crate::core::ids::request_id;
use crate::core::query::Params;
use crate::core::sigv4;
use crate::core::xml::{Service, error_document};
use routes::{Call, dispatch};

/// Start serving on `listener`. `extra` mounts more routes (the in-process
/// mock IdP under `--demo`). The returned server runs until stopped.
pub fn run<F>(
    listener: std::net::TcpListener,
    state: Arc<AppState>,
    extra: F,
) -> std::io::Result<Server>
where
    F: Fn(&mut ServiceConfig) + Clone + Send + 'static,
{
    let data = web::Data::from(state);
    let pages = crate::web::configure(Arc::new(crate::web::WebState::default()));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/healthz", web::get().to(healthz))
            .route("/readyz", web::get().to(readyz))
            .configure(extra.clone())
            .configure(pages.clone())
            .route("/", web::post().to(query))
            .route("/", web::get().to(query))
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(5)
    .run();
    Ok(server)
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok\n")
}

async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.store.change_counter().await {
        Ok(_) => HttpResponse::Ok()
            .content_type("text/plain")
            .body("ready\n"),
        Err(e) => {
            tracing::error!(error = %e, "store not ready");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("store unavailable\n")
        }
    }
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain")
        .body("not found\n")
}

fn xml_response(status: u16, body: String, request_id: &str) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .content_type("text/xml")
        .insert_header(("x-amzn-RequestId", request_id.to_string()))
        .body(body)
}

fn error_response(service: Service, error: &ApiError, request_id: &str) -> HttpResponse {
    xml_response(
        error.status(),
        error_document(service, error, request_id),
        request_id,
    )
}

/// Read the body, refusing more than `limit` bytes without buffering them.
async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) => Err(ApiError::new(
            ErrorCode::MalformedQueryString,
            "The request body could not be read",
        )),
        Err(_) => Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("Request body is larger than the limit of {limit} bytes"),
        )),
    }
}

/// Which namespace to answer an error in before the Version is known.
fn service_hint(req: &HttpRequest, params: Option<&Params>) -> Service {
    if let Some(s) = params
        .and_then(|p| p.get("Version"))
        .and_then(Service::from_version)
    {
        return s;
    }
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if auth.contains("/iam/") || req.query_string().contains("%2Fiam%2F") {
        Service::Iam
    } else {
        Service::Sts
    }
}

async fn query(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let rid = request_id(&mut SysRandom);
    let body = match read_body(payload, state.settings.max_body_bytes).await {
        Ok(b) => b,
        Err(e) => return error_response(service_hint(&req, None), &e, &rid),
    };
    let params = match Params::parse(req.query_string(), (!body.is_empty()).then_some(&body[..])) {
        Ok(p) => p,
        Err(e) => return error_response(service_hint(&req, None), &e, &rid),
    };
    let service = service_hint(&req, Some(&params));
    let Some(action) = params.get("Action") else {
        let e = ApiError::new(ErrorCode::MissingAction, "Missing Action");
        return error_response(service, &e, &rid);
    };
    let version = params.get("Version").unwrap_or("");
    if Service::from_version(version).is_none() {
        let e = ApiError::new(
            ErrorCode::InvalidAction,
            format!(
                "Could not find operation {action} for version {}",
                if version.is_empty() { "NONE" } else { version }
            ),
        );
        return error_response(service, &e, &rid);
    }
    let headers: Vec<(&str, &str)> = req
        .headers()
        .iter()
        .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)))
        .collect();
    let path = req.uri().path();
    let call = Call {
        state: &state,
        params: &params,
        http: sigv4::HttpRequest {
            method: req.method().as_str(),
            path,
            query: req.query_string(),
            headers: &headers,
            body: &body[..],
        },
        now: state.now(),
        request_id: &rid,
        source_ip: req.peer_addr().map(|a| a.ip()),
        secure_transport: req.app_config().secure(),
    };
    match dispatch(service, action, &call).await {
        Ok(xml) => {
            tracing::debug!(request_id = %rid, action, "ok");
            xml_response(200, xml, &rid)
        }
        Err(e) => {
            if e.status() >= 500 {
                tracing::error!(request_id = %rid, action, code = e.code.as_str(), "failed");
            } else {
                tracing::info!(request_id = %rid, action, code = e.code.as_str(), "refused");
            }
            error_response(service, &e, &rid)
        }
    }
}
