//! stsgate: a self-hosted identity federation gateway speaking the AWS STS and
//! IAM APIs. See ARCHITECTURE.md for the map.

pub mod core;
pub mod federation;
pub mod mock_idp;
pub mod store;
