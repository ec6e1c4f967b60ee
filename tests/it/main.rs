//! The one integration-test binary: modules share the harness and link once.

mod federation;
mod harness;
mod store;
mod sts;
mod support;
