//! ListUserPolicies: the names of a user's inline policies, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, Page, render_page, store_error, user_authorization, user_name_param,
};

#[derive(Debug)]
pub struct Input {
    owner: String,
    page: Page,
}

pub struct Output {
    names: Vec<String>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.string_list("PolicyNames", &self.names);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListUserPolicies";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let owner = user_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { owner, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:ListUserPolicies", &self.owner)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let names: Vec<String> = ctx
            .state
            .store
            .list_user_policies(account, &self.owner)
            .await
            .map_err(|e| store_error(e, Entity::User(&self.owner)))?
            .into_iter()
            .map(|p| p.name)
            .collect();
        let (names, marker) = self.page.apply(names, |n: &String| n.as_str());
        Ok(Output { names, marker })
    }
}
