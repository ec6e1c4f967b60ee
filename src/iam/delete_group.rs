//! DeleteGroup: refused while members or policies remain.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{Entity, group_authorization, group_name_param, store_error};

#[derive(Debug)]
pub struct Input {
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteGroup";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = group_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:DeleteGroup", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .delete_group(account, &self.name)
            .await
            .map_err(|e| store_error(e, Entity::Group(&self.name)))?;
        tracing::info!(account = %account, group = %self.name, "group deleted");
        Ok(())
    }
}
