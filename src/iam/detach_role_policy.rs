//! DetachRolePolicy: removes a managed policy from a role.

pub type Input = crate::iam::attachment::Detach<crate::iam::attachment::Role>;
