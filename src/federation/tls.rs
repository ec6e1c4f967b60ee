//! TLS trust for outbound IdP requests, as IAM does it: a certificate that
//! chains to a system root is accepted; otherwise the SHA-1 thumbprint of a
//! certificate in the presented chain must match one registered on the
//! provider (so a self-signed IdP works once its thumbprint is registered).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_lc_rs::digest;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, OtherError, RootCertStore};

/// Raised inside the handshake when neither the system roots nor a
/// thumbprint vouch for the IdP's certificate; found again in the reqwest
/// error chain to answer `InvalidIdentityToken` instead of a network error.
#[derive(Debug)]
pub struct ThumbprintMismatch;

impl fmt::Display for ThumbprintMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("certificate matches no trusted root and no configured thumbprint")
    }
}

impl std::error::Error for ThumbprintMismatch {}

/// SHA-1 of a DER certificate, lowercase hex: the thumbprint format of IAM.
pub fn sha1_thumbprint(der: &[u8]) -> String {
    hex::encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, der))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// System roots, loaded once. `None` when the platform has none, in which
/// case only thumbprints can vouch for a certificate.
fn system_verifier() -> Option<Arc<WebPkiServerVerifier>> {
    static VERIFIER: OnceLock<Option<Arc<WebPkiServerVerifier>>> = OnceLock::new();
    VERIFIER
        .get_or_init(|| {
            let mut roots = RootCertStore::empty();
            let loaded = rustls_native_certs::load_native_certs();
            let (added, _ignored) = roots.add_parsable_certificates(loaded.certs);
            if added == 0 {
                tracing::warn!("no system root certificates found; only thumbprints are trusted");
                return None;
            }
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .ok()
        })
        .clone()
}

/// Accepts a chain trusted by the system roots, or one where a certificate's
/// SHA-1 thumbprint is registered on the provider.
#[derive(Debug)]
pub struct ThumbprintVerifier {
    thumbprints: Vec<String>,
    system: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ThumbprintVerifier {
    pub fn new(thumbprints: &[String]) -> Self {
        ThumbprintVerifier {
            thumbprints: thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect(),
            system: system_verifier(),
            algorithms: provider().signature_verification_algorithms,
        }
    }

    fn pinned(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if self.thumbprints.contains(&sha1_thumbprint(end_entity)) {
            // The exact certificate is pinned: nothing left to chain to.
            return Ok(ServerCertVerified::assertion());
        }
        for cert in intermediates {
            if !self.thumbprints.contains(&sha1_thumbprint(cert)) {
                continue;
            }
            // A pinned CA: the leaf must still chain to it and name the host,
            // or any certificate that CA ever issued would pass.
            let mut roots = RootCertStore::empty();
            if roots.add(cert.clone()).is_err() {
                continue;
            }
            let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .map_err(|e| Error::General(e.to_string()))?;
            return verifier.verify_server_cert(end_entity, intermediates, server_name, &[], now);
        }
        Err(Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(ThumbprintMismatch)),
        )))
    }
}

impl ServerCertVerifier for ThumbprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        // Like IAM: a certificate from a trusted CA needs no thumbprint.
        if let Some(system) = &self.system
            && system
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .is_ok()
        {
            return Ok(ServerCertVerified::assertion());
        }
        self.pinned(end_entity, intermediates, server_name, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Whether an error (from reqwest) was caused by [`ThumbprintMismatch`].
pub fn is_thumbprint_mismatch(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if e.downcast_ref::<ThumbprintMismatch>().is_some() {
            return true;
        }
        // io::Error::source() skips the error it wraps; look inside explicitly.
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && is_thumbprint_mismatch(inner)
        {
            return true;
        }
        if let Some(Error::InvalidCertificate(CertificateError::Other(OtherError(inner)))) =
            e.downcast_ref::<Error>()
            && inner.downcast_ref::<ThumbprintMismatch>().is_some()
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// One reqwest client per thumbprint set, built once: TLS configs and
/// connection pools are costly to rebuild per request.
pub struct HttpClients {
    connect_timeout: Duration,
    timeout: Duration,
    clients: Mutex<HashMap<Vec<String>, reqwest::Client>>,
}

impl HttpClients {
    pub fn new(connect_timeout: Duration, timeout: Duration) -> Self {
        HttpClients {
            connect_timeout,
            timeout,
            clients: Mutex::new(HashMap::new()),
        }
    }

    pub fn client(&self, thumbprints: &[String]) -> Result<reqwest::Client, String> {
        let mut key: Vec<String> = thumbprints.iter().map(|t| t.to_ascii_lowercase()).collect();
        key.sort();
        key.dedup();
        let mut clients = self.clients.lock().map_err(|_| "client cache poisoned")?;
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ThumbprintVerifier::new(&key)))
            .with_no_client_auth();
        let client = reqwest::Client::builder()
            .use_preconfigured_tls(config)
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // A redirect could lead off the pinned host or down to http.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_sha1_hex() {
        assert_eq!(
            sha1_thumbprint(b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }

    #[test]
    fn mismatch_is_found_through_io_error() {
        let rustls_err = Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(
            ThumbprintMismatch,
        ))));
        let io = std::io::Error::other(rustls_err);
        assert!(is_thumbprint_mismatch(&io));
        let other = std::io::Error::other("connection refused");
        assert!(!is_thumbprint_mismatch(&other));
    }
}
