//! ListSAMLProviderTags: a SAML provider's tags, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, provider_resource, render_page, render_tags};
use crate::iam::get_saml_provider::{check_saml_arn, load_saml_provider, saml_arn_param};
use crate::store::Tag;

#[derive(Debug)]
pub struct Input {
    arn: String,
    page: Page,
}

pub struct Output {
    tags: Vec<Tag>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_tags(w, &self.tags);
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListSAMLProviderTags";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        check_saml_arn(&arn)?;
        Ok(Input { arn, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListSAMLProviderTags",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let provider = load_saml_provider(ctx, &self.arn).await?;
        let (tags, marker) = self.page.apply(provider.tags, |t| t.key.as_str());
        Ok(Output { tags, marker })
    }
}
