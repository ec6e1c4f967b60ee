//! DeleteGroupPolicy: remove one inline policy of a group.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, group_authorization, group_name_param, load_group, policy_name_param, store_error,
};

#[derive(Debug)]
pub struct Input {
    owner: String,
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteGroupPolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = group_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { owner, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:DeleteGroupPolicy", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let owner = load_group(ctx, &self.owner).await?;
        ctx.state
            .store
            .delete_group_policy(account, &owner.name, &self.name)
            .await
            .map_err(|e| store_error(e, Entity::GroupPolicy(&self.name)))?;
        tracing::info!(account = %account, group = %owner.name, policy = %self.name, "group policy deleted");
        Ok(())
    }
}
