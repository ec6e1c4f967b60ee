//! DeleteUserPolicy: remove one inline policy of a user.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, load_user, policy_name_param, store_error, user_authorization, user_name_param,
};

#[derive(Debug)]
pub struct Input {
    owner: String,
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteUserPolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = user_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { owner, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:DeleteUserPolicy", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let owner = load_user(ctx, &self.owner).await?;
        ctx.state
            .store
            .delete_user_policy(account, &owner.name, &self.name)
            .await
            .map_err(|e| store_error(e, Entity::UserPolicy(&self.name)))?;
        tracing::info!(account = %account, user = %owner.name, policy = %self.name, "user policy deleted");
        Ok(())
    }
}
