//! GetUserPolicy: one inline policy of a user, its document URL-encoded.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, encode_policy, internal, load_user, policy_name_param, store_error, user_authorization,
    user_name_param,
};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    owner: String,
    name: String,
}

pub struct Output {
    owner: String,
    name: String,
    document: String,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("UserName", &self.owner)
            .leaf("PolicyName", &self.name)
            .leaf("PolicyDocument", &encode_policy(&self.document));
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetUserPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = user_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { owner, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:GetUserPolicy", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let owner = load_user(ctx, &self.owner).await?;
        let policy = ctx
            .state
            .store
            .get_user_policy(account, &owner.name, &self.name)
            .await
            .map_err(internal)?
            .ok_or_else(|| store_error(StoreError::NotFound, Entity::UserPolicy(&self.name)))?;
        Ok(Output {
            owner: owner.name,
            name: policy.name,
            document: policy.document,
        })
    }
}
