//! DeletePolicy: refused while the policy is attached, used as a boundary,
//! or has versions besides its default.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::internal;
use crate::iam::managed::{
    check_policy_arn, load_customer_policy, policy_arn_param, policy_not_found,
};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    arn: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeletePolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:DeletePolicy",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        load_customer_policy(ctx, &self.arn).await?;
        ctx.state
            .store
            .delete_policy(&self.arn)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => policy_not_found(&self.arn),
                StoreError::Conflict(m) => ApiError::new(ErrorCode::DeleteConflict, m),
                other => internal(other),
            })?;
        tracing::info!(policy = %self.arn, "managed policy deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_is_checked() {
        let p = Params::from_pairs([("PolicyArn", "arn:aws:iam::123456789012:user/x")]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
