//! AttachGroupPolicy: attaches a managed policy (AWS's or the account's) to a group; attaching twice is a no-op.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::managed::{attach, check_policy_arn, policy_arn_param};
use crate::store::EntityKind;

#[derive(Debug)]
pub struct Input {
    entity: String,
    arn: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "AttachGroupPolicy";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = v
            .required(params, "GroupName", &validate::GROUP_NAME)
            .to_string();
        let arn = policy_arn_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { entity, arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: "iam:AttachGroupPolicy",
            entity: EntityKind::Group,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        attach(ctx, EntityKind::Group, &self.entity, &self.arn).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn parses_members() {
        let p = Params::from_pairs([
            ("GroupName", "x"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::AllowEntity {
                action: "iam:AttachGroupPolicy",
                entity: crate::action::EntityKind::Group,
                name: "x".into()
            }
        );
        let p = Params::from_pairs([
            ("GroupName", "x"),
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
