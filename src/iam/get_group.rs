//! GetGroup: a group and its members (paginated).

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, Page, RoleShape, group_authorization, group_name_param, render_group_members,
    render_page, render_user_members, store_error,
};
use crate::store::{Group, User};

#[derive(Debug)]
pub struct Input {
    name: String,
    page: Page,
}

pub struct Output {
    group: Group,
    users: Vec<User>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("Group");
        render_group_members(w, &self.group);
        w.close("Group");
        w.list("Users", &self.users, |w, u| {
            render_user_members(w, u, RoleShape::Listed)
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetGroup";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = group_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { name, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        group_authorization("iam:GetGroup", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let group = crate::iam::common::load_group(ctx, &self.name).await?;
        let users = ctx
            .state
            .store
            .list_group_members(account, &group.name)
            .await
            .map_err(|e| store_error(e, Entity::Group(&self.name)))?;
        let (users, marker) = self.page.apply(users, |u| u.name.as_str());
        Ok(Output {
            group,
            users,
            marker,
        })
    }
}
