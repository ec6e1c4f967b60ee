//! GetOpenIDConnectProvider: the provider's URL (without scheme, as IAM
//! returns it), client ids, thumbprints, creation date and tags.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    check_provider_arn, load_provider, provider_arn_param, provider_resource, render_tags,
    url_without_scheme,
};
use crate::store::OidcProvider;

#[derive(Debug)]
pub struct Input {
    arn: String,
}

pub struct Output(OidcProvider);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        let p = &self.0;
        w.leaf("Url", url_without_scheme(&p.url))
            .string_list("ClientIDList", &p.client_ids)
            .string_list("ThumbprintList", &p.thumbprints)
            .leaf("CreateDate", &iso8601(p.created));
        render_tags(w, &p.tags);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetOpenIDConnectProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = provider_arn_param(&mut v, params);
        v.finish()?;
        check_provider_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetOpenIDConnectProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        Ok(Output(load_provider(ctx, &self.arn).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn renders_url_without_scheme() {
        let mut w = XmlWriter::new();
        Output(OidcProvider {
            account: AccountId::parse("123456789012").unwrap(),
            arn: "arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/x".into(),
            url: "https://idp.example.com:8443/x".into(),
            client_ids: vec!["app".into()],
            thumbprints: vec![],
            created: 0,
            tags: vec![],
        })
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<Url>idp.example.com:8443/x</Url><ClientIDList><member>app</member></ClientIDList><ThumbprintList/><CreateDate>1970-01-01T00:00:00Z</CreateDate><Tags/>"
        );
    }

    #[test]
    fn arn_is_required_and_shaped() {
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(
            e.message
                .contains("Value null at 'openIDConnectProviderArn'")
        );
        let p = Params::from_pairs([(
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:role/x",
        )])
        .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
