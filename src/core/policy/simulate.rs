//! The policy simulator (SimulateCustomPolicy / SimulatePrincipalPolicy,
//! POLICY.md §8): [`decide`] for every action × resource pair, reported with
//! the source and position of the statements that decided it.

use super::decide::{DenyReason, PolicySet, PrincipalArns, PrincipalKind, SetKind, decide};
use super::{Context, Decision, Effect, Policy, Position, Request, RequestPrincipal};

/// `SourcePolicyType` of a matched statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceType {
    User,
    Group,
    Role,
    AwsManaged,
    UserManaged,
    Resource,
    /// Policies passed in the request (PolicyInputList, boundary input list).
    None,
}

impl SourceType {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::User => "user",
            SourceType::Group => "group",
            SourceType::Role => "role",
            SourceType::AwsManaged => "aws-managed",
            SourceType::UserManaged => "user-managed",
            SourceType::Resource => "resource",
            SourceType::None => "none",
        }
    }
}

/// A parsed policy with the identity the simulator reports it under.
#[derive(Debug, Clone)]
pub struct SourcePolicy {
    /// `PolicyInputList.1`, an inline policy name, a managed policy ARN…
    pub id: String,
    pub source_type: SourceType,
    pub policy: Policy,
}

/// `ContextKeyType` of a simulator context entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextKeyType {
    String,
    StringList,
    Numeric,
    NumericList,
    Boolean,
    BooleanList,
    Ip,
    IpList,
    Binary,
    BinaryList,
    Date,
    DateList,
}

