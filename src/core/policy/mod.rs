//! The IAM policy language: parse and validate a document once (compiling
//! patterns, numbers, CIDRs), then evaluate requests against it cheaply.
//!
//! Layout: `json` reads the document (duplicate keys, positions), `parse`
//! checks the grammar and compiles statements, `matching` holds the wildcard
//! and ARN matchers, `condition` the operators, `variables` the `${...}`
//! substitutions. Evaluation is here.

mod condition;
pub mod decide;
mod json;
mod matching;
mod parse;
pub mod simulate;
mod variables;

use std::collections::HashMap;

use condition::Condition;
pub use decide::{
    DenyReason, MatchedStatement, Outcome, PolicySet, PrincipalArns, PrincipalKind, SetKind,
    decide, denial_message,
};
use matching::{ArnPattern, Glob, split_arn};
use variables::{Template, Trace};

/// Where a policy document is used; decides which elements are required or forbidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl PolicyError {
    pub(crate) fn new(message: impl Into<String>) -> PolicyError {
        PolicyError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for PolicyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Size quotas (IAM.md §6), counted by [`Policy::size`] (whitespace not counted).
pub const MAX_DOCUMENT_CHARS: usize = 131_072;
pub const MAX_TRUST_POLICY_SIZE: usize = 2048;
pub const MAX_MANAGED_POLICY_SIZE: usize = 6144;
pub const MAX_INLINE_POLICY_SIZE_USER: usize = 2048;
pub const MAX_INLINE_POLICY_SIZE_GROUP: usize = 5120;
pub const MAX_INLINE_POLICY_SIZE_ROLE: usize = 10240;

/// Characters of a document that count against the size quotas.
pub fn policy_size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A 1-based line/column in the policy document (for the simulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, Default)]
struct PrincipalSet {
    /// `"*"` or `{"AWS": "*"}`: everyone, including anonymous callers.
    everyone: bool,
    accounts: Vec<String>,
    arns: Vec<String>,
    federated: Vec<String>,
    services: Vec<String>,
    canonical_users: Vec<String>,
}

impl PrincipalSet {
    fn matches(&self, who: Option<&RequestPrincipal>) -> bool {
        if self.everyone {
            return true;
        }
        let Some(p) = who else { return false };
        p.account
            .as_ref()
            .is_some_and(|a| self.accounts.iter().any(|x| x == a))
            || p.arns.iter().any(|a| self.arns.iter().any(|x| x == a))
            || p.federated
                .as_ref()
                .is_some_and(|f| self.federated.iter().any(|x| x == f))
            || p.services
                .iter()
                .any(|s| self.services.iter().any(|x| x == s))
    }
}

#[derive(Debug, Clone)]
enum ResourcePattern {
    Static(ArnPattern),
    /// Variables in the resource part (after the fifth colon).
    Templated(Box<[Glob; 5]>, Template),
    /// A variable outside the allowed place or a non-ARN: matches nothing.
    Never,
}

impl ResourcePattern {
    fn matches(&self, arn: Option<&[&str; 6]>, ctx: &Context, trace: &mut Trace) -> bool {
        match self {
            ResourcePattern::Static(p) => p.matches(arn),
            ResourcePattern::Templated(head, tail) => {
                let Some(parts) = arn else { return false };
                head.iter()
                    .zip(parts.iter())
                    .all(|(g, p)| g.matches(p, false))
                    && tail
                        .resolve_toks(ctx, trace)
                        .is_some_and(|toks| Glob::from_toks(toks).matches(parts[5], false))
            }
            ResourcePattern::Never => false,
        }
    }
}

/// One compiled statement.
#[derive(Debug, Clone)]
pub struct Statement {
    sid: Option<String>,
    effect: Effect,
    index: usize,
    start: Position,
    end: Position,
    /// `(negated, set)`: NotPrincipal when negated.
    principal: Option<(bool, PrincipalSet)>,
    not_action: bool,
    actions: Vec<Glob>,
    /// `None`: no Resource element (trust policies), matches the role itself.
    resources: Option<(bool, Vec<ResourcePattern>)>,
    conditions: Vec<Condition>,
}

impl Statement {
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }
    pub fn effect(&self) -> Effect {
        self.effect
    }
    /// Position in the policy's statement list, from 0.
    pub fn index(&self) -> usize {
        self.index
    }
    pub fn start(&self) -> Position {
        self.start
    }
    pub fn end(&self) -> Position {
        self.end
    }

    fn action_matches(&self, action: &str) -> bool {
        self.actions.iter().any(|g| g.matches(action, true)) != self.not_action
    }

    /// Principal, action and resource (everything but conditions).
    fn targets(&self, request: &Request, arn: Option<&[&str; 6]>, trace: &mut Trace) -> bool {
        if let Some((negated, set)) = &self.principal
            && set.matches(request.principal) == *negated
        {
            return false;
        }
        if !self.action_matches(request.action) {
            return false;
        }
        match &self.resources {
            None => true,
            Some((negated, pats)) => {
                pats.iter().any(|p| p.matches(arn, request.context, trace)) != *negated
            }
        }
    }

    fn conditions_hold(&self, ctx: &Context, trace: &mut Trace, exhaustive: bool) -> bool {
        if exhaustive {
            // Evaluate all, so every missing key gets reported.
            let mut ok = true;
            for c in &self.conditions {
                ok &= c.evaluate(ctx, trace);
            }
            ok
        } else {
            self.conditions.iter().all(|c| c.evaluate(ctx, trace))
        }
    }
}

