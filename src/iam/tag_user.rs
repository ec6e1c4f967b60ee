//! TagUser: add or replace tags (keys compare ignoring case).

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, TagKeys, check_tags, load_user, merge_tags, store_error, tags_param,
    user_authorization, user_name_param,
};
use crate::store::Tag;

#[derive(Debug)]
pub struct Input {
    name: String,
    tags: Vec<Tag>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "TagUser";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = user_name_param(&mut v, params);
        let tags = tags_param(&mut v, params, "Tags")?;
        if tags.is_none() {
            v.missing("Tags");
        }
        v.finish()?;
        let tags = tags.unwrap_or_default();
        check_tags(&tags, TagKeys::CaseInsensitive)?;
        Ok(Input { name, tags })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:TagUser", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let user = load_user(ctx, &self.name).await?;
        let tags = merge_tags(
            &user.tags,
            &self.tags,
            TagKeys::CaseInsensitive,
            "TagsPerUser",
        )?;
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
    use crate::core::error::ErrorCode;

    #[test]
    fn tags_are_required_and_checked() {
        let e = Input::from_params(&Params::from_pairs([("UserName", "a")]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'tags'"), "{}", e.message);
        let p = Params::from_pairs([
            ("UserName", "a"),
            ("Tags.member.1.Key", "aws:x"),
            ("Tags.member.1.Value", "v"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
