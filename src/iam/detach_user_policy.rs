//! DetachUserPolicy: removes a managed policy from a user.

pub type Input = crate::iam::attachment::Detach<crate::iam::attachment::User>;
