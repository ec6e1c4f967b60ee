//! Federation with external identity providers.

pub mod oidc;
