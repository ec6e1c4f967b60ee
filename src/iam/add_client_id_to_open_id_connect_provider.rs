//! AddClientIDToOpenIDConnectProvider: idempotent; at most 100 client ids.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::xml::Service;
use crate::iam::common::{
    MAX_CLIENT_IDS, modify_provider, provider_client_id_params, provider_resource,
};

#[derive(Debug)]
pub struct Input {
    arn: String,
    client_id: String,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "AddClientIDToOpenIDConnectProvider";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let (arn, client_id) = provider_client_id_params(params)?;
        Ok(Input { arn, client_id })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:AddClientIDToOpenIDConnectProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let id = self.client_id;
        modify_provider(ctx, &self.arn, |p| {
            if p.client_ids.contains(&id) {
                return Ok(());
            }
            if p.client_ids.len() >= MAX_CLIENT_IDS {
                return Err(ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MAX_CLIENT_IDS}"
                    ),
                ));
            }
            p.client_ids.push(id);
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_is_required() {
        let p = Params::from_pairs([(
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:oidc-provider/a.b",
        )])
        .unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(
            e.message.contains("Value null at 'clientID'"),
            "{}",
            e.message
        );
    }
}
