//! ListAttachedRolePolicies: the managed policies attached to a role, under a path prefix, paginated.

pub type Input = crate::iam::attachment::ListAttached<crate::iam::attachment::Role>;
