//! UpdateAssumeRolePolicy: replace a role's trust policy.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, check_trust_policy, role_authorization, role_name_param, store_error,
};

#[derive(Debug)]
pub struct Input {
    name: String,
    document: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateAssumeRolePolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = role_name_param(&mut v, params);
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        v.finish()?;
        check_trust_policy(&document)?;
        Ok(Input { name, document })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:UpdateAssumeRolePolicy", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .update_assume_role_policy(account, &self.name, &self.document)
            .await
            .map_err(|e| store_error(e, Entity::Role(&self.name)))?;
        tracing::info!(account = %account, role = %self.name, "trust policy updated");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn document_is_required_and_parsed() {
        let e = Input::from_params(&Params::from_pairs([("RoleName", "a")]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'policyDocument'"));
        let p = Params::from_pairs([("RoleName", "a"), ("PolicyDocument", "[")]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
    }
}
