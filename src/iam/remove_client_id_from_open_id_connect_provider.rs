//! RemoveClientIDFromOpenIDConnectProvider: idempotent, as IAM's.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::xml::Service;
use crate::iam::common::{modify_provider, provider_client_id_params, provider_resource};

#[derive(Debug)]
pub struct Input {
    arn: String,
    client_id: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "RemoveClientIDFromOpenIDConnectProvider";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let (arn, client_id) = provider_client_id_params(params)?;
        Ok(Input { arn, client_id })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:RemoveClientIDFromOpenIDConnectProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let id = self.client_id;
        modify_provider(ctx, &self.arn, |p| {
            p.client_ids.retain(|c| *c != id);
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let p = Params::from_pairs([
            (
                "OpenIDConnectProviderArn",
                "arn:aws:iam::123456789012:oidc-provider/a.b",
            ),
            ("ClientID", "app"),
        ])
        .unwrap();
        assert_eq!(Input::from_params(&p).unwrap().client_id, "app");
    }
}
