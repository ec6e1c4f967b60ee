//! The one integration-test binary: modules share the harness and link once.

// Test code may unwrap: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod account;
mod authz;
mod cli;
mod cli_policy;
mod federation;
mod harness;
mod iam;
mod iam_identity;
mod iam_policies;
mod pagination;
mod saml;
mod saml_attacks;
mod saml_encrypted;
mod saml_web;
mod saml_xmlsec;
mod simulate;
mod store;
mod store_identity;
mod store_policies;
mod sts;
mod support;
mod wire;
