//! Combined decisions (POLICY.md §7): which policy sets allow or deny, in
//! which order, for which principal kind. The single-policy operator and
//! matcher rows live in `tests.rs`; here every row goes through [`decide`].

use super::*;

const ACCOUNT: &str = "123456789012";
const USER: &str = "arn:aws:iam::123456789012:user/alice";
const ROLE: &str = "arn:aws:iam::123456789012:role/app";
const SESSION: &str = "arn:aws:sts::123456789012:assumed-role/app/s1";
const FED: &str = "arn:aws:sts::123456789012:federated-user/bob";
const BROKER: &str = "arn:aws:iam::123456789012:user/broker";
const ROOT: &str = "arn:aws:iam::123456789012:root";

const ACTION: &str = "s3:GetObject";
const OBJECT: &str = "arn:aws:s3:::bucket/key";

// Identity / boundary / session statements.
const A: &str = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
const D: &str = r#"{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}"#;
const AX: &str = r#"{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}"#;
const DX: &str = r#"{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}"#;
const ALL: &str = r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#;
const S3_GET: &str = r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#;
const BUCKET: &str = r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"}"#;
const OTHER_BUCKET: &str =
    r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}"#;
const DENY_OTHER_BUCKET: &str =
    r#"{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::other/*"}"#;

// Resource-policy statements.
const RA_USER: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_OTHER_USER: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_SESSION: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/app/s1"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_ROLE: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_FED: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:federated-user/bob"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_BROKER: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/broker"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_ACCOUNT: &str = r#"{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}"#;
const RA_ANY: &str = r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}"#;
const RA_USER_PUT: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:PutObject","Resource":"*"}"#;
const RD_USER: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"*"}"#;
const RD_ROLE: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"s3:GetObject","Resource":"*"}"#;
const RD_SESSION: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/app/s1"},"Action":"s3:*","Resource":"*"}"#;
const RD_FED: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:sts::123456789012:federated-user/bob"},"Action":"s3:GetObject","Resource":"*"}"#;
const RD_ACCOUNT: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"}"#;
const RD_ANY: &str = r#"{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}"#;
const RD_OTHER_USER: &str = r#"{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:user/mallory"},"Action":"*","Resource":"*"}"#;

use DenyReason::*;
use PrincipalKind::{FederatedUser, RoleSession, Root, User};

/// The policies of one set. An element that is a whole document (starts with
/// `{"Version"`) is its own policy; the other elements are statements of one
/// 2012-10-17 policy. `[]` is a set present with no policy in it.
fn policies(items: &[&str], kind: PolicyKind) -> Vec<Policy> {
    let parse = |doc: &str| match Policy::parse(doc, kind) {
        Ok(p) => p,
        Err(e) => panic!("{doc}: {}", e.message),
    };
    let mut out = Vec::new();
    let statements: Vec<&str> = items
        .iter()
        .copied()
        .filter(|s| !s.starts_with("{\"Version\""))
        .collect();
    if !statements.is_empty() {
        out.push(parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        )));
    }
    for doc in items.iter().filter(|s| s.starts_with("{\"Version\"")) {
        out.push(parse(doc));
    }
    out
}

/// Who the caller is, for each kind: (request principal, direct ARNs, capped ARNs).
fn caller(kind: PrincipalKind) -> (RequestPrincipal, Vec<String>, Vec<String>) {
    let p = |arns: &[&str]| RequestPrincipal {
        account: Some(ACCOUNT.to_string()),
        arns: arns.iter().map(|s| s.to_string()).collect(),
        federated: None,
        services: Vec::new(),
    };
    let v = |arns: &[&str]| arns.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match kind {
        User => (p(&[USER]), v(&[USER]), v(&[])),
        RoleSession => (p(&[SESSION, ROLE]), v(&[SESSION]), v(&[ROLE])),
        FederatedUser => (p(&[FED, BROKER]), v(&[FED]), v(&[BROKER])),
        Root => (p(&[ROOT]), v(&[]), v(&[])),
    }
}

fn context(entries: &[(&str, &str)]) -> Context {
    let mut c = Context::new();
    for (k, v) in entries {
        match k.strip_suffix("[]") {
            Some(k) => {
                let values = v
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                c.insert_multi(k, values);
            }
            None => c.insert(k, *v),
        }
    }
    c
}

/// One combined decision.
struct Case<'a> {
    kind: PrincipalKind,
    identity: &'a [&'a str],
    boundary: Option<&'a [&'a str]>,
    session: Option<&'a [&'a str]>,
    resource: Option<&'a [&'a str]>,
    action: &'a str,
    resource_arn: &'a str,
    ctx: &'a [(&'a str, &'a str)],
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            kind: User,
            identity: &[],
            boundary: None,
            session: None,
            resource: None,
            action: ACTION,
            resource_arn: OBJECT,
            ctx: &[],
        }
    }
}

fn refs(ps: &[Policy]) -> Vec<&Policy> {
    ps.iter().collect()
}

