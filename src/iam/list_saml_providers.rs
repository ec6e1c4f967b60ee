//! ListSAMLProviders: ARN, validity and creation date of each provider.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::internal;
use crate::store::SamlProvider;

#[derive(Debug)]
pub struct Input;

pub struct Output(Vec<SamlProvider>);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("SAMLProviderList", &self.0, |w, p| {
            w.leaf("Arn", &p.arn)
                .leaf("ValidUntil", &iso8601(p.valid_until))
                .leaf("CreateDate", &iso8601(p.created));
        });
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListSAMLProviders";
    type Output = Output;

    fn from_params(_params: &Params) -> ApiResult<Self> {
        Ok(Input)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListSAMLProviders",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let providers = ctx
            .state
            .store
            .list_saml_providers(account)
            .await
            .map_err(internal)?;
        Ok(Output(providers))
    }
}
