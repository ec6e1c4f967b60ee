//! AttachGroupPolicy: attaches a managed policy (AWS's or the account's) to a group; attaching twice is a no-op.

pub type Input = crate::iam::attachment::Attach<crate::iam::attachment::Group>;
