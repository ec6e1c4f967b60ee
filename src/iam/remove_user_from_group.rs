//! RemoveUserFromGroup: `NoSuchEntity` when the user is not a member.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, group_authorization, group_name_param, load_group, load_user, store_error,
    user_name_param,
};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    group: String,
    user: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "RemoveUserFromGroup";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let group = group_name_param(&mut v, params);
        let user = user_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { group, user })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:RemoveUserFromGroup", &self.group)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let group = load_group(ctx, &self.group).await?;
        let user = load_user(ctx, &self.user).await?;
        ctx.state
            .store
            .remove_user_from_group(account, &group.name, &user.name)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => ApiError::no_such_entity(format!(
                    "The user with name {} is not in group {}.",
                    user.name, group.name
                )),
                other => store_error(other, Entity::Group(&self.group)),
            })?;
        tracing::info!(account = %account, group = %group.name, user = %user.name, "user removed from group");
        Ok(())
    }
}
