//! DeleteUser: refused while access keys, policies or group memberships remain.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{Entity, store_error, user_authorization, user_name_param};

#[derive(Debug)]
pub struct Input {
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteUser";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = user_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:DeleteUser", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .delete_user(account, &self.name)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.name)))?;
        tracing::info!(account = %account, user = %self.name, "user deleted");
        Ok(())
    }
}