/// A parsed, validated, compiled policy document.
#[derive(Debug, Clone)]
pub struct Policy {
    kind: PolicyKind,
    version: Option<String>,
    id: Option<String>,
    size: usize,
    statements: Vec<Statement>,
}

impl Policy {
    pub fn parse(document: &str, kind: PolicyKind) -> Result<Policy, PolicyError> {
        parse::parse(document, kind)
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Non-whitespace characters, the unit of the IAM size quotas.
    pub fn size(&self) -> usize {
        self.size
    }
}

/// Who is making the request, as principal elements see it.
#[derive(Debug, Clone, Default)]
pub struct RequestPrincipal {
    /// The caller's account: matched by an account id or `arn:...:root` principal.
    pub account: Option<String>,
    /// ARNs the caller is known by (user ARN; role ARN and session ARN for a session).
    pub arns: Vec<String>,
    /// The identity provider of a web-identity / SAML caller.
    pub federated: Option<String>,
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ContextEntry {
    pub values: Vec<String>,
    pub multi: bool,
}

/// Condition keys of a request. Names are case-insensitive.
#[derive(Debug, Clone, Default)]
pub struct Context {
    entries: HashMap<String, ContextEntry>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single-valued key (replaces an earlier value).
    pub fn insert(&mut self, key: &str, value: impl Into<String>) {
        let entry = ContextEntry {
            values: vec![value.into()],
            multi: false,
        };
        self.entries.insert(key.to_lowercase(), entry);
    }

    /// A multi-valued key (`aws:TagKeys`, `...:amr`); an empty list is an empty set.
    pub fn insert_multi(&mut self, key: &str, values: Vec<String>) {
        self.entries.insert(
            key.to_lowercase(),
            ContextEntry {
                values,
                multi: true,
            },
        );
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.lookup(&key.to_lowercase())
            .map(|e| e.values.as_slice())
    }

    pub fn is_multi(&self, key: &str) -> bool {
        self.lookup(&key.to_lowercase()).is_some_and(|e| e.multi)
    }

    /// `key` must already be lower-case (compiled policies store it so).
    pub(crate) fn lookup(&self, key: &str) -> Option<&ContextEntry> {
        self.entries.get(key)
    }
}

pub struct Request<'a> {
    /// `None` for an anonymous / unsigned caller.
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    /// `(policy index, statement index)` of every statement that applied.
    pub matched: Vec<(usize, usize)>,
    /// Context keys the applicable statements referenced but the request lacked.
    pub missing_context_keys: Vec<String>,
}

/// Explicit deny in any statement of any policy wins; else any allow; else implicit deny.
pub fn evaluate(policies: &[&Policy], request: &Request) -> Decision {
    let arn = split_arn(request.resource);
    let mut trace = Trace { missing: None };
    let mut allowed = false;
    for policy in policies {
        for st in &policy.statements {
            // An allow cannot change the outcome once one is found; only denies still matter.
            if allowed && st.effect == Effect::Allow {
                continue;
            }
            if st.targets(request, arn.as_ref(), &mut trace)
                && st.conditions_hold(request.context, &mut trace, false)
            {
                match st.effect {
                    Effect::Deny => return Decision::ExplicitDeny,
                    Effect::Allow => allowed = true,
                }
            }
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// Like [`evaluate`], but visits every statement and reports which applied
/// and which context keys were missing (for the policy simulator).
pub fn evaluate_detailed(policies: &[&Policy], request: &Request) -> Evaluation {
    let arn = split_arn(request.resource);
    let mut missing = Vec::new();
    let mut matched = Vec::new();
    let (mut allowed, mut denied) = (false, false);
    for (pi, policy) in policies.iter().enumerate() {
        for (si, st) in policy.statements.iter().enumerate() {
            let mut trace = Trace {
                missing: Some(&mut missing),
            };
            if st.targets(request, arn.as_ref(), &mut trace)
                && st.conditions_hold(request.context, &mut trace, true)
            {
                matched.push((pi, si));
                match st.effect {
                    Effect::Deny => denied = true,
                    Effect::Allow => allowed = true,
                }
            }
        }
    }
    let decision = if denied {
        Decision::ExplicitDeny
    } else if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    };
    Evaluation {
        decision,
        matched,
        missing_context_keys: missing,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod decide_tests;
