//! ListGroupPolicies: the names of a group's inline policies, paginated.

pub type Input = crate::iam::inline_policy::ListInline<crate::iam::inline_policy::Group>;
