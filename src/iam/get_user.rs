//! GetUser: the named user, or the calling IAM user when no name is given.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    implicit_user_authorization, implicit_user_name, load_user, optional_user_name_param,
    render_user,
};
use crate::principal::Principal;
use crate::store::User;

#[derive(Debug)]
pub struct Input {
    name: Option<String>,
}

pub struct Output(User);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_user(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetUser";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = optional_user_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { name })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        implicit_user_authorization("iam:GetUser", None, self.name.as_deref())
    }

    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        implicit_user_authorization("iam:GetUser", caller, self.name.as_deref())
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let name = implicit_user_name(ctx, self.name.as_deref())?;
        Ok(Output(load_user(ctx, &name).await?))
    }
}
