//! DeleteUserPolicy: remove one inline policy of a user.

pub type Input = crate::iam::inline_policy::DeleteInline<crate::iam::inline_policy::User>;
