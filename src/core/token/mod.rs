//! Token checks: JWT claim checks (`jwt`), sealed session tokens (`session`).

pub mod jwt;
pub mod session;
