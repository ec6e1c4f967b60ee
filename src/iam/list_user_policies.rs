//! ListUserPolicies: the names of a user's inline policies, paginated.

pub type Input = crate::iam::inline_policy::ListInline<crate::iam::inline_policy::User>;