impl ContextKeyType {
    pub const ALL: [(&'static str, ContextKeyType); 12] = [
        ("string", ContextKeyType::String),
        ("stringList", ContextKeyType::StringList),
        ("numeric", ContextKeyType::Numeric),
        ("numericList", ContextKeyType::NumericList),
        ("boolean", ContextKeyType::Boolean),
        ("booleanList", ContextKeyType::BooleanList),
        ("ip", ContextKeyType::Ip),
        ("ipList", ContextKeyType::IpList),
        ("binary", ContextKeyType::Binary),
        ("binaryList", ContextKeyType::BinaryList),
        ("date", ContextKeyType::Date),
        ("dateList", ContextKeyType::DateList),
    ];

    /// The wire name (`string`, `stringList`, …), exactly as the model spells it.
    pub fn parse(name: &str) -> Option<ContextKeyType> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    pub fn is_list(self) -> bool {
        matches!(
            self,
            ContextKeyType::StringList
                | ContextKeyType::NumericList
                | ContextKeyType::BooleanList
                | ContextKeyType::IpList
                | ContextKeyType::BinaryList
                | ContextKeyType::DateList
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntryInput {
    pub name: String,
    pub values: Vec<String>,
    pub key_type: ContextKeyType,
}

/// The simulated caller.
#[derive(Debug, Clone)]
pub struct SimCaller {
    pub kind: PrincipalKind,
    /// User ARN, role ARN (a role simulated as its sessions) or session ARN.
    pub arn: String,
    pub account: Option<String>,
}

/// Everything one simulation evaluates.
#[derive(Debug, Clone, Copy)]
pub struct Simulation<'a> {
    pub identity: &'a [SourcePolicy],
    /// `Some` when a permissions boundary applies (even an empty list).
    pub boundary: Option<&'a [SourcePolicy]>,
    pub resource_policy: Option<&'a SourcePolicy>,
    pub caller: Option<&'a SimCaller>,
    pub actions: &'a [String],
    /// `["*"]` when the request named none.
    pub resources: &'a [String],
    pub context: &'a [ContextEntryInput],
}

/// A matched statement as `MatchedStatements.member` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimStatement {
    pub source_policy_id: String,
    pub source_policy_type: SourceType,
    pub start: Position,
    pub end: Position,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationResult {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
    pub reason: Option<DenyReason>,
    /// The statements that decided: the denies of an explicit deny, the allows
    /// of an allow, none for an implicit deny.
    pub matched: Vec<SimStatement>,
    pub missing_context_values: Vec<String>,
    /// `Some` when a boundary was simulated.
    pub allowed_by_boundary: Option<bool>,
}

/// `allowed` / `explicitDeny` / `implicitDeny`.
pub fn decision_name(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allowed",
        Decision::ExplicitDeny => "explicitDeny",
        Decision::ImplicitDeny => "implicitDeny",
    }
}

/// The request context the simulator evaluates with: only what was supplied.
pub fn simulation_context(entries: &[ContextEntryInput]) -> Context {
    let mut c = Context::new();
    for e in entries {
        if e.key_type.is_list() || e.values.len() != 1 {
            c.insert_multi(&e.name, e.values.clone());
        } else {
            c.insert(&e.name, e.values[0].clone());
        }
    }
    c
}

/// One result per action × resource, action-major, in request order.
pub fn simulate(sim: &Simulation) -> Vec<EvaluationResult> {
    let context = simulation_context(sim.context);
    let identity: Vec<&Policy> = sim.identity.iter().map(|s| &s.policy).collect();
    let boundary: Option<Vec<&Policy>> =
        sim.boundary.map(|b| b.iter().map(|s| &s.policy).collect());
    let (direct, capped, principal) = match sim.caller {
        Some(c) => {
            let arns = vec![c.arn.clone()];
            let principal = RequestPrincipal {
                account: c.account.clone(),
                arns: arns.clone(),
                federated: None,
                services: Vec::new(),
            };
            match c.kind {
                PrincipalKind::RoleSession => (Vec::new(), arns, Some(principal)),
                PrincipalKind::Root => (Vec::new(), Vec::new(), Some(principal)),
                PrincipalKind::User | PrincipalKind::FederatedUser => {
                    (arns, Vec::new(), Some(principal))
                }
            }
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let set = PolicySet {
        identity: &identity,
        boundary: boundary.as_deref(),
        session: None,
        resource: sim.resource_policy.map(|s| &s.policy),
        principal_kind: sim.caller.map_or(PrincipalKind::User, |c| c.kind),
        principal_arns: PrincipalArns {
            direct: &direct,
            capped: &capped,
        },
    };
    let mut out = Vec::with_capacity(sim.actions.len() * sim.resources.len());
    for action in sim.actions {
        for resource in sim.resources {
            let request = Request {
                principal: principal.as_ref(),
                action,
                resource,
                context: &context,
            };
            let outcome = decide(&set, &request);
            let wanted = match outcome.decision {
                Decision::Allow => Some(Effect::Allow),
                Decision::ExplicitDeny => Some(Effect::Deny),
                Decision::ImplicitDeny => None,
            };
            let matched = outcome
                .matched
                .iter()
                .filter(|m| Some(m.effect) == wanted)
                // A boundary only limits; its allows are reported in the boundary detail.
                .filter(|m| !(m.set == SetKind::Boundary && m.effect == Effect::Allow))
                .filter_map(|m| {
                    let source = match m.set {
                        SetKind::Identity => sim.identity.get(m.policy),
                        SetKind::Boundary => sim.boundary.and_then(|b| b.get(m.policy)),
                        SetKind::Resource => sim.resource_policy,
                        SetKind::Session => None,
                    }?;
                    let st = source.policy.statements().get(m.statement)?;
                    Some(SimStatement {
                        source_policy_id: source.id.clone(),
                        source_policy_type: source.source_type,
                        start: st.start(),
                        end: st.end(),
                    })
                })
                .collect();
            out.push(EvaluationResult {
                action: action.clone(),
                resource: resource.clone(),
                decision: outcome.decision,
                reason: outcome.reason,
                matched,
                missing_context_values: outcome.missing_context_keys,
                allowed_by_boundary: outcome.allowed_by_boundary,
            });
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::core::policy::PolicyKind;

    fn source(id: &str, t: SourceType, doc: &str, kind: PolicyKind) -> SourcePolicy {
        SourcePolicy {
            id: id.into(),
            source_type: t,
            policy: Policy::parse(doc, kind).unwrap(),
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    const IDENTITY: &str = "{\"Version\":\"2012-10-17\",\"Statement\":[\n  {\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"*\"},\n  {\"Effect\":\"Deny\",\"Action\":\"iam:DeleteUser\",\"Resource\":\"*\"},\n  {\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/${aws:username}/*\"}\n]}";

    #[test]
    fn every_action_resource_pair_with_sources_and_positions() {
        let identity = [source(
            "PolicyInputList.1",
            SourceType::None,
            IDENTITY,
            PolicyKind::Identity,
        )];
        let actions = strings(&["iam:CreateUser", "iam:DeleteUser", "s3:GetObject"]);
        let resources = strings(&["arn:aws:s3:::b/alice/k", "*"]);
        let results = simulate(&Simulation {
            identity: &identity,
            boundary: None,
            resource_policy: None,
            caller: None,
            actions: &actions,
            resources: &resources,
            context: &[],
        });
        let summary: Vec<(&str, &str, &str)> = results
            .iter()
            .map(|r| {
                (
                    r.action.as_str(),
                    r.resource.as_str(),
                    decision_name(r.decision),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("iam:CreateUser", "arn:aws:s3:::b/alice/k", "allowed"),
                ("iam:CreateUser", "*", "allowed"),
                ("iam:DeleteUser", "arn:aws:s3:::b/alice/k", "explicitDeny"),
                ("iam:DeleteUser", "*", "explicitDeny"),
                ("s3:GetObject", "arn:aws:s3:::b/alice/k", "implicitDeny"),
                ("s3:GetObject", "*", "implicitDeny"),
            ]
        );
        // The allow is reported by position; the deny alone for the deny.
        assert_eq!(
            results[0].matched,
            [SimStatement {
                source_policy_id: "PolicyInputList.1".into(),
                source_policy_type: SourceType::None,
                start: Position { line: 2, column: 3 },
                // The closing brace of the statement.
                end: Position {
                    line: 2,
                    column: 52
                },
            }]
        );
        assert_eq!(results[2].matched.len(), 1);
        assert_eq!(results[2].matched[0].start.line, 3);
        assert!(results[4].matched.is_empty());
        // The unresolved variable is a missing context value.
        assert_eq!(results[4].missing_context_values, ["aws:username"]);
        assert_eq!(results[0].allowed_by_boundary, None);
    }

    #[test]
    fn context_entries_feed_variables_and_conditions() {
        let identity = [source(
            "PolicyInputList.1",
            SourceType::None,
            IDENTITY,
            PolicyKind::Identity,
        )];
        let actions = strings(&["s3:GetObject"]);
        let resources = strings(&["arn:aws:s3:::b/alice/k"]);
        let ctx = [ContextEntryInput {
            name: "aws:username".into(),
            values: strings(&["alice"]),
            key_type: ContextKeyType::String,
        }];
        let r = simulate(&Simulation {
            identity: &identity,
            boundary: None,
            resource_policy: None,
            caller: None,
            actions: &actions,
            resources: &resources,
            context: &ctx,
        });
        assert_eq!(r[0].decision, Decision::Allow);
        assert!(r[0].missing_context_values.is_empty());
        assert_eq!(r[0].matched[0].start.line, 4);

        let c = simulation_context(&[ContextEntryInput {
            name: "aws:TagKeys".into(),
            values: strings(&["a"]),
            key_type: ContextKeyType::StringList,
        }]);
        assert!(c.is_multi("aws:tagkeys"));
    }

    #[test]
    fn boundary_detail_and_resource_policy_grants() {
        let identity = [source(
            "PolicyInputList.1",
            SourceType::None,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            PolicyKind::Identity,
        )];
        let boundary = [source(
            "PermissionsBoundaryPolicyInputList.1",
            SourceType::None,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
            PolicyKind::Identity,
        )];
        let resource = source(
            "ResourcePolicy",
            SourceType::Resource,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:PutObject","Resource":"*"}]}"#,
            PolicyKind::Resource,
        );
        let caller = SimCaller {
            kind: PrincipalKind::User,
            arn: "arn:aws:iam::123456789012:user/alice".into(),
            account: Some("123456789012".into()),
        };
        let actions = strings(&["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        let resources = strings(&["arn:aws:s3:::b/k"]);
        let r = simulate(&Simulation {
            identity: &identity,
            boundary: Some(&boundary),
            resource_policy: Some(&resource),
            caller: Some(&caller),
            actions: &actions,
            resources: &resources,
            context: &[],
        });
        assert_eq!(r[0].decision, Decision::Allow);
        assert_eq!(r[0].allowed_by_boundary, Some(true));
        assert_eq!(r[0].matched.len(), 1);
        assert_eq!(r[0].matched[0].source_policy_id, "PolicyInputList.1");
        // The resource policy names the user directly: the boundary does not cap it.
        assert_eq!(r[1].decision, Decision::Allow);
        assert_eq!(r[1].allowed_by_boundary, Some(false));
        assert!(
            r[1].matched
                .iter()
                .any(|m| m.source_policy_type == SourceType::Resource
                    && m.source_policy_id == "ResourcePolicy")
        );
        assert_eq!(r[2].decision, Decision::ImplicitDeny);
        assert_eq!(r[2].reason, Some(DenyReason::NoBoundaryAllow));
        assert!(r[2].matched.is_empty());
    }

    #[test]
    fn context_key_types_have_model_names() {
        assert_eq!(
            ContextKeyType::parse("stringList"),
            Some(ContextKeyType::StringList)
        );
        assert_eq!(ContextKeyType::parse("StringList"), None);
        assert!(!ContextKeyType::Date.is_list());
        assert_eq!(SourceType::AwsManaged.as_str(), "aws-managed");
    }
}
