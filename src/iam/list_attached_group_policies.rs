//! ListAttachedGroupPolicies: the managed policies attached to a group, under a path prefix, paginated.

pub type Input = crate::iam::attachment::ListAttached<crate::iam::attachment::Group>;
