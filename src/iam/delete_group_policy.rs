//! DeleteGroupPolicy: remove one inline policy of a group.

pub type Input = crate::iam::inline_policy::DeleteInline<crate::iam::inline_policy::Group>;
