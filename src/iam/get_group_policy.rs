//! GetGroupPolicy: one inline policy of a group, its document URL-encoded.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, encode_policy, group_authorization, group_name_param, internal, load_group,
    policy_name_param, store_error,
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
        w.leaf("GroupName", &self.owner)
            .leaf("PolicyName", &self.name)
            .leaf("PolicyDocument", &encode_policy(&self.document));
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetGroupPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = group_name_param(&mut v, params);
        let name = policy_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { owner, name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:GetGroupPolicy", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let owner = load_group(ctx, &self.owner).await?;
        let policy = ctx
            .state
            .store
            .get_group_policy(account, &owner.name, &self.name)
            .await
            .map_err(internal)?
            .ok_or_else(|| store_error(StoreError::NotFound, Entity::GroupPolicy(&self.name)))?;
        Ok(Output {
            owner: owner.name,
            name: policy.name,
            document: policy.document,
        })
    }
}
