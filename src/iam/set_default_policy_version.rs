//! SetDefaultPolicyVersion: make one version of a customer managed policy the
//! one in force.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::internal;
use crate::iam::get_policy_version::version_not_found;
use crate::iam::managed::{
    check_policy_arn, load_customer_policy, policy_arn_param, version_id_param,
};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    arn: String,
    version_id: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "SetDefaultPolicyVersion";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        let version_id = version_id_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { arn, version_id })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:SetDefaultPolicyVersion",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        load_customer_policy(ctx, &self.arn).await?;
        ctx.state
            .store
            .set_default_policy_version(&self.arn, &self.version_id, ctx.now)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => version_not_found(&self.arn, &self.version_id),
                other => internal(other),
            })?;
        tracing::info!(policy = %self.arn, version = %self.version_id, "default policy version set");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_members_are_required() {
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(e.message.contains("'policyArn'") && e.message.contains("'versionId'"));
    }
}
