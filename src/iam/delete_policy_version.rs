//! DeletePolicyVersion: a non-default version of a customer managed policy.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
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
    const NAME: &'static str = "DeletePolicyVersion";
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
            action: "iam:DeletePolicyVersion",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        load_customer_policy(ctx, &self.arn).await?;
        ctx.state
            .store
            .delete_policy_version(&self.arn, &self.version_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => version_not_found(&self.arn, &self.version_id),
                StoreError::Conflict(m) => ApiError::new(ErrorCode::DeleteConflict, m),
                other => internal(other),
            })?;
        tracing::info!(policy = %self.arn, version = %self.version_id, "policy version deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_id_follows_the_pattern() {
        let p = Params::from_pairs([
            ("PolicyArn", "arn:aws:iam::123456789012:policy/p"),
            ("VersionId", "1"),
        ])
        .unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("'versionId'"), "{}", e.message);
    }
}
