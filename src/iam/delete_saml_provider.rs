//! DeleteSAMLProvider.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Entity, provider_resource, store_error};
use crate::iam::get_saml_provider::{check_saml_arn, load_saml_provider, saml_arn_param};

#[derive(Debug)]
pub struct Input {
    arn: String,
}

pub struct Output;

impl Render for Output {
    fn render(&self, _w: &mut XmlWriter) {}
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteSAMLProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        v.finish()?;
        check_saml_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:DeleteSAMLProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let p = load_saml_provider(ctx, &self.arn).await?;
        ctx.state
            .store
            .delete_saml_provider(&p.arn)
            .await
            .map_err(|e| store_error(e, Entity::Provider(&self.arn)))?;
        tracing::info!(provider = %p.arn, "SAML provider deleted");
        Ok(Output)
    }
}
