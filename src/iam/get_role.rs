//! GetRole: one role with its trust policy, boundary and tags.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{load_role, render_role, role_authorization, role_name_param};
use crate::store::Role;

#[derive(Debug)]
pub struct Input {
    name: String,
}

pub struct Output(Role);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_role(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetRole";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = role_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:GetRole", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        Ok(Output(load_role(ctx, &self.name).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn role_name_is_required_and_checked() {
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"
        );
        let long = "r".repeat(65);
        let e = Input::from_params(&Params::from_pairs([("RoleName", long.as_str())]).unwrap())
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        let i = Input::from_params(&Params::from_pairs([("RoleName", "app")]).unwrap()).unwrap();
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::AllowEntity {
                action: "iam:GetRole",
                entity: crate::action::EntityKind::Role,
                name: "app".into()
            }
        );
    }
}
