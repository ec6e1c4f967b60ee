//! stsgate: a self-hosted identity federation gateway speaking the AWS STS and
//! IAM APIs. See ARCHITECTURE.md for the map.

pub mod action;
pub mod app;
pub mod bootstrap;
pub mod cli_policy;
pub mod config;
pub mod core;
pub mod demo;
pub mod federation;
pub mod http;
pub mod iam;
pub mod key_usage;
pub mod keys;
pub mod mock_idp;
pub mod principal;
pub mod service;
pub mod store;
pub mod sts;
pub mod web;
