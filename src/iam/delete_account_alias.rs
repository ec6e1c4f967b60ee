//! DeleteAccountAlias: `NoSuchEntity` unless the account holds this alias.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{Entity, account_alias_param, store_error};

#[derive(Debug)]
pub struct Input {
    alias: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteAccountAlias";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let alias = account_alias_param(&mut v, params);
        v.finish()?;
        Ok(Input { alias })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:DeleteAccountAlias",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .delete_account_alias(account, &self.alias)
            .await
            .map_err(|e| store_error(e, Entity::Alias(&self.alias)))?;
        tracing::info!(account = %account, alias = %self.alias, "account alias deleted");
        Ok(())
    }
}
