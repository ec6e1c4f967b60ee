//! UntagSAMLProvider: drop tags by exact key.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{TagKeys, provider_resource, remove_tags, tag_keys_param};
use crate::iam::get_saml_provider::{check_saml_arn, modify_saml_provider, saml_arn_param};

#[derive(Debug)]
pub struct Input {
    arn: String,
    keys: Vec<String>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UntagSAMLProvider";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        let keys = tag_keys_param(&mut v, params);
        v.finish()?;
        check_saml_arn(&arn)?;
        Ok(Input { arn, keys })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:UntagSAMLProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let keys = self.keys;
        modify_saml_provider(ctx, &self.arn, |p| {
            p.tags = remove_tags(&p.tags, &keys, TagKeys::CaseSensitive);
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys_are_required() {
        let arn = (
            "SAMLProviderArn",
            "arn:aws:iam::123456789012:saml-provider/MyIdP",
        );
        let e = Input::from_params(&Params::from_pairs([arn]).unwrap()).unwrap_err();
        assert!(e.message.contains("Value null at 'tagKeys'"));
    }
}
