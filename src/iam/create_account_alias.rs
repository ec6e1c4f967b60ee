//! CreateAccountAlias: the account's one alias (replacing the previous one);
//! aliases are unique across accounts.

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
    const NAME: &'static str = "CreateAccountAlias";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let alias = account_alias_param(&mut v, params);
        v.finish()?;
        Ok(Input { alias })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreateAccountAlias",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .create_account_alias(account, &self.alias)
            .await
            .map_err(|e| store_error(e, Entity::Alias(&self.alias)))?;
        tracing::info!(account = %account, alias = %self.alias, "account alias set");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_pattern() {
        for (alias, ok) in [
            ("my-corp", true),
            ("abc", true),
            ("ab", false),
            ("-abc", false),
            ("abc-", false),
            ("a--b", false),
            ("ABC", false),
            ("123456789012", false),
            ("a_b", false),
        ] {
            let p = Params::from_pairs([("AccountAlias", alias)]).unwrap();
            assert_eq!(Input::from_params(&p).is_ok(), ok, "{alias}");
        }
    }
}
