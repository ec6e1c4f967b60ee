//! ListUsers: the account's users under a path prefix, paginated; listed
//! users leave out the permissions boundary and tags, as IAM's do.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Page, RoleShape, internal, path_prefix_param, render_page, render_user_members,
};
use crate::store::User;

#[derive(Debug)]
pub struct Input {
    path_prefix: String,
    page: Page,
}

pub struct Output {
    users: Vec<User>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("Users", &self.users, |w, u| {
            render_user_members(w, u, RoleShape::Listed)
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListUsers";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let path_prefix = path_prefix_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { path_prefix, page })
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListUsers",
            resource: iam_resource(account, "user/"),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let mut users = ctx
            .state
            .store
            .list_users(account)
            .await
            .map_err(internal)?;
        users.retain(|u| u.path.starts_with(&self.path_prefix));
        let (users, marker) = self.page.apply(users, |u| u.name.as_str());
        Ok(Output { users, marker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_users_omit_boundary_and_tags() {
        let account = AccountId::parse("123456789012").unwrap();
        let user = User {
            arn: crate::core::arn::user_arn(&account, "/", "a"),
            account,
            name: "a".into(),
            path: "/".into(),
            user_id: "AIDAEXAMPLEEXAMPLE01".into(),
            created: 0,
            tags: vec![crate::store::Tag {
                key: "k".into(),
                value: "v".into(),
            }],
            is_admin: false,
            permissions_boundary: Some("arn:aws:iam::aws:policy/X".into()),
        };
        let mut w = XmlWriter::new();
        Output {
            users: vec![user],
            marker: None,
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<Users><member><Path>/</Path><UserName>a</UserName><UserId>AIDAEXAMPLEEXAMPLE01</UserId><Arn>arn:aws:iam::123456789012:user/a</Arn><CreateDate>1970-01-01T00:00:00Z</CreateDate></member></Users><IsTruncated>false</IsTruncated>"
        );
    }
}
