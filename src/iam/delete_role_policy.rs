//! DeleteRolePolicy: remove one inline policy of a role.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, load_role, policy_name_param, role_authorization, role_name_param, store_error,
};

#[derive(Debug)]
pub struct Input {
    role: String,
    name: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteRolePolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role = role_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { role, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:DeleteRolePolicy", &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        // A missing role and a missing policy are different errors.
        let role = load_role(ctx, &self.role).await?;
        ctx.state
            .store
            .delete_role_policy(account, &role.name, &self.name)
            .await
            .map_err(|e| store_error(e, Entity::RolePolicy(&self.name)))?;
        tracing::info!(account = %account, role = %role.name, policy = %self.name, "role policy deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_names_required() {
        let p = Params::from_pairs([("RoleName", "r")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(e.message.contains("Value null at 'policyName'"));
    }
}
