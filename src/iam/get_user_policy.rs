//! GetUserPolicy: one inline policy of a user, its document URL-encoded.

pub type Input = crate::iam::inline_policy::GetInline<crate::iam::inline_policy::User>;
