//! DeleteAccessKey: remove a key of the named (or calling) user.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, implicit_user_authorization, implicit_user_name, optional_user_name_param, store_error,
};
use crate::principal::Principal;

#[derive(Debug)]
pub struct Input {
    user: Option<String>,
    access_key_id: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteAccessKey";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let user = optional_user_name_param(&mut v, params);
        let access_key_id = v
            .required(params, "AccessKeyId", &validate::ACCESS_KEY_ID)
            .to_string();
        v.finish()?;
        Ok(Input {
            user,
            access_key_id,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        implicit_user_authorization("iam:DeleteAccessKey", None, self.user.as_deref())
    }

    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        implicit_user_authorization("iam:DeleteAccessKey", caller, self.user.as_deref())
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let name = implicit_user_name(ctx, self.user.as_deref())?;
        ctx.state
            .store
            .delete_access_key(account, &name, &self.access_key_id)
            .await
            .map_err(|e| store_error(e, Entity::AccessKey(&self.access_key_id)))?;
        tracing::info!(account = %account, user = %name, access_key_id = %self.access_key_id, "access key deleted");
        Ok(())
    }
}
