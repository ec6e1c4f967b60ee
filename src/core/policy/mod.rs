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

// STUB API until the policy branch lands.
#[derive(Debug, Clone, Default)]
pub struct RequestPrincipal {
    pub account: Option<String>,
    pub arns: Vec<String>,
    pub federated: Option<String>,
    pub services: Vec<String>,
}
#[derive(Debug, Clone, Default)]
pub struct Context {
    keys: std::collections::HashMap<String, (bool, Vec<String>)>,
}
impl Context {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        self.keys
            .insert(key.to_ascii_lowercase(), (false, vec![value.into()]));
    }
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) {
        self.keys.insert(key.to_ascii_lowercase(), (true, values));
    }
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.keys
            .get(&key.to_ascii_lowercase())
            .map(|(_, v)| v.as_slice())
    }
}
pub struct Request<'a> {
    pub principal: Option<&'a RequestPrincipal>,
    pub action: &'a str,
    pub resource: &'a str,
    pub context: &'a Context,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}
pub fn evaluate(_policies: &[&Policy], _request: &Request) -> Decision {
    Decision::ImplicitDeny
}
