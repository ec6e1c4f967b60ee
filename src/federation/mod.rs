//! Outbound federation: OIDC discovery, JWKS cache and token verification,
//! and the TLS trust used to reach identity providers.

pub mod oidc;
pub mod tls;
