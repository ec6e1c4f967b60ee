//! PutRolePermissionsBoundary: cap a role's permissions with a managed policy
//! (the account's or AWS's).

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::check_boundary_arn;
use crate::iam::managed::set_boundary;
use crate::store::EntityKind;

#[derive(Debug)]
pub struct Input {
    entity: String,
    arn: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "PutRolePermissionsBoundary";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = v
            .required(params, "RoleName", &validate::ROLE_NAME)
            .to_string();
        let arn = v
            .required(params, "PermissionsBoundary", &validate::ARN)
            .to_string();
        v.finish()?;
        check_boundary_arn(&arn)?;
        Ok(Input { entity, arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: "iam:PutRolePermissionsBoundary",
            entity: EntityKind::Role,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        set_boundary(ctx, EntityKind::Role, &self.entity, Some(&self.arn)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn boundary_must_be_a_policy_arn() {
        let p = Params::from_pairs([
            ("RoleName", "x"),
            ("PermissionsBoundary", "arn:aws:iam::123456789012:role/x"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(e.message.contains("'permissionsBoundary'"), "{}", e.message);
    }
}
