//! DetachRolePolicy: removes a managed policy from a role.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::managed::{check_policy_arn, detach, policy_arn_param};
use crate::store::EntityKind;

#[derive(Debug)]
pub struct Input {
    entity: String,
    arn: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DetachRolePolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = v
            .required(params, "RoleName", &validate::ROLE_NAME)
            .to_string();
        let arn = policy_arn_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { entity, arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: "iam:DetachRolePolicy",
            entity: EntityKind::Role,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        detach(ctx, EntityKind::Role, &self.entity, &self.arn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn parses_members() {
        let p = Params::from_pairs([
            ("RoleName", "x"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::AllowEntity {
                action: "iam:DetachRolePolicy",
                entity: crate::action::EntityKind::Role,
                name: "x".into()
            }
        );
        let p = Params::from_pairs([
            ("RoleName", "x"),
            ("PolicyArn", "arn:aws:iam::123456789012:role/r"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(
            e.message.starts_with("2 validation errors detected"),
            "{}",
            e.message
        );
    }
}
