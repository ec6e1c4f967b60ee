//! GetSAMLProvider: the metadata document, dates, tags and encryption mode.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::{AccountId, Arn};
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{internal, provider_resource, render_tags};
use crate::store::{SamlProvider, StoreError};

pub fn saml_arn_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "SAMLProviderArn", &validate::ARN)
        .to_string()
}

/// A SAML provider ARN must be `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
pub fn check_saml_arn(arn: &str) -> ApiResult<()> {
    let ok = Arn::parse(arn).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && AccountId::parse(&a.account).is_some()
            && a.resource_type() == "saml-provider"
            && !a.resource_id().is_empty()
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_input(format!(
            "ARN {arn} is not valid: expected arn:aws:iam::ACCOUNT:saml-provider/NAME"
        )))
    }
}

/// The caller's SAML provider with this ARN, or `NoSuchEntity`.
pub async fn load_saml_provider(ctx: &Ctx<'_>, arn: &str) -> ApiResult<SamlProvider> {
    let account = ctx.account()?;
    ctx.state
        .store
        .get_saml_provider(arn)
        .await
        .map_err(internal)?
        .filter(|p| &p.account == account)
        .ok_or_else(|| saml_not_found(arn))
}

/// Load the caller's SAML provider, change it and write it back; the
/// per-provider options are re-derived from the (possibly changed) tags.
pub async fn modify_saml_provider(
    ctx: &Ctx<'_>,
    arn: &str,
    change: impl FnOnce(&mut SamlProvider) -> ApiResult<()>,
) -> ApiResult<()> {
    let mut provider = load_saml_provider(ctx, arn).await?;
    change(&mut provider)?;
    crate::iam::create_saml_provider::apply_option_tags(&mut provider)?;
    ctx.state
        .store
        .update_saml_provider(&provider)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => saml_not_found(arn),
            other => internal(other),
        })
}

fn saml_not_found(arn: &str) -> ApiError {
    ApiError::no_such_entity(format!("Manifest not found for arn {arn}"))
}

#[derive(Debug)]
pub struct Input {
    arn: String,
}

pub struct Output(SamlProvider);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        let p = &self.0;
        w.leaf("SAMLMetadataDocument", &p.metadata)
            .leaf("CreateDate", &iso8601(p.created))
            .leaf("ValidUntil", &iso8601(p.valid_until));
        render_tags(w, &p.tags);
        w.leaf("AssertionEncryptionMode", &p.encryption_mode);
        // Key ids and dates only: the key material never leaves the store.
        w.open("PrivateKeyList");
        for k in &p.private_keys {
            w.open("member")
                .leaf("KeyId", &k.key_id)
                .leaf("Timestamp", &iso8601(k.created))
                .close("member");
        }
        w.close("PrivateKeyList");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetSAMLProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        v.finish()?;
        check_saml_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetSAMLProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        Ok(Output(load_saml_provider(ctx, &self.arn).await?))
    }
}
