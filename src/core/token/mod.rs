//! Token checks: JWT claim checks, sealed session tokens.
pub mod jwt;
