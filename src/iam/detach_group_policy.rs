//! DetachGroupPolicy: removes a managed policy from a group.

pub type Input = crate::iam::attachment::Detach<crate::iam::attachment::Group>;
