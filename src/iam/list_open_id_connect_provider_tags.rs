//! ListOpenIDConnectProviderTags: a provider's tags, paginated.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Page, TagsPage, check_provider_arn, load_provider, provider_arn_param, provider_resource,
};

#[derive(Debug)]
pub struct Input {
    arn: String,
    page: Page,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListOpenIDConnectProviderTags";
    type Output = TagsPage;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = provider_arn_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        check_provider_arn(&arn)?;
        Ok(Input { arn, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListOpenIDConnectProviderTags",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<TagsPage> {
        let provider = load_provider(ctx, &self.arn).await?;
        Ok(TagsPage::new(&self.page, provider.tags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_page() {
        let p = Params::from_pairs([
            (
                "OpenIDConnectProviderArn",
                "arn:aws:iam::123456789012:oidc-provider/a.b",
            ),
            ("MaxItems", "3"),
        ])
        .unwrap();
        assert_eq!(Input::from_params(&p).unwrap().page.max_items, 3);
    }
}
