//! PutUserPermissionsBoundary: cap a user's permissions with a managed policy
//! (the account's or AWS's).

pub type Input = crate::iam::attachment::PutBoundary<crate::iam::attachment::User>;
