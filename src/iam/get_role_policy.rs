//! GetRolePolicy: one inline policy of a role, its document URL-encoded.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, encode_policy, internal, load_role, policy_name_param, role_authorization,
    role_name_param, store_error,
};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    role: String,
    name: String,
}

pub struct Output {
    role: String,
    name: String,
    document: String,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("RoleName", &self.role)
            .leaf("PolicyName", &self.name)
            .leaf("PolicyDocument", &encode_policy(&self.document));
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetRolePolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role = role_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { role, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:GetRolePolicy", &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let role = load_role(ctx, &self.role).await?;
        let policy = ctx
            .state
            .store
            .get_role_policy(account, &role.name, &self.name)
            .await
            .map_err(internal)?
            .ok_or_else(|| store_error(StoreError::NotFound, Entity::RolePolicy(&self.name)))?;
        Ok(Output {
            role: role.name,
            name: policy.name,
            document: policy.document,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_document_encoded() {
        let mut w = XmlWriter::new();
        Output {
            role: "r".into(),
            name: "p".into(),
            document: "{\"Version\": \"2012-10-17\"}".into(),
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<RoleName>r</RoleName><PolicyName>p</PolicyName><PolicyDocument>%7B%22Version%22%3A%20%222012-10-17%22%7D</PolicyDocument>"
        );
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(e.message.starts_with("2 validation errors detected"));
    }
}
