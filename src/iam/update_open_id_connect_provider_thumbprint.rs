//! UpdateOpenIDConnectProviderThumbprint: replace the whole thumbprint list.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::Service;
use crate::iam::common::{
    check_provider_arn, modify_provider, provider_arn_param, provider_resource, thumbprints_param,
};

#[derive(Debug)]
pub struct Input {
    arn: String,
    thumbprints: Vec<String>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateOpenIDConnectProviderThumbprint";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = provider_arn_param(&mut v, params);
        let thumbprints = thumbprints_param(&mut v, params);
        if thumbprints.is_none() && !params.contains("ThumbprintList") {
            v.missing("ThumbprintList");
        }
        v.finish()?;
        check_provider_arn(&arn)?;
        Ok(Input {
            arn,
            thumbprints: thumbprints.unwrap_or_default(),
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:UpdateOpenIDConnectProviderThumbprint",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let thumbprints = self.thumbprints;
        modify_provider(ctx, &self.arn, |p| {
            p.thumbprints = thumbprints;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_list_is_required() {
        let arn = (
            "OpenIDConnectProviderArn",
            "arn:aws:iam::123456789012:oidc-provider/a.b",
        );
        let e = Input::from_params(&Params::from_pairs([arn]).unwrap()).unwrap_err();
        assert!(
            e.message.contains("Value null at 'thumbprintList'"),
            "{}",
            e.message
        );
        let t = "AB".repeat(20);
        let p = Params::from_pairs([arn, ("ThumbprintList.member.1", t.as_str())]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap().thumbprints,
            vec!["ab".repeat(20)]
        );
    }
}
