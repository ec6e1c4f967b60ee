//! ListSAMLProviderTags: a SAML provider's tags, paginated.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{Page, TagsPage, provider_resource};
use crate::iam::get_saml_provider::{check_saml_arn, load_saml_provider, saml_arn_param};

#[derive(Debug)]
pub struct Input {
    arn: String,
    page: Page,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListSAMLProviderTags";
    type Output = TagsPage;

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

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<TagsPage> {
        let provider = load_saml_provider(ctx, &self.arn).await?;
        Ok(TagsPage::new(&self.page, provider.tags))
    }
}
