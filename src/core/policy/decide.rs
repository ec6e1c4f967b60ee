//! The single-account authorization decision (POLICY.md §7.1–§7.3) over
//! already-parsed policies: explicit deny anywhere wins; then resource-policy
//! grants; then identity ∩ permissions boundary ∩ session policy. Matching is
//! [`evaluate_detailed`]'s, run once per policy set.

use super::{Decision, Effect, Policy, Request, RequestPrincipal, evaluate_detailed};

/// What kind of principal makes the request: decides the session and root rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    User,
    /// AssumeRole* session (also web identity / SAML).
    RoleSession,
    /// GetFederationToken session: without a session policy it has no permissions.
    FederatedUser,
    /// The account root user: everything not explicitly denied.
    Root,
}

/// The caller's ARNs as a resource-based policy may name them (§7.1 step 5).
#[derive(Debug, Clone, Copy, Default)]
pub struct PrincipalArns<'a> {
    /// Naming one of these grants directly, not capped by boundary or session
    /// policy: the IAM user ARN, the role-session ARN, the federated-user ARN.
    pub direct: &'a [String],
    /// Naming one of these grants only within boundary and session policy:
    /// the role ARN of a session, the federating IAM user of a federated user.
    pub capped: &'a [String],
}

/// Every policy that applies to one request, by kind.
#[derive(Debug, Clone, Copy)]
pub struct PolicySet<'a> {
    /// The user's (and its groups') or the role's policies.
    pub identity: &'a [&'a Policy],
    /// `Some` when the principal has a permissions boundary.
    pub boundary: Option<&'a [&'a Policy]>,
    /// `Some` when the session was created with session policies.
    pub session: Option<&'a [&'a Policy]>,
    /// The resource's own policy (e.g. a role trust policy), if any.
    pub resource: Option<&'a Policy>,
    pub principal_kind: PrincipalKind,
    pub principal_arns: PrincipalArns<'a>,
}

/// Which kind of policy a matched statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetKind {
    Identity,
    Boundary,
    Session,
    Resource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchedStatement {
    pub set: SetKind,
    /// Index into the set's policy list (always 0 for the resource policy).
    pub policy: usize,
    /// Index into the policy's statements.
    pub statement: usize,
    pub effect: Effect,
}

/// Why a request was refused; each has AWS's own message ([`denial_message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    ExplicitIdentity,
    ExplicitBoundary,
    ExplicitSession,
    ExplicitResource,
    NoIdentityAllow,
    NoBoundaryAllow,
    NoSessionAllow,
}

