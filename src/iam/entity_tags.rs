//! Tag/Untag/List…Tags for roles and users: one implementation each,
//! parameterised by the entity ([`Tagged`]); the action modules name the
//! instances. Keys compare ignoring case, as IAM does for both.

use std::future::Future;
use std::marker::PhantomData;

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, Page, TagKeys, TagsPage, check_tags, load_role, load_user, merge_tags, remove_tags,
    required_tags_param, role_authorization, role_name_param, store_error, tag_keys_param,
    tag_pairs, user_authorization, user_name_param,
};
use crate::store::Tag;

/// A named entity kind that carries tags, with its action names.
pub trait Tagged {
    const TAG: &'static str;
    const TAG_IAM: &'static str;
    const UNTAG: &'static str;
    const UNTAG_IAM: &'static str;
    const LIST: &'static str;
    const LIST_IAM: &'static str;
    /// The quota named when a merge would exceed the tag limit.
    const QUOTA: &'static str;

    fn name_param(v: &mut Validator, params: &Params) -> String;
    fn authorization(action: &'static str, name: &str) -> Authorization;
    /// The entity's stored name and tags, or `NoSuchEntity`.
    fn load_tags(ctx: &Ctx<'_>, name: &str) -> impl Future<Output = ApiResult<(String, Vec<Tag>)>>;
    /// Replace the tags of the entity stored as `stored`; `name` (as
    /// requested) goes into error messages.
    fn store_tags(
        ctx: &Ctx<'_>,
        account: &AccountId,
        stored: &str,
        name: &str,
        tags: &[Tag],
    ) -> impl Future<Output = ApiResult<()>>;
}

#[derive(Debug)]
pub struct Role;
#[derive(Debug)]
pub struct User;

impl Tagged for Role {
    const TAG: &'static str = "TagRole";
    const TAG_IAM: &'static str = "iam:TagRole";
    const UNTAG: &'static str = "UntagRole";
    const UNTAG_IAM: &'static str = "iam:UntagRole";
    const LIST: &'static str = "ListRoleTags";
    const LIST_IAM: &'static str = "iam:ListRoleTags";
    const QUOTA: &'static str = "TagsPerRole";

    fn name_param(v: &mut Validator, params: &Params) -> String {
        role_name_param(v, params)
    }

    fn authorization(action: &'static str, name: &str) -> Authorization {
        role_authorization(action, name)
    }

    async fn load_tags(ctx: &Ctx<'_>, name: &str) -> ApiResult<(String, Vec<Tag>)> {
        let role = load_role(ctx, name).await?;
        Ok((role.name, role.tags))
    }

    async fn store_tags(
        ctx: &Ctx<'_>,
        account: &AccountId,
        stored: &str,
        name: &str,
        tags: &[Tag],
    ) -> ApiResult<()> {
        ctx.state
            .store
            .set_role_tags(account, stored, tags)
            .await
            .map_err(|e| store_error(e, Entity::Role(name)))
    }
}

impl Tagged for User {
    const TAG: &'static str = "TagUser";
    const TAG_IAM: &'static str = "iam:TagUser";
    const UNTAG: &'static str = "UntagUser";
    const UNTAG_IAM: &'static str = "iam:UntagUser";
    const LIST: &'static str = "ListUserTags";
    const LIST_IAM: &'static str = "iam:ListUserTags";
    const QUOTA: &'static str = "TagsPerUser";

    fn name_param(v: &mut Validator, params: &Params) -> String {
        user_name_param(v, params)
    }

    fn authorization(action: &'static str, name: &str) -> Authorization {
        user_authorization(action, name)
    }

    async fn load_tags(ctx: &Ctx<'_>, name: &str) -> ApiResult<(String, Vec<Tag>)> {
        let user = load_user(ctx, name).await?;
        Ok((user.name, user.tags))
    }

    async fn store_tags(
        ctx: &Ctx<'_>,
        account: &AccountId,
        stored: &str,
        name: &str,
        tags: &[Tag],
    ) -> ApiResult<()> {
        ctx.state
            .store
            .set_user_tags(account, stored, tags)
            .await
            .map_err(|e| store_error(e, Entity::User(name)))
    }
}

/// Tag…: add or replace tags.
#[derive(Debug)]
pub struct TagEntity<T> {
    name: String,
    tags: Vec<Tag>,
    target: PhantomData<T>,
}

impl<T: Tagged> Action for TagEntity<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::TAG;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = T::name_param(&mut v, params);
        let tags = required_tags_param(&mut v, params)?;
        v.finish()?;
        check_tags(&tags, TagKeys::CaseInsensitive)?;
        Ok(TagEntity {
            name,
            tags,
            target: PhantomData,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        tag_pairs(&self.tags)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::TAG_IAM, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let (stored, existing) = T::load_tags(ctx, &self.name).await?;
        let tags = merge_tags(&existing, &self.tags, TagKeys::CaseInsensitive, T::QUOTA)?;
        T::store_tags(ctx, account, &stored, &self.name, &tags).await
    }
}

/// Untag…: drop tags by key; unknown keys are ignored.
#[derive(Debug)]
pub struct UntagEntity<T> {
    name: String,
    keys: Vec<String>,
    target: PhantomData<T>,
}

impl<T: Tagged> Action for UntagEntity<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::UNTAG;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = T::name_param(&mut v, params);
        let keys = tag_keys_param(&mut v, params);
        v.finish()?;
        Ok(UntagEntity {
            name,
            keys,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::UNTAG_IAM, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let (stored, existing) = T::load_tags(ctx, &self.name).await?;
        let tags = remove_tags(&existing, &self.keys, TagKeys::CaseInsensitive);
        T::store_tags(ctx, account, &stored, &self.name, &tags).await
    }
}

/// List…Tags: the entity's tags, paginated.
#[derive(Debug)]
pub struct ListEntityTags<T> {
    name: String,
    page: Page,
    target: PhantomData<T>,
}

impl<T: Tagged> Action for ListEntityTags<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::LIST;
    type Output = TagsPage;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = T::name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(ListEntityTags {
            name,
            page,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        T::authorization(T::LIST_IAM, &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<TagsPage> {
        let (_, tags) = T::load_tags(ctx, &self.name).await?;
        Ok(TagsPage::new(&self.page, tags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Render;
    use crate::core::error::ErrorCode;
    use crate::core::xml::XmlWriter;

    fn tags_are_required_and_checked<T: Tagged + std::fmt::Debug>(name_param: &str) {
        let e = TagEntity::<T>::from_params(&Params::from_pairs([(name_param, "a")]).unwrap())
            .unwrap_err();
        assert!(e.message.contains("Value null at 'tags'"), "{}", e.message);
        let p = Params::from_pairs([
            (name_param, "a"),
            ("Tags.member.1.Key", "aws:x"),
            ("Tags.member.1.Value", "v"),
        ])
        .unwrap();
        assert_eq!(
            TagEntity::<T>::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    fn tag_keys_are_required<T: Tagged + std::fmt::Debug>(name_param: &str) {
        let e = UntagEntity::<T>::from_params(&Params::from_pairs([(name_param, "a")]).unwrap())
            .unwrap_err();
        assert!(
            e.message.contains("Value null at 'tagKeys'"),
            "{}",
            e.message
        );
        let p = Params::from_pairs([(name_param, "a"), ("TagKeys.member.1", "k")]).unwrap();
        assert_eq!(UntagEntity::<T>::from_params(&p).unwrap().keys, vec!["k"]);
    }

    #[test]
    fn tag_and_untag_parse_members() {
        tags_are_required_and_checked::<Role>("RoleName");
        tags_are_required_and_checked::<User>("UserName");
        tag_keys_are_required::<Role>("RoleName");
        tag_keys_are_required::<User>("UserName");
    }

    #[test]
    fn renders_empty_tags_and_not_truncated() {
        let mut w = XmlWriter::new();
        TagsPage {
            tags: vec![],
            marker: None,
        }
        .render(&mut w);
        assert_eq!(w.into_string(), "<Tags/><IsTruncated>false</IsTruncated>");
        assert!(ListEntityTags::<Role>::from_params(&Params::default()).is_err());
        assert!(ListEntityTags::<User>::from_params(&Params::default()).is_err());
    }

    #[test]
    fn names_match_routes() {
        assert_eq!(
            [
                TagEntity::<Role>::NAME,
                TagEntity::<User>::NAME,
                UntagEntity::<Role>::NAME,
                UntagEntity::<User>::NAME,
                ListEntityTags::<Role>::NAME,
                ListEntityTags::<User>::NAME,
            ],
            [
                "TagRole",
                "TagUser",
                "UntagRole",
                "UntagUser",
                "ListRoleTags",
                "ListUserTags"
            ]
        );
    }
}
