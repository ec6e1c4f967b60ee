//! CreateUser: an IAM user with optional path, permissions boundary and tags.
//! New users hold no permissions until policies are given to them.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::app::SysRandom;
use crate::core::arn::{AccountId, user_arn};
use crate::core::error::ApiResult;
use crate::core::ids::{IdKind, new_id};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_USERS, TagKeys, check_boundary_arn, check_tags, path_param, render_user,
    store_error, tags_param,
};
use crate::store::{Tag, User};

#[derive(Debug)]
pub struct Input {
    path: String,
    name: String,
    permissions_boundary: Option<String>,
    tags: Vec<Tag>,
}

pub struct Output(User);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_user(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateUser";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let path = path_param(&mut v, params);
        let name = v
            .required(params, "UserName", &validate::USER_NAME)
            .to_string();
        let permissions_boundary = v
            .optional(params, "PermissionsBoundary", &validate::ARN)
            .map(str::to_string);
        let tags = tags_param(&mut v, params, "Tags")?.unwrap_or_default();
        v.finish()?;
        check_tags(&tags, TagKeys::CaseInsensitive)?;
        if let Some(arn) = &permissions_boundary {
            check_boundary_arn(arn)?;
        }
        Ok(Input {
            path,
            name,
            permissions_boundary,
            tags,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreateUser",
            resource: iam_resource(account, &format!("user{}{}", self.path, self.name)),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let user = User {
            account: account.clone(),
            arn: user_arn(account, &self.path, &self.name),
            user_id: new_id(IdKind::User, &mut SysRandom),
            name: self.name,
            path: self.path,
            created: ctx.now,
            tags: self.tags,
            is_admin: false,
            permissions_boundary: self.permissions_boundary,
        };
        ctx.state
            .store
            .create_user(&user, MAX_USERS)
            .await
            .map_err(|e| store_error(e, Entity::User(&user.name)))?;
        tracing::info!(user = %user.arn, "user created");
        Ok(Output(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn parses_and_checks() {
        let p = Params::from_pairs([("UserName", "bob"), ("Path", "/eng/")]).unwrap();
        let i = Input::from_params(&p).unwrap();
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::Allow {
                action: "iam:CreateUser",
                resource: "arn:aws:iam::123456789012:user/eng/bob".into()
            }
        );
        let long = "a".repeat(65);
        let p = Params::from_pairs([("UserName", long.as_str())]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(e.message.contains("'userName'"), "{}", e.message);
        let p = Params::from_pairs([
            ("UserName", "bob"),
            ("PermissionsBoundary", "arn:aws:iam::123456789012:role/x"),
        ])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
