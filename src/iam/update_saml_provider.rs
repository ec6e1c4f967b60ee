//! UpdateSAMLProvider: replace the metadata document (entity id, signing
//! certificates, validity) and/or the assertion encryption mode.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::provider_resource;
use crate::iam::create_saml_provider::{ENCRYPTION_MODES, SAML_METADATA, provider_fields};
use crate::iam::get_saml_provider::{check_saml_arn, modify_saml_provider, saml_arn_param};

#[derive(Debug)]
pub struct Input {
    arn: String,
    metadata: Option<String>,
    encryption_mode: Option<String>,
}

pub struct Output {
    arn: String,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("SAMLProviderArn", &self.arn);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateSAMLProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = saml_arn_param(&mut v, params);
        let metadata = v
            .optional(params, "SAMLMetadataDocument", &SAML_METADATA)
            .map(str::to_string);
        let encryption_mode = params.get("AssertionEncryptionMode").map(str::to_string);
        v.finish()?;
        check_saml_arn(&arn)?;
        if let Some(m) = &encryption_mode
            && !ENCRYPTION_MODES.contains(&m.as_str())
        {
            return Err(ApiError::validation(format!(
                "1 validation error detected: Value '{m}' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Allowed, Required]"
            )));
        }
        if encryption_mode.as_deref() == Some("Required") {
            return Err(ApiError::invalid_input(
                "AssertionEncryptionMode Required is not supported: stsgate does not decrypt assertions yet",
            ));
        }
        if params.get("AddPrivateKey").is_some() || params.get("RemovePrivateKey").is_some() {
            return Err(ApiError::invalid_input(
                "AddPrivateKey/RemovePrivateKey are not supported: stsgate does not decrypt assertions yet",
            ));
        }
        if metadata.is_none() && encryption_mode.is_none() {
            return Err(ApiError::invalid_input(
                "Nothing to update: give SAMLMetadataDocument or AssertionEncryptionMode",
            ));
        }
        Ok(Input {
            arn,
            metadata,
            encryption_mode,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:UpdateSAMLProvider",
            resource: provider_resource(&self.arn),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let fields = match &self.metadata {
            Some(doc) => Some(provider_fields(doc, ctx.now)?),
            None => None,
        };
        let (metadata, mode) = (self.metadata, self.encryption_mode);
        modify_saml_provider(ctx, &self.arn, |p| {
            if let (Some(doc), Some((entity_id, certs, valid_until))) = (metadata, fields) {
                p.metadata = doc;
                p.entity_id = entity_id;
                p.certs = certs;
                p.valid_until = valid_until;
            }
            if let Some(m) = mode {
                p.encryption_mode = m;
            }
            Ok(())
        })
        .await?;
        tracing::info!(provider = %self.arn, "SAML provider updated");
        Ok(Output { arn: self.arn })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn something_must_change() {
        let p = Params::from_pairs([(
            "SAMLProviderArn",
            "arn:aws:iam::123456789012:saml-provider/MyIdP",
        )])
        .unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(e.message.contains("Nothing to update"), "{}", e.message);
    }
}
