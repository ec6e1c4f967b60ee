//! The one integration-test binary: modules share the harness and link once.

// Test code may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod cli_policy;
mod federation;
mod harness;
mod iam;
mod simulate;
mod store;
mod sts;
mod support;
mod wire;
