//! SimulateCustomPolicy: evaluate policies given in the request against a
//! list of actions and resources (POLICY.md §8). Also the parameter parsing
//! and rendering SimulatePrincipalPolicy shares.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::{AccountId, Arn};
use crate::core::error::{ApiError, ApiResult};
use crate::core::policy::simulate::{
    ContextEntryInput, ContextKeyType, EvaluationResult, SimCaller, Simulation, SourcePolicy,
    SourceType, decision_name, simulate,
};
use crate::core::policy::{Policy, PolicyKind, PrincipalKind};
use crate::core::query::Params;
use crate::core::validate::{self, StrRule, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, render_page};

/// `ActionNameType`: 3–128 characters.
const ACTION_NAME: StrRule = StrRule {
    min: 3,
    max: 128,
    chars: |_| true,
    pattern: "",
    sensitive: false,
};

/// `ResourceNameType`: 1–2048 characters.
const RESOURCE_NAME: StrRule = StrRule {
    min: 1,
    max: 2048,
    chars: |_| true,
    pattern: "",
    sensitive: false,
};

/// `ContextKeyNameType`: 5–256 characters.
const CONTEXT_KEY_NAME: StrRule = StrRule {
    min: 5,
    max: 256,
    chars: |_| true,
    pattern: "",
    sensitive: false,
};

/// `ResourceHandlingOption`: 1–64 characters (accepted, not used).
const RESOURCE_HANDLING: StrRule = StrRule {
    min: 1,
    max: 64,
    chars: |_| true,
    pattern: "",
    sensitive: false,
};

/// The parameters both simulator actions take, model-checked.
#[derive(Debug)]
pub struct SimParams {
    pub policy_inputs: Option<Vec<String>>,
    pub boundary_inputs: Option<Vec<String>>,
    pub actions: Vec<String>,
    /// `["*"]` when none were given.
    pub resources: Vec<String>,
    pub resource_policy: Option<String>,
    pub caller_arn: Option<String>,
    pub context: Vec<ContextEntryInput>,
    pub page: Page,
}

fn owned(list: Option<Vec<&str>>) -> Option<Vec<String>> {
    list.map(|l| l.into_iter().map(str::to_string).collect())
}

impl SimParams {
    /// Model checks go into `v`; call `v.finish()` after.
    pub fn from_params(v: &mut Validator, params: &Params) -> ApiResult<SimParams> {
        let policy_inputs = owned(v.list(
            params,
            "PolicyInputList",
            usize::MAX,
            &validate::POLICY_DOCUMENT,
        ));
        let boundary_inputs = owned(v.list(
            params,
            "PermissionsBoundaryPolicyInputList",
            usize::MAX,
            &validate::POLICY_DOCUMENT,
        ));
        let actions = match v.list(params, "ActionNames", usize::MAX, &ACTION_NAME) {
            Some(a) => a.into_iter().map(str::to_string).collect(),
            None => {
                v.missing("ActionNames");
                Vec::new()
            }
        };
        let resources = owned(v.list(params, "ResourceArns", usize::MAX, &RESOURCE_NAME))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| vec!["*".to_string()]);
        let resource_policy = v
            .optional(params, "ResourcePolicy", &validate::POLICY_DOCUMENT)
            .map(str::to_string);
        v.optional(params, "ResourceOwner", &RESOURCE_NAME);
        let caller_arn = v
            .optional(params, "CallerArn", &RESOURCE_NAME)
            .map(str::to_string);
        v.optional(params, "ResourceHandlingOption", &RESOURCE_HANDLING);
        let context = context_entries(v, params)?;
        let page = Page::from_params(v, params)?;
        Ok(SimParams {
            policy_inputs,
            boundary_inputs,
            actions,
            resources,
            resource_policy,
            caller_arn,
            context,
            page,
        })
    }
}

