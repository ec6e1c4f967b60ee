//! PutGroupPolicy: add or replace an inline policy of a group, within the
//! group's aggregate inline-policy size quota.

pub type Input = crate::iam::inline_policy::PutInline<crate::iam::inline_policy::Group>;
