//! PutUserPolicy: add or replace an inline policy of a user, within the
//! user's aggregate inline-policy size quota.

pub type Input = crate::iam::inline_policy::PutInline<crate::iam::inline_policy::User>;
