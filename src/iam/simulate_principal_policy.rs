//! SimulatePrincipalPolicy: evaluate an entity's own policies (plus any given
//! in the request) against a list of actions and resources.
//!
//! Users (inline + attached managed + their groups' policies, boundary),
//! groups (inline + attached) and roles (inline + attached, boundary).

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::{AccountId, Arn, parse_role_arn};
use crate::core::error::{ApiError, ApiResult};
use crate::core::policy::simulate::{SimCaller, SourcePolicy};
use crate::core::policy::{PolicyKind, PrincipalKind};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::http::authorize::{group_policies, role_policies, user_policies};
use crate::iam::common::{group_not_found, internal, role_not_found, user_not_found};
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

/// The stored policies of the principal named by `arn` in the caller's
/// account, gathered by the same code the authorizer uses
/// (`http::authorize::{user_policies, group_policies, role_policies}`).
pub async fn principal_policies(ctx: &Ctx<'_>, arn: &str) -> ApiResult<PrincipalPolicies> {
    let account = ctx.account()?;
    let store = ctx.state.store.as_ref();
    let parsed = Arn::parse(arn)
        .filter(|a| a.service == "iam" && a.region.is_empty())
        .ok_or_else(|| ApiError::invalid_input(format!("Invalid PolicySourceArn {arn}")))?;
    // The name is the last path segment; the path itself is not matched, as
    // IAM names are unique per account.
    let name = parsed
        .resource_id()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let same_account = parsed.account == account.as_str();
    let caller = |kind, arn: String| SimCaller {
        kind,
        arn,
        account: Some(account.as_str().to_string()),
    };
    match parsed.resource_type() {
        "role" => {
            let role_ref = parse_role_arn(arn, "PolicySourceArn")
                .map_err(|e| ApiError::invalid_input(e.message))?;
            if &role_ref.account != account {
                return Err(role_not_found(&role_ref.name));
            }
            let role = store
                .get_role(account, &role_ref.name)
                .await
                .map_err(internal)?
                .ok_or_else(|| role_not_found(&role_ref.name))?;
            let policies = role_policies(store, &role).await?;
            Ok(PrincipalPolicies {
                identity: policies.identity,
                boundary: policies.boundary,
                caller: caller(PrincipalKind::RoleSession, role.arn),
            })
        }
        "user" if !name.is_empty() => {
            let user = if same_account {
                store.get_user(account, &name).await.map_err(internal)?
            } else {
                None
            };
            let user = user.ok_or_else(|| user_not_found(&name))?;
            let policies = user_policies(store, &user).await?;
            Ok(PrincipalPolicies {
                identity: policies.identity,
                boundary: policies.boundary,
                caller: caller(PrincipalKind::User, user.arn),
            })
        }
        "group" if !name.is_empty() => {
            let group = if same_account {
                store.get_group(account, &name).await.map_err(internal)?
            } else {
                None
            };
            let group = group.ok_or_else(|| group_not_found(&name))?;
            Ok(PrincipalPolicies {
                identity: group_policies(store, account, &group.name).await?,
                boundary: None,
                caller: caller(PrincipalKind::User, group.arn),
            })
        }
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