fn run(case: &Case) -> Outcome {
    let identity = policies(case.identity, PolicyKind::Identity);
    let boundary = case.boundary.map(|b| policies(b, PolicyKind::Identity));
    let session = case.session.map(|s| policies(s, PolicyKind::Session));
    let resource = case.resource.map(|r| {
        let mut ps = policies(r, PolicyKind::Resource);
        assert_eq!(ps.len(), 1, "one resource policy");
        ps.remove(0)
    });
    let identity_refs = refs(&identity);
    let boundary_refs = boundary.as_deref().map(refs);
    let session_refs = session.as_deref().map(refs);
    let (principal, direct, capped) = caller(case.kind);
    let ctx = context(case.ctx);
    let set = PolicySet {
        identity: &identity_refs,
        boundary: boundary_refs.as_deref(),
        session: session_refs.as_deref(),
        resource: resource.as_ref(),
        principal_kind: case.kind,
        principal_arns: PrincipalArns {
            direct: &direct,
            capped: &capped,
        },
    };
    let request = Request {
        principal: Some(&principal),
        action: case.action,
        resource: case.resource_arn,
        context: &ctx,
    };
    let out = decide(&set, &request);
    assert_eq!(out.reason.is_none(), out.decision == Decision::Allow);
    out
}

type SetRow<'a> = (
    PrincipalKind,
    &'a [&'a str],
    Option<&'a [&'a str]>,
    Option<&'a [&'a str]>,
    Option<&'a [&'a str]>,
    Option<DenyReason>,
);

const ALLOW: Option<DenyReason> = None;

