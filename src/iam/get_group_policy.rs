//! GetGroupPolicy: one inline policy of a group, its document URL-encoded.

pub type Input = crate::iam::inline_policy::GetInline<crate::iam::inline_policy::Group>;
