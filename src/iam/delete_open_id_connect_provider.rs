//! DeleteOpenIDConnectProvider.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, check_provider_arn, load_provider, provider_arn_param, provider_resource, store_error,
};

#[derive(Debug)]
pub struct Input {
    arn: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "DeleteOpenIDConnectProvider";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = provider_arn_param(&mut v, params);
        v.finish()?;
        check_provider_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:DeleteOpenIDConnectProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        // Only the caller's own account's providers can be deleted.
        load_provider(ctx, &self.arn).await?;
        ctx.state
            .store
            .delete_oidc_provider(&self.arn)
            .await
            .map_err(|e| store_error(e, Entity::Provider(&self.arn)))?;
        tracing::info!(provider = %self.arn, "OIDC provider deleted");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn checks_the_arn() {
        let p = Params::from_pairs([(
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:oidc-provider",
        )])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let p = Params::from_pairs([(
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:oidc-provider/a.b",
        )])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap().authorization(None),
            Authorization::Allow {
                action: "iam:DeleteOpenIDConnectProvider",
                resource: "arn:aws:iam::123456789012:oidc-provider/a.b".into()
            }
        );
    }
}
