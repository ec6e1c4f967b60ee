//! ListAccessKeys: the named (or calling) user's keys, without secrets.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, Page, implicit_user_authorization, implicit_user_name, optional_user_name_param,
    render_page, store_error,
};
use crate::principal::Principal;
use crate::store::AccessKey;

#[derive(Debug)]
pub struct Input {
    user: Option<String>,
    page: Page,
}

pub struct Output {
    keys: Vec<AccessKey>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("AccessKeyMetadata", &self.keys, |w, k| {
            w.leaf("UserName", &k.user_name)
                .leaf("AccessKeyId", &k.access_key_id)
                .leaf("Status", k.status.as_str())
                .leaf("CreateDate", &iso8601(k.created));
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListAccessKeys";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let user = optional_user_name_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { user, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        implicit_user_authorization("iam:ListAccessKeys", None, self.user.as_deref())
    }

    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        implicit_user_authorization("iam:ListAccessKeys", caller, self.user.as_deref())
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let name = implicit_user_name(ctx, self.user.as_deref())?;
        let keys = ctx
            .state
            .store
            .list_access_keys(account, &name)
            .await
            .map_err(|e| store_error(e, Entity::User(&name)))?;
        let (keys, marker) = self.page.apply(keys, |k| k.access_key_id.as_str());
        Ok(Output { keys, marker })
    }
}