/// `ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M, ContextKeyType}`.
fn context_entries(v: &mut Validator, params: &Params) -> ApiResult<Vec<ContextEntryInput>> {
    let Some(items) = params.struct_list("ContextEntries")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let name = match item.get("ContextKeyName") {
            Some(name) => {
                v.check(
                    &format!("contextEntries.{n}.member.contextKeyName"),
                    name,
                    &CONTEXT_KEY_NAME,
                );
                name.to_string()
            }
            None => {
                v.missing(&format!("contextEntries.{n}.member.contextKeyName"));
                String::new()
            }
        };
        let mut values: Vec<(u32, String)> = Vec::new();
        for (field, value) in item {
            if let Some(index) = field.strip_prefix("ContextKeyValues.member.") {
                match index.parse::<u32>() {
                    Ok(ix) if ix >= 1 => values.push((ix, value.to_string())),
                    _ => v.push(format!(
                        "'ContextEntries.member.{n}.{field}' has an invalid list index"
                    )),
                }
            }
        }
        values.sort_by_key(|(ix, _)| *ix);
        let values: Vec<String> = values.into_iter().map(|(_, value)| value).collect();
        let key_type = match item.get("ContextKeyType") {
            Some(t) => ContextKeyType::parse(t).unwrap_or_else(|| {
                let names: Vec<&str> = ContextKeyType::ALL.iter().map(|(n, _)| *n).collect();
                v.push(format!(
                    "Value '{t}' at 'contextEntries.{n}.member.contextKeyType' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                    names.join(", ")
                ));
                ContextKeyType::String
            }),
            // Untyped: a single value is a string, several a string list.
            None if values.len() == 1 => ContextKeyType::String,
            None => ContextKeyType::StringList,
        };
        out.push(ContextEntryInput {
            name,
            values,
            key_type,
        });
    }
    Ok(out)
}

/// Parse request-supplied documents as `kind`, reported as `{list}.{N}` with type `none`.
pub fn input_policies(
    docs: &[String],
    list: &str,
    kind: PolicyKind,
) -> ApiResult<Vec<SourcePolicy>> {
    docs.iter()
        .enumerate()
        .map(|(i, doc)| {
            let policy = Policy::parse(doc, kind).map_err(|e| {
                ApiError::malformed_policy(format!("{list}.{}: {}", i + 1, e.message))
            })?;
            Ok(SourcePolicy {
                id: format!("{list}.{}", i + 1),
                source_type: SourceType::None,
                policy,
            })
        })
        .collect()
}

/// The `ResourcePolicy` parameter, reported with type `resource`.
pub fn resource_policy(doc: Option<&str>) -> ApiResult<Option<SourcePolicy>> {
    doc.map(|doc| {
        let policy = Policy::parse(doc, PolicyKind::Resource)
            .map_err(|e| ApiError::malformed_policy(format!("ResourcePolicy: {}", e.message)))?;
        Ok(SourcePolicy {
            id: "ResourcePolicy".to_string(),
            source_type: SourceType::Resource,
            policy,
        })
    })
    .transpose()
}

/// `CallerArn` must be an IAM user ARN (AWS refuses roles, sessions, services).
pub fn user_caller(arn: &str) -> ApiResult<SimCaller> {
    let parsed = Arn::parse(arn).filter(|a| {
        a.service == "iam" && a.resource_type() == "user" && !a.resource_id().is_empty()
    });
    match parsed {
        Some(a) => Ok(SimCaller {
            kind: PrincipalKind::User,
            arn: arn.to_string(),
            account: Some(a.account),
        }),
        None => Err(ApiError::invalid_input(format!(
            "Invalid CallerArn {arn}: it must be the ARN of an IAM user"
        ))),
    }
}

/// Run the simulation and cut the requested page of results.
pub fn simulate_page(
    identity: &[SourcePolicy],
    boundary: Option<&[SourcePolicy]>,
    resource: Option<&SourcePolicy>,
    caller: Option<&SimCaller>,
    p: &SimParams,
) -> ApiResult<Output> {
    let results = simulate(&Simulation {
        identity,
        boundary,
        resource_policy: resource,
        caller,
        actions: &p.actions,
        resources: &p.resources,
        context: &p.context,
    });
    let (results, marker) = p.page.apply_in_order(results)?;
    Ok(Output { results, marker })
}

#[derive(Debug)]
pub struct Input {
    params: SimParams,
    policies: Vec<SourcePolicy>,
    boundary: Option<Vec<SourcePolicy>>,
    resource: Option<SourcePolicy>,
    caller: Option<SimCaller>,
}

pub struct Output {
    pub results: Vec<EvaluationResult>,
    pub marker: Option<String>,
}

