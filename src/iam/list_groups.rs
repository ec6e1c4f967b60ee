//! ListGroups: the account's groups under a path prefix, paginated.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, internal, path_prefix_param, render_group_members, render_page};
use crate::store::Group;

#[derive(Debug)]
pub struct Input {
    path_prefix: String,
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
    const NAME: &'static str = "ListGroups";
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
            action: "iam:ListGroups",
            resource: iam_resource(account, "group/"),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let mut groups = ctx
            .state
            .store
            .list_groups(account)
            .await
            .map_err(internal)?;
        groups.retain(|g| g.path.starts_with(&self.path_prefix));
        let (groups, marker) = self.page.apply(groups, |g| g.name.as_str());
        Ok(Output { groups, marker })
    }
}
