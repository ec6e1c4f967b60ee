//! The one integration-test binary: modules share the harness and link once.

mod federation;
mod cli;
mod harness;
mod store;
mod sts;
mod wire;
mod support;