/// §7.1 steps 3–9 over identity / boundary / session / resource for each principal kind.
const SET_ROWS: &[SetRow] = &[
    // IAM user: identity, boundary.
    (User, &[], None, None, None, Some(NoIdentityAllow)),
    (User, &[A], None, None, None, ALLOW),
    (User, &[AX], None, None, None, Some(NoIdentityAllow)),
    (User, &[D], None, None, None, Some(ExplicitIdentity)),
    (User, &[A, D], None, None, None, Some(ExplicitIdentity)),
    (User, &[ALL, D], None, None, None, Some(ExplicitIdentity)),
    (User, &[A, DX], None, None, None, ALLOW),
    (User, &[ALL, DENY_OTHER_BUCKET], None, None, None, ALLOW),
    (User, &[BUCKET], None, None, None, ALLOW),
    (
        User,
        &[OTHER_BUCKET],
        None,
        None,
        None,
        Some(NoIdentityAllow),
    ),
    (User, &[A], Some(&[A]), None, None, ALLOW),
    (User, &[ALL], Some(&[S3_GET]), None, None, ALLOW),
    (User, &[A], Some(&[AX]), None, None, Some(NoBoundaryAllow)),
    (User, &[A], Some(&[]), None, None, Some(NoBoundaryAllow)),
    (
        User,
        &[A],
        Some(&[ALL, D]),
        None,
        None,
        Some(ExplicitBoundary),
    ),
    (User, &[A], Some(&[D]), None, None, Some(ExplicitBoundary)),
    (User, &[AX], Some(&[ALL]), None, None, Some(NoIdentityAllow)),
    (User, &[], Some(&[ALL]), None, None, Some(NoIdentityAllow)),
    (User, &[D], Some(&[D]), None, None, Some(ExplicitIdentity)),
    (User, &[D], Some(&[AX]), None, None, Some(ExplicitIdentity)),
    (
        User,
        &[A],
        Some(&[OTHER_BUCKET]),
        None,
        None,
        Some(NoBoundaryAllow),
    ),
    (
        User,
        &[A],
        Some(&[BUCKET, DENY_OTHER_BUCKET]),
        None,
        None,
        ALLOW,
    ),
    // IAM user: resource-based policy.
    (User, &[], None, None, Some(&[RA_USER]), ALLOW),
    (User, &[], Some(&[AX]), None, Some(&[RA_USER]), ALLOW),
    (User, &[], Some(&[]), None, Some(&[RA_USER]), ALLOW),
    (
        User,
        &[],
        None,
        None,
        Some(&[RA_ACCOUNT]),
        Some(NoIdentityAllow),
    ),
    (User, &[A], None, None, Some(&[RA_ACCOUNT]), ALLOW),
    (
        User,
        &[],
        None,
        None,
        Some(&[RA_OTHER_USER]),
        Some(NoIdentityAllow),
    ),
    (
        User,
        &[],
        None,
        None,
        Some(&[RA_USER_PUT]),
        Some(NoIdentityAllow),
    ),
    (User, &[], None, None, Some(&[RA_ANY]), ALLOW),
    (
        User,
        &[],
        None,
        None,
        Some(&[RA_USER, RD_ANY]),
        Some(ExplicitResource),
    ),
    (
        User,
        &[A],
        None,
        None,
        Some(&[RD_USER]),
        Some(ExplicitResource),
    ),
    (
        User,
        &[A],
        None,
        None,
        Some(&[RD_ACCOUNT]),
        Some(ExplicitResource),
    ),
    (User, &[A], None, None, Some(&[RD_OTHER_USER]), ALLOW),
    (
        User,
        &[D],
        None,
        None,
        Some(&[RA_USER]),
        Some(ExplicitIdentity),
    ),
    (
        User,
        &[A],
        Some(&[D]),
        None,
        Some(&[RA_USER]),
        Some(ExplicitBoundary),
    ),
    (
        User,
        &[A],
        Some(&[A]),
        None,
        Some(&[RD_USER]),
        Some(ExplicitResource),
    ),
    (
        User,
        &[D],
        None,
        None,
        Some(&[RD_USER]),
        Some(ExplicitIdentity),
    ),
    (User, &[], Some(&[A]), None, Some(&[RA_USER]), ALLOW),
    (
        User,
        &[A],
        Some(&[AX]),
        None,
        Some(&[RA_ACCOUNT]),
        Some(NoBoundaryAllow),
    ),
    // Role session: identity, boundary, session policy.
    (RoleSession, &[A], None, None, None, ALLOW),
    (RoleSession, &[], None, None, None, Some(NoIdentityAllow)),
    (RoleSession, &[A], None, Some(&[A]), None, ALLOW),
    (RoleSession, &[ALL], None, Some(&[S3_GET]), None, ALLOW),
    (
        RoleSession,
        &[A],
        None,
        Some(&[AX]),
        None,
        Some(NoSessionAllow),
    ),
    (
        RoleSession,
        &[A],
        None,
        Some(&[]),
        None,
        Some(NoSessionAllow),
    ),
    (
        RoleSession,
        &[A],
        None,
        Some(&[ALL, D]),
        None,
        Some(ExplicitSession),
    ),
    (
        RoleSession,
        &[AX],
        None,
        Some(&[A]),
        None,
        Some(NoIdentityAllow),
    ),
    (
        RoleSession,
        &[],
        None,
        Some(&[ALL]),
        None,
        Some(NoIdentityAllow),
    ),
    (RoleSession, &[A], Some(&[A]), Some(&[A]), None, ALLOW),
    (
        RoleSession,
        &[A],
        Some(&[AX]),
        Some(&[A]),
        None,
        Some(NoBoundaryAllow),
    ),
    (
        RoleSession,
        &[A],
        Some(&[A]),
        Some(&[AX]),
        None,
        Some(NoSessionAllow),
    ),
    (
        RoleSession,
        &[A],
        Some(&[AX]),
        Some(&[AX]),
        None,
        Some(NoBoundaryAllow),
    ),
    (
        RoleSession,
        &[A],
        Some(&[D]),
        Some(&[D]),
        None,
        Some(ExplicitBoundary),
    ),
    (
        RoleSession,
        &[D],
        Some(&[A]),
        Some(&[D]),
        None,
        Some(ExplicitIdentity),
    ),
    (
        RoleSession,
        &[A],
        Some(&[A]),
        Some(&[D]),
        None,
        Some(ExplicitSession),
    ),
    (
        RoleSession,
        &[AX],
        Some(&[AX]),
        Some(&[D]),
        None,
        Some(ExplicitSession),
    ),
    (
        RoleSession,
        &[A],
        None,
        Some(&[OTHER_BUCKET]),
        None,
        Some(NoSessionAllow),
    ),
    // Role session: resource-based policy naming the session, the role, the account.
    (RoleSession, &[], None, None, Some(&[RA_SESSION]), ALLOW),
    (
        RoleSession,
        &[],
        None,
        Some(&[AX]),
        Some(&[RA_SESSION]),
        ALLOW,
    ),
    (
        RoleSession,
        &[],
        Some(&[AX]),
        None,
        Some(&[RA_SESSION]),
        ALLOW,
    ),
    (
        RoleSession,
        &[],
        Some(&[AX]),
        Some(&[AX]),
        Some(&[RA_SESSION]),
        ALLOW,
    ),
    (RoleSession, &[], None, None, Some(&[RA_ROLE]), ALLOW),
    (
        RoleSession,
        &[],
        Some(&[AX]),
        None,
        Some(&[RA_ROLE]),
        Some(NoBoundaryAllow),
    ),
    (
        RoleSession,
        &[],
        None,
        Some(&[AX]),
        Some(&[RA_ROLE]),
        Some(NoSessionAllow),
    ),
    (
        RoleSession,
        &[],
        Some(&[A]),
        Some(&[A]),
        Some(&[RA_ROLE]),
        ALLOW,
    ),
    (
        RoleSession,
        &[A],
        None,
        None,
        Some(&[RD_ROLE]),
        Some(ExplicitResource),
    ),
    (
        RoleSession,
        &[A],
        None,
        None,
        Some(&[RD_SESSION]),
        Some(ExplicitResource),
    ),
    (
        RoleSession,
        &[],
        None,
        None,
        Some(&[RA_ACCOUNT]),
        Some(NoIdentityAllow),
    ),
    (
        RoleSession,
        &[A],
        None,
        Some(&[A]),
        Some(&[RD_ACCOUNT]),
        Some(ExplicitResource),
    ),
    (
        RoleSession,
        &[],
        None,
        Some(&[D]),
        Some(&[RA_SESSION]),
        Some(ExplicitSession),
    ),
    (
        RoleSession,
        &[],
        None,
        None,
        Some(&[RA_USER]),
        Some(NoIdentityAllow),
    ),
    (
        RoleSession,
        &[D],
        None,
        None,
        Some(&[RA_SESSION]),
        Some(ExplicitIdentity),
    ),
    // Federated user (GetFederationToken): no session policy, no permissions.
    (FederatedUser, &[A], None, None, None, Some(NoSessionAllow)),
    (FederatedUser, &[A], None, Some(&[A]), None, ALLOW),
    (
        FederatedUser,
        &[A],
        None,
        Some(&[AX]),
        None,
        Some(NoSessionAllow),
    ),
    (
        FederatedUser,
        &[],
        None,
        Some(&[A]),
        None,
        Some(NoIdentityAllow),
    ),
    (
        FederatedUser,
        &[A],
        None,
        Some(&[D]),
        None,
        Some(ExplicitSession),
    ),
    (
        FederatedUser,
        &[A],
        Some(&[AX]),
        Some(&[A]),
        None,
        Some(NoBoundaryAllow),
    ),
    (FederatedUser, &[], None, None, Some(&[RA_FED]), ALLOW),
    (
        FederatedUser,
        &[],
        None,
        None,
        Some(&[RA_BROKER]),
        Some(NoSessionAllow),
    ),
    (
        FederatedUser,
        &[],
        None,
        Some(&[A]),
        Some(&[RA_BROKER]),
        ALLOW,
    ),
    (
        FederatedUser,
        &[],
        Some(&[AX]),
        Some(&[A]),
        Some(&[RA_BROKER]),
        Some(NoBoundaryAllow),
    ),
    (
        FederatedUser,
        &[A],
        None,
        Some(&[A]),
        Some(&[RD_FED]),
        Some(ExplicitResource),
    ),
    (
        FederatedUser,
        &[D],
        None,
        Some(&[A]),
        Some(&[RA_FED]),
        Some(ExplicitIdentity),
    ),
    // Root: everything not explicitly denied.
    (Root, &[], None, None, None, ALLOW),
    (
        Root,
        &[],
        None,
        None,
        Some(&[RD_ACCOUNT]),
        Some(ExplicitResource),
    ),
    (
        Root,
        &[],
        None,
        None,
        Some(&[RD_ANY]),
        Some(ExplicitResource),
    ),
    (Root, &[], None, None, Some(&[RD_OTHER_USER]), ALLOW),
    (Root, &[], None, None, Some(&[RA_OTHER_USER]), ALLOW),
];

