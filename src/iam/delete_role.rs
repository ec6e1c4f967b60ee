//! DeleteRole: refused while the role still has inline or attached policies.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{Entity, role_authorization, role_name_param, store_error};

#[derive(Debug)]
pub struct Input {
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteRole";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = role_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:DeleteRole", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .delete_role(account, &self.name)
            .await
            // Conflicts name what remains: inline or attached policies.
            .map_err(|e| store_error(e, Entity::Role(&self.name)))?;
        tracing::info!(account = %account, role = %self.name, "role deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_role_name() {
        assert!(Input::from_params(&Params::default()).is_err());
        let i = Input::from_params(&Params::from_pairs([("RoleName", "a")]).unwrap()).unwrap();
        assert_eq!(i.name, "a");
    }
}
