//! PutRolePolicy: add or replace an inline policy of a role, within the
//! role's aggregate inline-policy size quota.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::policy::PolicyKind;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, MAX_ROLE_INLINE_POLICIES, check_policy, policy_name_param, role_authorization,
    role_name_param, store_error,
};
use crate::store::{InlinePolicy, StoreError};

#[derive(Debug)]
pub struct Input {
    role: String,
    policy: InlinePolicy,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "PutRolePolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role = role_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        v.finish()?;
        check_policy(&document, PolicyKind::Identity)?;
        Ok(Input {
            role,
            policy: InlinePolicy { name, document },
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:PutRolePolicy", &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .put_role_policy(account, &self.role, &self.policy, MAX_ROLE_INLINE_POLICIES)
            .await
            .map_err(|e| match e {
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "Maximum policy size of {MAX_ROLE_INLINE_POLICIES} bytes exceeded for role {}",
                        self.role
                    ),
                ),
                other => store_error(other, Entity::Role(&self.role)),
            })?;
        tracing::info!(account = %account, role = %self.role, policy = %self.policy.name, "role policy put");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_the_document() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        let p = Params::from_pairs([
            ("RoleName", "r"),
            ("PolicyName", "p"),
            ("PolicyDocument", doc),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.policy.name, "p");
        assert_eq!(i.policy.document, doc);
        let p = Params::from_pairs([
            ("RoleName", "r"),
            ("PolicyName", "p"),
            ("PolicyDocument", "x"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
        let p = Params::from_pairs([("RoleName", "r"), ("PolicyName", "bad/name")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(
            e.message.starts_with("2 validation errors detected"),
            "{}",
            e.message
        );
        assert!(e.message.contains("'policyName'"));
    }
}