#[test]
fn policy_sets_combine_as_aws_documents() {
    for (i, (kind, identity, boundary, session, resource, want)) in SET_ROWS.iter().enumerate() {
        let out = run(&Case {
            kind: *kind,
            identity,
            boundary: *boundary,
            session: *session,
            resource: *resource,
            ..Case::default()
        });
        assert_eq!(
            out.reason, *want,
            "row {i}: {kind:?} identity={identity:?} boundary={boundary:?} session={session:?} resource={resource:?}"
        );
    }
    assert!(SET_ROWS.len() >= 90, "{}", SET_ROWS.len());
}

/// (condition, context, whether it holds)
type CondRow<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);

/// One or more rows per operator family: positive, negated, missing key,
/// IfExists, set operators; each is then placed in an identity allow, an
/// identity deny, and a boundary or session allow.
const CONDITION_ROWS: &[CondRow] = &[
    // String
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#,
        &[("aws:PrincipalTag/team", "red")],
        true,
    ),
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#,
        &[("aws:PrincipalTag/team", "blue")],
        false,
    ),
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"}}"#,
        &[],
        false,
    ),
    (
        r#"{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}"#,
        &[("aws:PrincipalTag/team", "blue")],
        true,
    ),
    (
        r#"{"StringNotEquals":{"aws:PrincipalTag/team":"red"}}"#,
        &[],
        true,
    ),
    (
        r#"{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"red"}}"#,
        &[],
        true,
    ),
    (
        r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}}"#,
        &[],
        true,
    ),
    (
        r#"{"StringEqualsIfExists":{"aws:PrincipalTag/team":"red"}}"#,
        &[("aws:PrincipalTag/team", "blue")],
        false,
    ),
    (
        r#"{"StringLike":{"aws:userid":"AROA*:alice"}}"#,
        &[("aws:userid", "AROAEXAMPLE:alice")],
        true,
    ),
    (
        r#"{"StringNotLike":{"aws:userid":"AROA*:alice"}}"#,
        &[("aws:userid", "AROAEXAMPLE:alice")],
        false,
    ),
    // Numeric
    (
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &[("aws:MultiFactorAuthAge", "100")],
        true,
    ),
    (
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &[("aws:MultiFactorAuthAge", "7200")],
        false,
    ),
    (
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &[],
        false,
    ),
    (
        r#"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &[],
        true,
    ),
    (
        r#"{"NumericNotEquals":{"s3:max-keys":"10"}}"#,
        &[("s3:max-keys", "10")],
        false,
    ),
    // Date
    (
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
        &[("aws:CurrentTime", "2026-11-30T00:00:00Z")],
        true,
    ),
    (
        r#"{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
        &[("aws:CurrentTime", "2026-11-30T00:00:00Z")],
        false,
    ),
    (
        r#"{"DateNotEquals":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}"#,
        &[],
        true,
    ),
    (
        r#"{"DateLessThanIfExists":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}"#,
        &[("aws:TokenIssueTime", "2026-01-01T00:00:00Z")],
        false,
    ),
    // Bool: the long-term-key trap (key absent) and the IfExists fix.
    (
        r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#,
        &[("aws:MultiFactorAuthPresent", "true")],
        true,
    ),
    (
        r#"{"Bool":{"aws:MultiFactorAuthPresent":"false"}}"#,
        &[],
        false,
    ),
    (
        r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
        &[],
        true,
    ),
    (
        r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}"#,
        &[("aws:MultiFactorAuthPresent", "true")],
        false,
    ),
    // IP
    (
        r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &[("aws:SourceIp", "10.1.2.3")],
        true,
    ),
    (r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, &[], false),
    (
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &[("aws:SourceIp", "192.168.1.1")],
        true,
    ),
    (
        r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &[],
        true,
    ),
    // ARN
    (
        r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app-*"}}"#,
        &[("aws:PrincipalArn", "arn:aws:iam::123456789012:role/app-web")],
        true,
    ),
    (
        r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app-*"}}"#,
        &[("aws:PrincipalArn", "arn:aws:iam::123456789012:role/app-web")],
        false,
    ),
    (
        r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::bucket"}}"#,
        &[],
        false,
    ),
    // Null
    (r#"{"Null":{"aws:TokenIssueTime":"true"}}"#, &[], true),
    (r#"{"Null":{"aws:TokenIssueTime":"false"}}"#, &[], false),
    (
        r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
        &[("aws:TokenIssueTime", "2026-01-01T00:00:00Z")],
        true,
    ),
    // Set operators over a multi-valued key.
    (
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[("aws:TagKeys[]", "env")],
        true,
    ),
    (
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[("aws:TagKeys[]", "cost")],
        false,
    ),
    (
        r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[],
        false,
    ),
    (
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[("aws:TagKeys[]", "env,team")],
        true,
    ),
    (
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[("aws:TagKeys[]", "env,cost")],
        false,
    ),
    (
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[],
        true,
    ),
    (
        r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
        &[("aws:TagKeys[]", "")],
        true,
    ),
    // Several operators AND, several values OR, negated values AND.
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}}"#,
        &[
            ("aws:PrincipalTag/team", "red"),
            ("aws:SecureTransport", "false"),
        ],
        false,
    ),
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":"red"},"Bool":{"aws:SecureTransport":"true"}}"#,
        &[
            ("aws:PrincipalTag/team", "red"),
            ("aws:SecureTransport", "true"),
        ],
        true,
    ),
    (
        r#"{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#,
        &[("aws:PrincipalTag/team", "blue")],
        true,
    ),
    (
        r#"{"StringNotEquals":{"aws:PrincipalTag/team":["red","blue"]}}"#,
        &[("aws:PrincipalTag/team", "blue")],
        false,
    ),
];

