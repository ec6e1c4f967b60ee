//! STUB until the federation branch lands.
use std::sync::Arc;
pub struct MockIdp;
impl MockIdp {
    pub fn new(_issuer: String) -> Self {
        MockIdp
    }
    pub fn configure(self: &Arc<Self>, _cfg: &mut actix_web::web::ServiceConfig) {}
}
pub async fn serve(
    _listener: std::net::TcpListener,
    _idp: Arc<MockIdp>,
    _tls: Option<rustls::ServerConfig>,
) -> std::io::Result<actix_web::dev::Server> {
    Err(std::io::Error::other("stub"))
}
pub fn self_signed_tls(_hosts: &[&str]) -> (rustls::ServerConfig, String) {
    unimplemented!()
}