impl DenyReason {
    pub fn decision(self) -> Decision {
        match self {
            DenyReason::ExplicitIdentity
            | DenyReason::ExplicitBoundary
            | DenyReason::ExplicitSession
            | DenyReason::ExplicitResource => Decision::ExplicitDeny,
            DenyReason::NoIdentityAllow
            | DenyReason::NoBoundaryAllow
            | DenyReason::NoSessionAllow => Decision::ImplicitDeny,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    /// `None` exactly when the decision is `Allow`.
    pub reason: Option<DenyReason>,
    /// Every statement that applied, in set order identity, boundary, session, resource.
    pub matched: Vec<MatchedStatement>,
    /// Context keys referenced by applicable statements but absent, without repeats.
    pub missing_context_keys: Vec<String>,
    /// Whether the boundary allows the request; `None` without a boundary.
    pub allowed_by_boundary: Option<bool>,
}

/// The decision of one set, with its matches recorded into `out`.
struct SetResult {
    denied: bool,
    allowed: bool,
}

fn run_set(
    set: SetKind,
    policies: &[&Policy],
    request: &Request,
    matched: &mut Vec<MatchedStatement>,
    missing: &mut Vec<String>,
    keep: impl Fn(Effect) -> bool,
) -> SetResult {
    let ev = evaluate_detailed(policies, request);
    for (pi, si) in ev.matched {
        let effect = policies[pi].statements[si].effect;
        let m = MatchedStatement {
            set,
            policy: pi,
            statement: si,
            effect,
        };
        if keep(effect) && !matched.contains(&m) {
            matched.push(m);
        }
    }
    for k in ev.missing_context_keys {
        if !missing.iter().any(|m| m.eq_ignore_ascii_case(&k)) {
            missing.push(k);
        }
    }
    SetResult {
        denied: ev.decision == Decision::ExplicitDeny,
        allowed: ev.decision == Decision::Allow,
    }
}

/// Whether the resource policy allows the request for a caller known only by `arns`.
fn resource_grants(
    policy: &Policy,
    request: &Request,
    arns: &[String],
    matched: &mut Vec<MatchedStatement>,
    missing: &mut Vec<String>,
) -> bool {
    let who = RequestPrincipal {
        account: None,
        arns: arns.to_vec(),
        federated: None,
        services: Vec::new(),
    };
    let narrowed = Request {
        principal: Some(&who),
        action: request.action,
        resource: request.resource,
        context: request.context,
    };
    let r = run_set(
        SetKind::Resource,
        &[policy],
        &narrowed,
        matched,
        missing,
        |e| e == Effect::Allow,
    );
    // A deny naming these ARNs is caught by the full-principal pass.
    r.allowed && !r.denied
}

/// The AWS single-account decision for `request` under `set`.
pub fn decide(set: &PolicySet, request: &Request) -> Outcome {
    let mut matched = Vec::new();
    let mut missing = Vec::new();
    let all = |_: Effect| true;

    let identity = run_set(
        SetKind::Identity,
        set.identity,
        request,
        &mut matched,
        &mut missing,
        all,
    );
    let boundary = set.boundary.map(|b| {
        run_set(
            SetKind::Boundary,
            b,
            request,
            &mut matched,
            &mut missing,
            all,
        )
    });
    let session = set.session.map(|s| {
        run_set(
            SetKind::Session,
            s,
            request,
            &mut matched,
            &mut missing,
            all,
        )
    });
    // The full principal (account, every ARN) decides resource-policy denies;
    // its allows count only through the direct/capped passes below.
    let resource_denied = set.resource.is_some_and(|p| {
        run_set(
            SetKind::Resource,
            &[p],
            request,
            &mut matched,
            &mut missing,
            |e| e == Effect::Deny,
        )
        .denied
    });
    let allowed_by_boundary = boundary.as_ref().map(|b| b.allowed && !b.denied);

    let explicit = if identity.denied {
        Some(DenyReason::ExplicitIdentity)
    } else if boundary.as_ref().is_some_and(|b| b.denied) {
        Some(DenyReason::ExplicitBoundary)
    } else if session.as_ref().is_some_and(|s| s.denied) {
        Some(DenyReason::ExplicitSession)
    } else if resource_denied {
        Some(DenyReason::ExplicitResource)
    } else {
        None
    };

    let reason = match explicit {
        Some(r) => Some(r),
        None => implicit_reason(
            set,
            request,
            identity.allowed,
            boundary.as_ref().map(|b| b.allowed),
            session.as_ref().map(|s| s.allowed),
            &mut matched,
            &mut missing,
        ),
    };
    Outcome {
        decision: reason.map_or(Decision::Allow, DenyReason::decision),
        reason,
        matched,
        missing_context_keys: missing,
        allowed_by_boundary,
    }
}

/// Steps 5–9 of §7.1, once no explicit deny applies.
fn implicit_reason(
    set: &PolicySet,
    request: &Request,
    identity_allows: bool,
    boundary_allows: Option<bool>,
    session_allows: Option<bool>,
    matched: &mut Vec<MatchedStatement>,
    missing: &mut Vec<String>,
) -> Option<DenyReason> {
    if set.principal_kind == PrincipalKind::Root {
        return None;
    }
    let mut resource_capped = false;
    if let Some(policy) = set.resource {
        if !set.principal_arns.direct.is_empty()
            && resource_grants(policy, request, set.principal_arns.direct, matched, missing)
        {
            return None;
        }
        resource_capped = !set.principal_arns.capped.is_empty()
            && resource_grants(policy, request, set.principal_arns.capped, matched, missing);
    }
    if !identity_allows && !resource_capped {
        return Some(DenyReason::NoIdentityAllow);
    }
    if boundary_allows == Some(false) {
        return Some(DenyReason::NoBoundaryAllow);
    }
    match session_allows {
        Some(false) => Some(DenyReason::NoSessionAllow),
        Some(true) => None,
        None if set.principal_kind == PrincipalKind::FederatedUser => {
            Some(DenyReason::NoSessionAllow)
        }
        None => None,
    }
}

/// AWS's AccessDenied message for a refused request.
pub fn denial_message(
    caller_arn: &str,
    action: &str,
    resource: &str,
    reason: DenyReason,
) -> String {
    let why = match reason {
        DenyReason::ExplicitIdentity => {
            "with an explicit deny in an identity-based policy".to_string()
        }
        DenyReason::ExplicitBoundary => {
            "with an explicit deny in a permissions boundary".to_string()
        }
        DenyReason::ExplicitSession => "with an explicit deny in a session policy".to_string(),
        DenyReason::ExplicitResource => {
            "with an explicit deny in a resource-based policy".to_string()
        }
        DenyReason::NoIdentityAllow => {
            format!("because no identity-based policy allows the {action} action")
        }
        DenyReason::NoBoundaryAllow => {
            format!("because no permissions boundary allows the {action} action")
        }
        DenyReason::NoSessionAllow => {
            format!("because no session policy allows the {action} action")
        }
    };
    format!(
        "User: {caller_arn} is not authorized to perform: {action} on resource: {resource} {why}"
    )
}