#[test]
fn conditions_in_every_set_position() {
    let mut cases = 0;
    for (i, (condition, ctx, holds)) in CONDITION_ROWS.iter().enumerate() {
        let allow_if = format!(
            r#"{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
        );
        let deny_if = format!(
            r#"{{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}"#
        );
        let allow_all_if =
            format!(r#"{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}"#);

        // 1. The only identity allow is conditional.
        let out = run(&Case {
            identity: &[&allow_if],
            ctx,
            ..Case::default()
        });
        let want = if *holds { None } else { Some(NoIdentityAllow) };
        assert_eq!(
            out.reason, want,
            "row {i} identity allow: {condition} {ctx:?}"
        );

        // 2. A conditional identity deny beside an allow-all.
        let out = run(&Case {
            identity: &[ALL, &deny_if],
            ctx,
            ..Case::default()
        });
        let want = if *holds { Some(ExplicitIdentity) } else { None };
        assert_eq!(
            out.reason, want,
            "row {i} identity deny: {condition} {ctx:?}"
        );

        // 3. A conditional boundary (even rows) or session policy (odd rows).
        let cond: &[&str] = &[&allow_all_if];
        let (boundary, session, fail) = if i % 2 == 0 {
            (Some(cond), None, NoBoundaryAllow)
        } else {
            (None, Some(cond), NoSessionAllow)
        };
        let out = run(&Case {
            kind: RoleSession,
            identity: &[ALL],
            boundary,
            session,
            ctx,
            ..Case::default()
        });
        let want = if *holds { None } else { Some(fail) };
        assert_eq!(
            out.reason, want,
            "row {i} boundary/session: {condition} {ctx:?}"
        );
        cases += 3;
    }
    assert!(cases >= 120, "{cases}");
}

#[test]
fn deny_with_negated_if_exists_still_denies_without_the_key() {
    // POLICY.md §4: Deny + StringNotEqualsIfExists with the key missing ⇒ deny.
    let deny = r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":"eu-west-1"}}}"#;
    for (ctx, want) in [
        (&[][..], Some(ExplicitIdentity)),
        (
            &[("aws:RequestedRegion", "us-east-1")][..],
            Some(ExplicitIdentity),
        ),
        (&[("aws:RequestedRegion", "eu-west-1")][..], None),
    ] {
        let out = run(&Case {
            identity: &[ALL, deny],
            ctx,
            ..Case::default()
        });
        assert_eq!(out.reason, want, "{ctx:?}");
    }
}

/// (identity, boundary, session, action, resource, context, expected) for a role session.
type MatchRow<'a> = (
    &'a [&'a str],
    Option<&'a [&'a str]>,
    Option<&'a [&'a str]>,
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    Option<DenyReason>,
);

