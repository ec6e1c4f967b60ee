//! UntagUser: drop tags by key (ignoring case); unknown keys are ignored.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, TagKeys, load_user, remove_tags, store_error, tag_keys_param, user_authorization,
    user_name_param,
};

#[derive(Debug)]
pub struct Input {
    name: String,
    keys: Vec<String>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UntagUser";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = user_name_param(&mut v, params);
        let keys = tag_keys_param(&mut v, params);
        v.finish()?;
        Ok(Input { name, keys })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:UntagUser", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let user = load_user(ctx, &self.name).await?;
        let tags = remove_tags(&user.tags, &self.keys, TagKeys::CaseInsensitive);
        ctx.state
            .store
            .set_user_tags(account, &user.name, &tags)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys_are_required() {
        let e = Input::from_params(&Params::from_pairs([("UserName", "a")]).unwrap()).unwrap_err();
        assert!(
            e.message.contains("Value null at 'tagKeys'"),
            "{}",
            e.message
        );
        let p = Params::from_pairs([("UserName", "a"), ("TagKeys.member.1", "k")]).unwrap();
        assert_eq!(Input::from_params(&p).unwrap().keys, vec!["k"]);
    }
}
