//! ListOpenIDConnectProviders: the ARNs of the account's OIDC providers.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::internal;

#[derive(Debug)]
pub struct Input;

pub struct Output {
    arns: Vec<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("OpenIDConnectProviderList", &self.arns, |w, arn| {
            w.leaf("Arn", arn);
        });
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListOpenIDConnectProviders";
    type Output = Output;

    fn from_params(_params: &Params) -> ApiResult<Self> {
        Ok(Input)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListOpenIDConnectProviders",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let providers = ctx
            .state
            .store
            .list_oidc_providers(account)
            .await
            .map_err(internal)?;
        let mut arns: Vec<String> = providers.into_iter().map(|p| p.arn).collect();
        arns.sort();
        Ok(Output { arns })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_list_entries() {
        let mut w = XmlWriter::new();
        Output {
            arns: vec!["arn:aws:iam::123456789012:oidc-provider/a".into()],
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<OpenIDConnectProviderList><member><Arn>arn:aws:iam::123456789012:oidc-provider/a</Arn></member></OpenIDConnectProviderList>"
        );
        let mut w = XmlWriter::new();
        Output { arns: vec![] }.render(&mut w);
        assert_eq!(w.into_string(), "<OpenIDConnectProviderList/>");
    }
}
