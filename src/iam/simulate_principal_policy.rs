//! SimulatePrincipalPolicy: evaluate an entity's own policies (plus any given
//! in the request) against a list of actions and resources.
//!
//! Today only roles can be simulated: their inline policies. EXTENSION POINT
//! ([`principal_policies`]): users (inline + attached managed + group
//! policies), groups, and the entity's stored permissions boundary arrive
//! with the managed-policy store work.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::{AccountId, Arn, parse_role_arn};
use crate::core::error::{ApiError, ApiResult};
use crate::core::policy::simulate::{SimCaller, SourcePolicy, SourceType};
use crate::core::policy::{Policy, PolicyKind, PrincipalKind};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{Entity, internal, role_not_found, store_error};
use crate::iam::simulate_custom_policy::{
    Output, SimParams, input_policies, resource_policy, simulate_page,
};

#[derive(Debug)]
pub struct Input {
    source_arn: String,
    params: SimParams,
    extra: Vec<SourcePolicy>,
    boundary: Option<Vec<SourcePolicy>>,
    resource: Option<SourcePolicy>,
}

/// What the simulator evaluates for one principal.
pub struct PrincipalPolicies {
    pub identity: Vec<SourcePolicy>,
    /// The entity's stored boundary; `None` when it has none.
    pub boundary: Option<Vec<SourcePolicy>>,
    pub caller: SimCaller,
}

/// The stored policies of the principal named by `arn` in the caller's account.
pub async fn principal_policies(ctx: &Ctx<'_>, arn: &str) -> ApiResult<PrincipalPolicies> {
    let account = ctx.account()?;
    let parsed = Arn::parse(arn)
        .filter(|a| a.service == "iam")
        .ok_or_else(|| ApiError::invalid_input(format!("Invalid PolicySourceArn {arn}")))?;
    match parsed.resource_type() {
        "role" => {
            let role_ref = parse_role_arn(arn, "PolicySourceArn")
                .map_err(|e| ApiError::invalid_input(e.message))?;
            if &role_ref.account != account {
                return Err(role_not_found(&role_ref.name));
            }
            let role = ctx
                .state
                .store
                .get_role(account, &role_ref.name)
                .await
                .map_err(internal)?
                .ok_or_else(|| role_not_found(&role_ref.name))?;
            let inline = ctx
                .state
                .store
                .list_role_policies(account, &role.name)
                .await
                .map_err(|e| store_error(e, Entity::Role(&role.name)))?;
            let mut identity = Vec::with_capacity(inline.len());
            for p in inline {
                // Stored documents were validated on write; one that no longer
                // parses is a fault the simulator reports rather than skips.
                let policy = Policy::parse(&p.document, PolicyKind::Identity).map_err(|e| {
                    ApiError::new(
                        crate::core::error::ErrorCode::PolicyEvaluation,
                        format!("Role policy {} cannot be evaluated: {}", p.name, e.message),
                    )
                })?;
                identity.push(SourcePolicy {
                    id: p.name,
                    source_type: SourceType::Role,
                    policy,
                });
            }
            // EXTENSION POINT: attached managed policies (`aws-managed` /
            // `user-managed`) and `role.permissions_boundary` once the
            // managed-policy store lands.
            Ok(PrincipalPolicies {
                identity,
                boundary: None,
                caller: SimCaller {
                    kind: PrincipalKind::RoleSession,
                    arn: role.arn,
                    account: Some(account.as_str().to_string()),
                },
            })
        }
        // EXTENSION POINT: users and groups with the user/group store work.
        "user" | "group" => Err(ApiError::invalid_input(format!(
            "Simulating {} policies is not supported yet; PolicySourceArn must be a role ARN",
            parsed.resource_type()
        ))),
        _ => Err(ApiError::invalid_input(format!(
            "Invalid PolicySourceArn {arn}: expected the ARN of a user, group or role"
        ))),
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "SimulatePrincipalPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let source_arn = v
            .required(params, "PolicySourceArn", &validate::ARN)
            .to_string();
        let p = SimParams::from_params(&mut v, params)?;
        v.finish()?;
        let extra = input_policies(
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
        Ok(Input {
            source_arn,
            params: p,
            extra,
            boundary,
            resource,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:SimulatePrincipalPolicy",
            resource: self.source_arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let principal = principal_policies(ctx, &self.source_arn).await?;
        let mut identity = principal.identity;
        identity.extend(self.extra);
        // A boundary given in the request replaces the entity's own.
        let boundary = self.boundary.or(principal.boundary);
        simulate_page(
            &identity,
            boundary.as_deref(),
            self.resource.as_ref(),
            Some(&principal.caller),
            &self.params,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn source_arn_and_action_names_are_required() {
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("'policySourceArn'"), "{}", e.message);
        assert!(e.message.contains("'actionNames'"), "{}", e.message);
        let i = Input::from_params(
            &Params::from_pairs([
                ("PolicySourceArn", "arn:aws:iam::123456789012:role/app"),
                ("ActionNames.member.1", "s3:GetObject"),
            ])
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            i.authorization(None),
            Authorization::Allow {
                action: "iam:SimulatePrincipalPolicy",
                resource: "arn:aws:iam::123456789012:role/app".into()
            }
        );
    }
}
