//! AttachUserPolicy: attaches a managed policy (AWS's or the account's) to a user; attaching twice is a no-op.

pub type Input = crate::iam::attachment::Attach<crate::iam::attachment::User>;
