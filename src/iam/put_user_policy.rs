//! PutUserPolicy: add or replace an inline policy of a user, within the
//! user's aggregate inline-policy size quota.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::policy::PolicyKind;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, MAX_USER_INLINE_POLICIES, check_policy, policy_name_param, store_error,
    user_authorization, user_name_param,
};
use crate::store::InlinePolicy;

#[derive(Debug)]
pub struct Input {
    owner: String,
    policy: InlinePolicy,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "PutUserPolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = user_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        v.finish()?;
        check_policy(&document, PolicyKind::Identity)?;
        Ok(Input {
            owner,
            policy: InlinePolicy { name, document },
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:PutUserPolicy", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .put_user_policy(account, &self.owner, &self.policy, MAX_USER_INLINE_POLICIES)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.owner)))?;
        tracing::info!(account = %account, user = %self.owner, policy = %self.policy.name, "user policy put");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn documents_are_parsed() {
        let p = Params::from_pairs([
            ("UserName", "o"),
            ("PolicyName", "p"),
            ("PolicyDocument", "{\"Version\":\"2012-10-17\"}"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
    }
}
