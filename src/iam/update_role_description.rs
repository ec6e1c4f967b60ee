//! UpdateRoleDescription: set the description and return the role.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, load_role, render_role, role_authorization, role_name_param, store_error,
};
use crate::store::{Role, RoleUpdate};

#[derive(Debug)]
pub struct Input {
    name: String,
    description: String,
}

pub struct Output(Role);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_role(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateRoleDescription";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = role_name_param(&mut v, params);
        let description = v
            .required(params, "Description", &validate::ROLE_DESCRIPTION)
            .to_string();
        v.finish()?;
        Ok(Input { name, description })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:UpdateRoleDescription", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let update = RoleUpdate {
            description: Some(self.description),
            max_session_duration: None,
        };
        ctx.state
            .store
            .update_role(account, &self.name, &update)
            .await
            .map_err(|e| store_error(e, Entity::Role(&self.name)))?;
        Ok(Output(load_role(ctx, &self.name).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_is_required() {
        let e = Input::from_params(&Params::from_pairs([("RoleName", "a")]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'description'"));
        let p = Params::from_pairs([("RoleName", "a"), ("Description", "")]).unwrap();
        assert_eq!(Input::from_params(&p).unwrap().description, "");
    }
}
