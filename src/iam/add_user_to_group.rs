//! AddUserToGroup: idempotent; a user is in at most 10 groups.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, MAX_GROUPS_PER_USER, group_authorization, group_name_param, load_group, load_user,
    store_error, user_name_param,
};

#[derive(Debug)]
pub struct Input {
    group: String,
    user: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "AddUserToGroup";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let group = group_name_param(&mut v, params);
        let user = user_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { group, user })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:AddUserToGroup", &self.group)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        // Looked up first so a missing entity is named precisely.
        let group = load_group(ctx, &self.group).await?;
        let user = load_user(ctx, &self.user).await?;
        ctx.state
            .store
            .add_user_to_group(account, &group.name, &user.name, MAX_GROUPS_PER_USER)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.user)))?;
        tracing::info!(account = %account, group = %group.name, user = %user.name, "user added to group");
        Ok(())
    }
}
