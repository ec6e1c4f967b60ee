//! UpdateRole: change the description and/or the maximum session duration.

use crate::action::{Action, Authorization, Ctx, EmptyResult};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, MAX_MAX_SESSION, MIN_MAX_SESSION, role_authorization, role_name_param, store_error,
};
use crate::store::RoleUpdate;

#[derive(Debug)]
pub struct Input {
    name: String,
    update: RoleUpdate,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateRole";
    type Output = EmptyResult;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = role_name_param(&mut v, params);
        let description = v
            .optional(params, "Description", &validate::ROLE_DESCRIPTION)
            .map(str::to_string);
        let max_session_duration = v.optional_int(
            params,
            "MaxSessionDuration",
            MIN_MAX_SESSION,
            MAX_MAX_SESSION,
        );
        v.finish()?;
        Ok(Input {
            name,
            update: RoleUpdate {
                description,
                max_session_duration,
            },
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:UpdateRole", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<EmptyResult> {
        let account = ctx.account()?;
        ctx.state
            .store
            .update_role(account, &self.name, &self.update)
            .await
            .map_err(|e| store_error(e, Entity::Role(&self.name)))?;
        Ok(EmptyResult)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_optional_members() {
        let p = Params::from_pairs([("RoleName", "a"), ("MaxSessionDuration", "43200")]).unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(
            i.update,
            RoleUpdate {
                description: None,
                max_session_duration: Some(43200)
            }
        );
        let p = Params::from_pairs([("RoleName", "a"), ("MaxSessionDuration", "43201")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(e.message.contains(
            "at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200"
        ));
    }
}
