//! ListAttachedUserPolicies: the managed policies attached to a user, under a path prefix, paginated.

pub type Input = crate::iam::attachment::ListAttached<crate::iam::attachment::User>;
