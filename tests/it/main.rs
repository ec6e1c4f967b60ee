//! The one integration-test binary: modules share the harness and link once.

mod cli;
mod federation;
mod harness;
mod iam;
mod store;
mod sts;
mod support;
mod wire;
