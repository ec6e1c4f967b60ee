//! The IAM policy language: parse, validate, evaluate. (Being written.)

/// Where a policy document is used; decides which elements are required or forbidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a user, group or role (and managed policies): no Principal.
    Identity,
    /// A role's trust policy: Principal required, Resource optional.
    Trust,
    /// A session policy passed to AssumeRole* / GetFederationToken: like Identity.
    Session,
    /// A resource-based policy: Principal required.
    Resource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Policy {}

impl Policy {
    pub fn parse(document: &str, _kind: PolicyKind) -> Result<Policy, PolicyError> {
        serde_json::from_str::<serde_json::Value>(document)
            .map(|_| Policy {})
            .map_err(|e| PolicyError {
                message: format!("Syntax errors in policy: {e}"),
            })
    }
}