const NOT_ROWS: &[MatchRow] = &[
    (
        &[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#],
        None,
        None,
        "iam:CreateUser",
        "*",
        &[],
        Some(NoIdentityAllow),
    ),
    (
        &[r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        Some(NoIdentityAllow),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}"#,
        ],
        None,
        None,
        "s3:PutObject",
        OBJECT,
        &[],
        Some(ExplicitIdentity),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        Some(ExplicitIdentity),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::bucket/*"}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::other/*"}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        Some(ExplicitIdentity),
    ),
    (
        &[r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::other/*"}"#],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/*"}"#],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        Some(NoIdentityAllow),
    ),
    (
        &[ALL],
        Some(&[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#]),
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[ALL],
        Some(&[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#]),
        None,
        "iam:DeleteRole",
        "arn:aws:iam::123456789012:role/x",
        &[],
        Some(NoBoundaryAllow),
    ),
    (
        &[ALL],
        Some(&[r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#]),
        None,
        ACTION,
        OBJECT,
        &[],
        Some(NoBoundaryAllow),
    ),
    (
        &[ALL],
        Some(&[
            ALL,
            r#"{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::bucket/*"}"#,
        ]),
        None,
        "s3:GetObject",
        "arn:aws:s3:::other/k",
        &[],
        Some(ExplicitBoundary),
    ),
    (
        &[ALL],
        None,
        Some(&[r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/*"}"#]),
        ACTION,
        OBJECT,
        &[],
        Some(NoSessionAllow),
    ),
    (
        &[ALL],
        None,
        Some(&[r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#]),
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[ALL],
        None,
        Some(&[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}"#,
        ]),
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[ALL],
        None,
        Some(&[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*"}"#,
        ]),
        "s3:DeleteObject",
        OBJECT,
        &[],
        Some(ExplicitSession),
    ),
    (
        &[
            r#"{"Effect":"Allow","NotAction":["iam:*","sts:*"],"NotResource":"arn:aws:s3:::other/*"}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[],
        ALLOW,
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        ],
        None,
        None,
        "iam:ListRoles",
        "*",
        &[("aws:SecureTransport", "false")],
        Some(ExplicitIdentity),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","NotAction":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#,
        ],
        None,
        None,
        "iam:ListRoles",
        "*",
        &[("aws:SecureTransport", "true")],
        ALLOW,
    ),
];

const VARIABLE_ROWS: &[MatchRow] = &[
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[("aws:username", "alice")],
        ALLOW,
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[("aws:username", "bob")],
        Some(NoIdentityAllow),
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[],
        Some(NoIdentityAllow),
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/shared/x",
        &[],
        ALLOW,
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/shared/x",
        &[("aws:PrincipalTag/team", "red")],
        Some(NoIdentityAllow),
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team, 'shared'}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/red/x",
        &[("aws:PrincipalTag/team", "red")],
        ALLOW,
    ),
    // A deny fenced by NotResource with a variable: an unresolved variable matches no ARN, so the deny covers all.
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[("aws:username", "alice")],
        ALLOW,
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/bob/x",
        &[("aws:username", "alice")],
        Some(ExplicitIdentity),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::bucket/${aws:username}/*"}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[],
        Some(ExplicitIdentity),
    ),
    // Variables in condition values: negated operators match when unresolved.
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[
            ("aws:PrincipalTag/owner", "alice"),
            ("aws:username", "alice"),
        ],
        ALLOW,
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[("aws:PrincipalTag/owner", "bob"), ("aws:username", "alice")],
        Some(ExplicitIdentity),
    ),
    (
        &[
            ALL,
            r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[("aws:PrincipalTag/owner", "alice")],
        Some(ExplicitIdentity),
    ),
    (
        &[
            r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}}"#,
        ],
        None,
        None,
        ACTION,
        OBJECT,
        &[("aws:PrincipalTag/owner", "alice")],
        Some(NoIdentityAllow),
    ),
    // Variables in a boundary and a session policy.
    (
        &[ALL],
        Some(&[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:userid}/*"}"#,
        ]),
        None,
        ACTION,
        "arn:aws:s3:::bucket/AROAX:s1/k",
        &[("aws:userid", "AROAX:s1")],
        ALLOW,
    ),
    (
        &[ALL],
        Some(&[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:userid}/*"}"#,
        ]),
        None,
        ACTION,
        "arn:aws:s3:::bucket/AROAX:s2/k",
        &[("aws:userid", "AROAX:s1")],
        Some(NoBoundaryAllow),
    ),
    (
        &[ALL],
        None,
        Some(&[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}"#,
        ]),
        ACTION,
        "arn:aws:s3:::bucket/red/k",
        &[("aws:PrincipalTag/team", "red")],
        ALLOW,
    ),
    (
        &[ALL],
        None,
        Some(&[
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}"#,
        ]),
        ACTION,
        "arn:aws:s3:::bucket/red/k",
        &[],
        Some(NoSessionAllow),
    ),
    // Without Version 2012-10-17 a variable is literal text.
    (
        &[
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/x",
        &[("aws:username", "alice")],
        Some(NoIdentityAllow),
    ),
    (
        &[
            r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}]}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/${aws:username}/x",
        &[("aws:username", "alice")],
        ALLOW,
    ),
    // A deny in the second identity policy of a set.
    (
        &[
            ALL,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/private/*"}]}"#,
        ],
        None,
        None,
        ACTION,
        "arn:aws:s3:::bucket/alice/private/k",
        &[("aws:username", "alice")],
        Some(ExplicitIdentity),
    ),
];

fn run_match_rows(name: &str, rows: &[MatchRow]) {
    for (i, (identity, boundary, session, action, resource_arn, ctx, want)) in
        rows.iter().enumerate()
    {
        let out = run(&Case {
            kind: RoleSession,
            identity,
            boundary: *boundary,
            session: *session,
            action,
            resource_arn,
            ctx,
            ..Case::default()
        });
        assert_eq!(
            out.reason, *want,
            "{name} row {i}: {action} on {resource_arn} with {ctx:?}; identity={identity:?}"
        );
    }
}

#[test]
fn not_action_and_not_resource_across_sets() {
    run_match_rows("not", NOT_ROWS);
}

#[test]
fn variables_resolve_per_set() {
    run_match_rows("variables", VARIABLE_ROWS);
}

#[test]
fn missing_keys_are_reported_once_across_sets() {
    let allow =
        r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/${aws:username}/*"}"#;
    let cond = r#"{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red","AWS:USERNAME":"x"}}}"#;
    let out = run(&Case {
        kind: RoleSession,
        identity: &[allow],
        boundary: Some(&[cond]),
        session: Some(&[cond]),
        ..Case::default()
    });
    assert_eq!(out.reason, Some(NoIdentityAllow));
    assert_eq!(
        out.missing_context_keys,
        ["aws:username", "aws:PrincipalTag/team"]
    );
}

#[test]
fn matched_statements_name_their_set_policy_and_index() {
    let out = run(&Case {
        kind: RoleSession,
        identity: &[
            AX,
            A,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        ],
        boundary: Some(&[ALL]),
        session: Some(&[DX, S3_GET]),
        resource: Some(&[RD_OTHER_USER, RA_SESSION]),
        ..Case::default()
    });
    assert_eq!(out.decision, Decision::Allow);
    let m = |set, policy, statement, effect| MatchedStatement {
        set,
        policy,
        statement,
        effect,
    };
    assert_eq!(
        out.matched,
        [
            m(SetKind::Identity, 0, 1, Effect::Allow),
            m(SetKind::Identity, 1, 0, Effect::Allow),
            m(SetKind::Boundary, 0, 0, Effect::Allow),
            m(SetKind::Session, 0, 1, Effect::Allow),
            m(SetKind::Resource, 0, 1, Effect::Allow),
        ]
    );
    assert_eq!(out.allowed_by_boundary, Some(true));

    // A resource statement naming the account is not reported as granting.
    let out = run(&Case {
        identity: &[],
        resource: Some(&[RA_ACCOUNT]),
        ..Case::default()
    });
    assert!(out.matched.is_empty(), "{:?}", out.matched);
    assert_eq!(out.allowed_by_boundary, None);

    // The deny that decided is reported.
    let out = run(&Case {
        identity: &[A],
        resource: Some(&[RD_USER]),
        ..Case::default()
    });
    assert_eq!(
        out.matched,
        [
            m(SetKind::Identity, 0, 0, Effect::Allow),
            m(SetKind::Resource, 0, 0, Effect::Deny)
        ]
    );
}

#[test]
fn denial_messages_follow_aws_wording() {
    let rows = [
        (
            ExplicitIdentity,
            "with an explicit deny in an identity-based policy",
        ),
        (
            ExplicitBoundary,
            "with an explicit deny in a permissions boundary",
        ),
        (ExplicitSession, "with an explicit deny in a session policy"),
        (
            ExplicitResource,
            "with an explicit deny in a resource-based policy",
        ),
        (
            NoIdentityAllow,
            "because no identity-based policy allows the iam:CreateUser action",
        ),
        (
            NoBoundaryAllow,
            "because no permissions boundary allows the iam:CreateUser action",
        ),
        (
            NoSessionAllow,
            "because no session policy allows the iam:CreateUser action",
        ),
    ];
    for (reason, tail) in rows {
        assert_eq!(
            denial_message(
                USER,
                "iam:CreateUser",
                "arn:aws:iam::123456789012:user/bob",
                reason
            ),
            format!(
                "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::123456789012:user/bob {tail}"
            )
        );
    }
}

#[test]
fn decisions_map_to_messages_end_to_end() {
    // Each reason reached through decide, then rendered: the full path a caller sees.
    let rows: [(Case, &str); 5] = [
        (
            Case {
                identity: &[AX],
                ..Case::default()
            },
            "because no identity-based policy allows the s3:GetObject action",
        ),
        (
            Case {
                identity: &[A, D],
                ..Case::default()
            },
            "with an explicit deny in an identity-based policy",
        ),
        (
            Case {
                identity: &[A],
                boundary: Some(&[AX]),
                ..Case::default()
            },
            "because no permissions boundary allows the s3:GetObject action",
        ),
        (
            Case {
                kind: RoleSession,
                identity: &[A],
                session: Some(&[AX]),
                ..Case::default()
            },
            "because no session policy allows the s3:GetObject action",
        ),
        (
            Case {
                identity: &[A],
                resource: Some(&[RD_ANY]),
                ..Case::default()
            },
            "with an explicit deny in a resource-based policy",
        ),
    ];
    for (case, tail) in rows {
        let out = run(&case);
        let reason = out.reason.expect("a denial");
        let msg = denial_message(SESSION, case.action, case.resource_arn, reason);
        assert_eq!(
            msg,
            format!(
                "User: {SESSION} is not authorized to perform: s3:GetObject on resource: {OBJECT} {tail}"
            )
        );
    }
}

/// Every combination of set outcomes for every principal kind, checked against
/// the summary formula of §7.1: (identity ∪ resource grant) ∩ boundary ∩
/// session, minus explicit denies; direct resource grants escape the caps; root
/// has everything not denied.
#[test]
fn every_combination_matches_the_summary_formula() {
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum S {
        Absent,
        Allow,
        Nothing,
        Deny,
    }
    #[derive(Clone, Copy, PartialEq, Debug)]
    enum R {
        Absent,
        Direct,
        Capped,
        Account,
        Deny,
    }
    let set_of = |s: S| -> Option<&'static [&'static str]> {
        match s {
            S::Absent => None,
            S::Allow => Some(&[A]),
            S::Nothing => Some(&[AX]),
            S::Deny => Some(&[ALL, D]),
        }
    };
    let mut checked = 0;
    for kind in [User, RoleSession, FederatedUser, Root] {
        let direct = match kind {
            User => RA_USER,
            RoleSession => RA_SESSION,
            FederatedUser => RA_FED,
            Root => RA_OTHER_USER,
        };
        let capped = match kind {
            RoleSession => RA_ROLE,
            FederatedUser => RA_BROKER,
            _ => RA_OTHER_USER,
        };
        for identity in [S::Nothing, S::Allow, S::Deny] {
            for boundary in [S::Absent, S::Allow, S::Nothing, S::Deny] {
                for session in [S::Absent, S::Allow, S::Nothing, S::Deny] {
                    for resource in [R::Absent, R::Direct, R::Capped, R::Account, R::Deny] {
                        let res: Option<&[&str]> = match resource {
                            R::Absent => None,
                            R::Direct => Some(std::slice::from_ref(&direct)),
                            R::Capped => Some(std::slice::from_ref(&capped)),
                            R::Account => Some(&[RA_ACCOUNT]),
                            R::Deny => Some(&[RD_ACCOUNT]),
                        };
                        let out = run(&Case {
                            kind,
                            identity: set_of(identity).unwrap_or(&[]),
                            boundary: set_of(boundary),
                            session: set_of(session),
                            resource: res,
                            ..Case::default()
                        });
                        let denied = identity == S::Deny
                            || boundary == S::Deny
                            || session == S::Deny
                            || resource == R::Deny;
                        let grants_directly = resource == R::Direct && kind != Root;
                        let capped_grant =
                            resource == R::Capped && matches!(kind, RoleSession | FederatedUser);
                        let base = identity == S::Allow || capped_grant;
                        let in_boundary = boundary != S::Nothing;
                        let in_session = match session {
                            S::Absent => kind != FederatedUser,
                            s => s == S::Allow,
                        };
                        let want = if denied {
                            Decision::ExplicitDeny
                        } else if kind == Root
                            || grants_directly
                            || (base && in_boundary && in_session)
                        {
                            Decision::Allow
                        } else {
                            Decision::ImplicitDeny
                        };
                        assert_eq!(
                            out.decision, want,
                            "{kind:?} identity={identity:?} boundary={boundary:?} session={session:?} resource={resource:?}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 3 * 4 * 4 * 5);
}
