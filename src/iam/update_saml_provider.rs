//! UpdateSAMLProvider: replace the metadata document (entity id, signing
//! certificates, validity) and/or the assertion encryption mode.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::provider_resource;
use crate::iam::create_saml_provider::{
    PRIVATE_KEY, PRIVATE_KEY_ID, SAML_METADATA, add_private_key, check_encryption_consistent,
    check_private_key, encryption_mode_param, provider_fields,
};
use crate::iam::get_saml_provider::{check_saml_arn, modify_saml_provider, saml_arn_param};

#[derive(Debug)]
pub struct Input {
    arn: String,
    metadata: Option<String>,
    encryption_mode: Option<String>,
    add_key: Option<Vec<u8>>,
    remove_key: Option<String>,
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
        let add_key = v
            .optional(params, "AddPrivateKey", &PRIVATE_KEY)
            .map(str::to_string);
        let remove_key = v
            .optional(params, "RemovePrivateKey", &PRIVATE_KEY_ID)
            .map(str::to_string);
        v.finish()?;
        check_saml_arn(&arn)?;
        let encryption_mode = encryption_mode_param(params)?;
        if metadata.is_none()
            && encryption_mode.is_none()
            && add_key.is_none()
            && remove_key.is_none()
        {
            return Err(ApiError::invalid_input(
                "Nothing to update: give SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey or RemovePrivateKey",
            ));
        }
        let add_key = add_key.as_deref().map(check_private_key).transpose()?;
        Ok(Input {
            arn,
            metadata,
            encryption_mode,
            add_key,
            remove_key,
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
        let (add_key, remove_key) = (self.add_key, self.remove_key);
        modify_saml_provider(ctx, &self.arn, |p| {
            // Remove before add, so one call can rotate a full pair.
            if let Some(id) = remove_key {
                let before = p.private_keys.len();
                p.private_keys.retain(|k| k.key_id != id);
                if p.private_keys.len() == before {
                    return Err(ApiError::invalid_input(format!(
                        "Private key {id} is not a key of this SAML provider"
                    )));
                }
            }
            if let Some(der) = add_key {
                add_private_key(ctx, p, &der)?;
            }
            if let (Some(doc), Some((entity_id, certs, valid_until))) = (metadata, fields) {
                p.metadata = doc;
                p.entity_id = entity_id;
                p.certs = certs;
                p.valid_until = valid_until;
            }
            if let Some(m) = mode {
                p.encryption_mode = m;
            }
            check_encryption_consistent(p)
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
