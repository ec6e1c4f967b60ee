//! DeleteRolePermissionsBoundary: remove a role's permissions boundary (a no-op
//! when it has none).

pub type Input = crate::iam::attachment::DeleteBoundary<crate::iam::attachment::Role>;
