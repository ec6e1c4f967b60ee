//! TagSAMLProvider: add or replace tags (keys compare exactly). The
//! `stsgate:allow-sha1` / `stsgate:allow-assertion-reuse` tags switch the
//! provider's options.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{TagKeys, check_tags, merge_tags, provider_resource, required_tags_param};
use crate::iam::get_saml_provider::{check_saml_arn, modify_saml_provider, saml_arn_param};
use crate::store::Tag;

#[derive(Debug)]
pub struct Input {
    arn: String,
    tags: Vec<Tag>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "TagSAMLProvider";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        let tags = required_tags_param(&mut v, params)?;
        v.finish()?;
        check_saml_arn(&arn)?;
        check_tags(&tags, TagKeys::CaseSensitive)?;
        Ok(Input { arn, tags })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:TagSAMLProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let new = self.tags;
        modify_saml_provider(ctx, &self.arn, |p| {
            p.tags = merge_tags(&p.tags, &new, TagKeys::CaseSensitive, "TagsPerSAMLProvider")?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_required() {
        let arn = (
            "SAMLProviderArn",
            "arn:aws:iam::123456789012:saml-provider/MyIdP",
        );
        let e = Input::from_params(&Params::from_pairs([arn]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'tags'"));
    }
}
