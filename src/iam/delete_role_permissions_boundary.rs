//! DeleteRolePermissionsBoundary: remove a role's permissions boundary (a no-op
//! when it has none).

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::managed::set_boundary;
use crate::store::EntityKind;

#[derive(Debug)]
pub struct Input {
    entity: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteRolePermissionsBoundary";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = v
            .required(params, "RoleName", &validate::ROLE_NAME)
            .to_string();
        v.finish()?;
        Ok(Input { entity })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: "iam:DeleteRolePermissionsBoundary",
            entity: EntityKind::Role,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        set_boundary(ctx, EntityKind::Role, &self.entity, None).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_is_required() {
        assert!(Input::from_params(&Params::default()).is_err());
        let i = Input::from_params(&Params::from_pairs([("RoleName", "x")]).unwrap()).unwrap();
        assert_eq!(i.entity, "x");
    }
}
