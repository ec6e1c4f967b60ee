//! GetCallerIdentity: who signed this request. Needs no permission.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::xml::{Service, XmlWriter};

pub struct Input;

pub struct Output {
    user_id: String,
    account: String,
    arn: String,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("UserId", &self.user_id)
            .leaf("Account", &self.account)
            .leaf("Arn", &self.arn);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Sts;
    const NAME: &'static str = "GetCallerIdentity";
    type Output = Output;

    fn from_params(_params: &Params) -> ApiResult<Self> {
        Ok(Input)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AnyCaller
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let caller = ctx.caller()?;
        Ok(Output {
            user_id: caller.user_id(),
            account: caller.account().to_string(),
            arn: caller.arn(),
        })
    }
}
