//! UntagOpenIDConnectProvider/UntagSAMLProvider and their List…Tags: one
//! implementation each, parameterised by the provider kind
//! ([`TaggedProvider`]); the action modules name the instances. Provider tag
//! keys compare exactly.

use std::future::Future;
use std::marker::PhantomData;

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    Page, TagKeys, TagsPage, check_provider_arn, load_provider, modify_provider,
    provider_arn_param, provider_resource, remove_tags, tag_keys_param,
};
use crate::iam::get_saml_provider::{
    check_saml_arn, load_saml_provider, modify_saml_provider, saml_arn_param,
};
use crate::store::Tag;

/// A provider kind whose tags these actions manage.
pub trait TaggedProvider {
    const UNTAG: &'static str;
    const UNTAG_IAM: &'static str;
    const LIST: &'static str;
    const LIST_IAM: &'static str;

    fn arn_param(v: &mut Validator, params: &Params) -> String;
    fn check_arn(arn: &str) -> ApiResult<()>;
    /// The provider's tags, or `NoSuchEntity`.
    fn tags(ctx: &Ctx<'_>, arn: &str) -> impl Future<Output = ApiResult<Vec<Tag>>>;
    /// Load the provider, change its tags, store it.
    fn modify_tags(
        ctx: &Ctx<'_>,
        arn: &str,
        change: impl FnOnce(&[Tag]) -> Vec<Tag>,
    ) -> impl Future<Output = ApiResult<()>>;
}

#[derive(Debug)]
pub struct Oidc;
#[derive(Debug)]
pub struct Saml;

impl TaggedProvider for Oidc {
    const UNTAG: &'static str = "UntagOpenIDConnectProvider";
    const UNTAG_IAM: &'static str = "iam:UntagOpenIDConnectProvider";
    const LIST: &'static str = "ListOpenIDConnectProviderTags";
    const LIST_IAM: &'static str = "iam:ListOpenIDConnectProviderTags";

    fn arn_param(v: &mut Validator, params: &Params) -> String {
        provider_arn_param(v, params)
    }

    fn check_arn(arn: &str) -> ApiResult<()> {
        check_provider_arn(arn)
    }

    async fn tags(ctx: &Ctx<'_>, arn: &str) -> ApiResult<Vec<Tag>> {
        Ok(load_provider(ctx, arn).await?.tags)
    }

    async fn modify_tags(
        ctx: &Ctx<'_>,
        arn: &str,
        change: impl FnOnce(&[Tag]) -> Vec<Tag>,
    ) -> ApiResult<()> {
        modify_provider(ctx, arn, |p| {
            p.tags = change(&p.tags);
            Ok(())
        })
        .await
    }
}

impl TaggedProvider for Saml {
    const UNTAG: &'static str = "UntagSAMLProvider";
    const UNTAG_IAM: &'static str = "iam:UntagSAMLProvider";
    const LIST: &'static str = "ListSAMLProviderTags";
    const LIST_IAM: &'static str = "iam:ListSAMLProviderTags";

    fn arn_param(v: &mut Validator, params: &Params) -> String {
        saml_arn_param(v, params)
    }

    fn check_arn(arn: &str) -> ApiResult<()> {
        check_saml_arn(arn)
    }

    async fn tags(ctx: &Ctx<'_>, arn: &str) -> ApiResult<Vec<Tag>> {
        Ok(load_saml_provider(ctx, arn).await?.tags)
    }

    async fn modify_tags(
        ctx: &Ctx<'_>,
        arn: &str,
        change: impl FnOnce(&[Tag]) -> Vec<Tag>,
    ) -> ApiResult<()> {
        modify_saml_provider(ctx, arn, |p| {
            p.tags = change(&p.tags);
            Ok(())
        })
        .await
    }
}

/// Untag…Provider: drop tags by exact key; unknown keys are ignored.
#[derive(Debug)]
pub struct UntagProvider<T> {
    arn: String,
    keys: Vec<String>,
    target: PhantomData<T>,
}

impl<T: TaggedProvider> Action for UntagProvider<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::UNTAG;
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = T::arn_param(&mut v, params);
        let keys = tag_keys_param(&mut v, params);
        v.finish()?;
        T::check_arn(&arn)?;
        Ok(UntagProvider {
            arn,
            keys,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: T::UNTAG_IAM,
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let keys = self.keys;
        T::modify_tags(ctx, &self.arn, |tags| {
            remove_tags(tags, &keys, TagKeys::CaseSensitive)
        })
        .await
    }
}

/// List…ProviderTags: the provider's tags, paginated.
#[derive(Debug)]
pub struct ListProviderTags<T> {
    arn: String,
    page: Page,
    target: PhantomData<T>,
}

impl<T: TaggedProvider> Action for ListProviderTags<T> {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = T::LIST;
    type Output = TagsPage;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = T::arn_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        T::check_arn(&arn)?;
        Ok(ListProviderTags {
            arn,
            page,
            target: PhantomData,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: T::LIST_IAM,
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<TagsPage> {
        let tags = T::tags(ctx, &self.arn).await?;
        Ok(TagsPage::new(&self.page, tags))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OIDC_ARN: (&str, &str) = (
        "OpenIDConnectProviderArn",
        "arn:aws:iam::123456789012:oidc-provider/a.b",
    );
    const SAML_ARN: (&str, &str) = (
        "SAMLProviderArn",
        "arn:aws:iam::123456789012:saml-provider/MyIdP",
    );

    fn tag_keys_are_required<T: TaggedProvider + std::fmt::Debug>(arn: (&str, &str)) {
        let e = UntagProvider::<T>::from_params(&Params::from_pairs([arn]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'tagKeys'"));
    }

    #[test]
    fn untag_keys_are_required() {
        tag_keys_are_required::<Oidc>(OIDC_ARN);
        tag_keys_are_required::<Saml>(SAML_ARN);
    }

    #[test]
    fn list_parses_page() {
        let p = Params::from_pairs([OIDC_ARN, ("MaxItems", "3")]).unwrap();
        assert_eq!(
            ListProviderTags::<Oidc>::from_params(&p)
                .unwrap()
                .page
                .max_items,
            3
        );
    }

    #[test]
    fn names_match_routes() {
        assert_eq!(
            [
                UntagProvider::<Oidc>::NAME,
                UntagProvider::<Saml>::NAME,
                ListProviderTags::<Oidc>::NAME,
                ListProviderTags::<Saml>::NAME,
            ],
            [
                "UntagOpenIDConnectProvider",
                "UntagSAMLProvider",
                "ListOpenIDConnectProviderTags",
                "ListSAMLProviderTags",
            ]
        );
    }
}
