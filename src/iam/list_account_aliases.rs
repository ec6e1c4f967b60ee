//! ListAccountAliases: the account's alias (at most one), paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, internal, render_page};

#[derive(Debug)]
pub struct Input {
    page: Page,
}

pub struct Output {
    aliases: Vec<String>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.string_list("AccountAliases", &self.aliases);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListAccountAliases";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListAccountAliases",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let aliases = ctx
            .state
            .store
            .list_account_aliases(account)
            .await
            .map_err(internal)?;
        let (aliases, marker) = self.page.apply(aliases, |a: &String| a.as_str());
        Ok(Output { aliases, marker })
    }
}
