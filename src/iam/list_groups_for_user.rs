//! ListGroupsForUser: the groups a user belongs to, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, Page, render_group_members, render_page, store_error, user_authorization,
    user_name_param,
};
use crate::store::Group;

#[derive(Debug)]
pub struct Input {
    user: String,
    page: Page,
}

pub struct Output {
    groups: Vec<Group>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("Groups", &self.groups, render_group_members);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListGroupsForUser";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let user = user_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { user, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:ListGroupsForUser", &self.user)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let groups = ctx
            .state
            .store
            .list_groups_for_user(account, &self.user)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.user)))?;
        let (groups, marker) = self.page.apply(groups, |g| g.name.as_str());
        Ok(Output { groups, marker })
    }
}
