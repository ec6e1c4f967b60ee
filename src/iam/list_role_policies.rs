//! ListRolePolicies: the names of a role's inline policies, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, Page, load_role, render_page, role_authorization, role_name_param, store_error,
};

#[derive(Debug)]
pub struct Input {
    role: String,
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
    const NAME: &'static str = "ListRolePolicies";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role = role_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { role, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        role_authorization("iam:ListRolePolicies", &self.role)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let role = load_role(ctx, &self.role).await?;
        let policies = ctx
            .state
            .store
            .list_role_policies(account, &role.name)
            .await
            .map_err(|e| store_error(e, Entity::Role(&self.role)))?;
        let names = policies.into_iter().map(|p| p.name).collect();
        let (names, marker) = self.page.apply(names, |n: &String| n.as_str());
        Ok(Output { names, marker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_names_then_page() {
        let mut w = XmlWriter::new();
        Output {
            names: vec!["a".into(), "b".into()],
            marker: None,
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<PolicyNames><member>a</member><member>b</member></PolicyNames><IsTruncated>false</IsTruncated>"
        );
    }
}