pub fn render_results(w: &mut XmlWriter, results: &[EvaluationResult]) {
    w.list("EvaluationResults", results, |w, r| {
        w.leaf("EvalActionName", &r.action)
            .leaf("EvalResourceName", &r.resource)
            .leaf("EvalDecision", decision_name(r.decision));
        w.list("MatchedStatements", &r.matched, |w, s| {
            w.leaf("SourcePolicyId", &s.source_policy_id)
                .leaf("SourcePolicyType", s.source_policy_type.as_str());
            for (tag, pos) in [("StartPosition", s.start), ("EndPosition", s.end)] {
                w.open(tag)
                    .leaf_display("Line", pos.line)
                    .leaf_display("Column", pos.column)
                    .close(tag);
            }
        });
        w.string_list("MissingContextValues", &r.missing_context_values);
        if let Some(allowed) = r.allowed_by_boundary {
            w.open("PermissionsBoundaryDecisionDetail")
                .leaf_bool("AllowedByPermissionsBoundary", allowed)
                .close("PermissionsBoundaryDecisionDetail");
        }
        // AWS fills this map for cross-account simulations only; within one
        // account it is present and empty when a resource is named.
        if r.resource != "*" {
            w.list::<()>("EvalDecisionDetails", &[], |_, _| {});
        }
    });
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_results(w, &self.results);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "SimulateCustomPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let p = SimParams::from_params(&mut v, params)?;
        if p.policy_inputs.is_none() {
            v.missing("PolicyInputList");
        }
        v.finish()?;
        let policies = input_policies(
            p.policy_inputs.as_deref().unwrap_or_default(),
            "PolicyInputList",
            PolicyKind::Identity,
        )?;
        let boundary = p
            .boundary_inputs
            .as_deref()
            .map(|b| {
                input_policies(
                    b,
                    "PermissionsBoundaryPolicyInputList",
                    PolicyKind::Identity,
                )
            })
            .transpose()?;
        let resource = resource_policy(p.resource_policy.as_deref())?;
        let caller = p.caller_arn.as_deref().map(user_caller).transpose()?;
        if resource.is_some() && caller.is_none() {
            return Err(ApiError::invalid_input(
                "CallerArn is required when a ResourcePolicy is given",
            ));
        }
        Ok(Input {
            params: p,
            policies,
            boundary,
            resource,
            caller,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:SimulateCustomPolicy",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, _ctx: &Ctx<'_>) -> ApiResult<Output> {
        simulate_page(
            &self.policies,
            self.boundary.as_deref(),
            self.resource.as_ref(),
            self.caller.as_ref(),
            &self.params,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Get*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}},{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"}]}"#;

    fn input(pairs: &[(&str, &str)]) -> ApiResult<Input> {
        Input::from_params(&Params::from_pairs(pairs.iter().copied()).unwrap())
    }

    fn render(out: &Output) -> String {
        let mut w = XmlWriter::new();
        out.render(&mut w);
        w.into_string()
    }

    #[test]
    fn simulates_each_action_with_context_and_renders_results() {
        let i = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "iam:GetRole"),
            ("ActionNames.member.2", "iam:GetUser"),
            ("ActionNames.member.3", "iam:CreateRole"),
            (
                "ContextEntries.member.1.ContextKeyName",
                "aws:PrincipalTag/team",
            ),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "red"),
            ("ContextEntries.member.1.ContextKeyType", "string"),
        ])
        .unwrap();
        let out = simulate_page(&i.policies, None, None, None, &i.params).unwrap();
        let xml = render(&out);
        assert_eq!(
            xml,
            "<EvaluationResults>\
             <member><EvalActionName>iam:GetRole</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>allowed</EvalDecision>\
             <MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>none</SourcePolicyType>\
             <StartPosition><Line>1</Line><Column>38</Column></StartPosition><EndPosition><Line>1</Line><Column>151</Column></EndPosition></member></MatchedStatements>\
             <MissingContextValues/></member>\
             <member><EvalActionName>iam:GetUser</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>explicitDeny</EvalDecision>\
             <MatchedStatements><member><SourcePolicyId>PolicyInputList.1</SourcePolicyId><SourcePolicyType>none</SourcePolicyType>\
             <StartPosition><Line>1</Line><Column>153</Column></StartPosition><EndPosition><Line>1</Line><Column>207</Column></EndPosition></member></MatchedStatements>\
             <MissingContextValues/></member>\
             <member><EvalActionName>iam:CreateRole</EvalActionName><EvalResourceName>*</EvalResourceName><EvalDecision>implicitDeny</EvalDecision>\
             <MatchedStatements/><MissingContextValues/></member>\
             </EvaluationResults><IsTruncated>false</IsTruncated>"
        );
    }

    #[test]
    fn missing_context_pagination_and_boundary_detail() {
        let boundary = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}]}"#;
        let i = input(&[
            ("PolicyInputList.member.1", DOC),
            ("PermissionsBoundaryPolicyInputList.member.1", boundary),
            ("ActionNames.member.1", "iam:GetRole"),
            ("ResourceArns.member.1", "arn:aws:iam::123456789012:role/a"),
            ("ResourceArns.member.2", "arn:aws:iam::123456789012:role/b"),
            ("MaxItems", "1"),
        ])
        .unwrap();
        let out = simulate_page(&i.policies, i.boundary.as_deref(), None, None, &i.params).unwrap();
        assert_eq!(out.results.len(), 1);
        assert_eq!(out.results[0].resource, "arn:aws:iam::123456789012:role/a");
        assert_eq!(
            out.results[0].missing_context_values,
            ["aws:PrincipalTag/team"]
        );
        let xml = render(&out);
        assert!(xml.contains("<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>true</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail><EvalDecisionDetails/>"), "{xml}");
        assert!(xml.contains(
            "<MissingContextValues><member>aws:PrincipalTag/team</member></MissingContextValues>"
        ));
        let marker = out.marker.clone().unwrap();
        assert!(xml.ends_with(&format!(
            "<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>"
        )));
        let i = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "iam:GetRole"),
            ("ResourceArns.member.1", "arn:aws:iam::123456789012:role/a"),
            ("ResourceArns.member.2", "arn:aws:iam::123456789012:role/b"),
            ("MaxItems", "1"),
            ("Marker", &marker),
        ])
        .unwrap();
        let out = simulate_page(&i.policies, None, None, None, &i.params).unwrap();
        assert_eq!(out.results[0].resource, "arn:aws:iam::123456789012:role/b");
        assert!(out.marker.is_none());
    }

    #[test]
    fn input_errors() {
        let e = input(&[("ActionNames.member.1", "iam:GetRole")]).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("'policyInputList'"), "{}", e.message);
        let e = input(&[("PolicyInputList.member.1", DOC)]).unwrap_err();
        assert!(e.message.contains("'actionNames'"), "{}", e.message);
        let e = input(&[
            ("PolicyInputList.member.1", DOC),
            ("PolicyInputList.member.2", "{\"Statement\":[]"),
            ("ActionNames.member.1", "iam:GetRole"),
        ])
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::MalformedPolicyDocument);
        assert!(
            e.message.starts_with("PolicyInputList.2: "),
            "{}",
            e.message
        );
        let e = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "iam:GetRole"),
            ("ContextEntries.member.1.ContextKeyName", "aws:username"),
            ("ContextEntries.member.1.ContextKeyValues.member.1", "x"),
            ("ContextEntries.member.1.ContextKeyType", "text"),
        ])
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(
            e.message
                .contains("Value 'text' at 'contextEntries.1.member.contextKeyType'"),
            "{}",
            e.message
        );
        let resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
        let e = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourcePolicy", resource),
        ])
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        let e = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourcePolicy", resource),
            ("CallerArn", "arn:aws:iam::123456789012:role/r"),
        ])
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("CallerArn"));
        // A resource policy without Principal is malformed.
        let e = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourcePolicy", DOC),
            ("CallerArn", "arn:aws:iam::123456789012:user/u"),
        ])
        .unwrap_err();
        assert_eq!(e.code, ErrorCode::MalformedPolicyDocument);
    }

    #[test]
    fn resource_policy_grants_the_named_caller() {
        let resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/u"},"Action":"s3:GetObject","Resource":"*"}]}"#;
        let i = input(&[
            ("PolicyInputList.member.1", DOC),
            ("ActionNames.member.1", "s3:GetObject"),
            ("ResourceArns.member.1", "arn:aws:s3:::b/k"),
            ("ResourcePolicy", resource),
            ("CallerArn", "arn:aws:iam::123456789012:user/u"),
        ])
        .unwrap();
        let out = simulate_page(
            &i.policies,
            None,
            i.resource.as_ref(),
            i.caller.as_ref(),
            &i.params,
        )
        .unwrap();
        let xml = render(&out);
        assert!(
            xml.contains("<EvalDecision>allowed</EvalDecision>"),
            "{xml}"
        );
        assert!(xml.contains("<SourcePolicyId>ResourcePolicy</SourcePolicyId><SourcePolicyType>resource</SourcePolicyType>"), "{xml}");
        assert_eq!(
            i.authorization(None),
            Authorization::Allow {
                action: "iam:SimulateCustomPolicy",
                resource: "*".into()
            }
        );
    }
}
