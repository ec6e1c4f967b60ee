//! CreateSAMLProvider: register a SAML IdP from its metadata document.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::app::SysRandom;
use crate::core::Random;
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::saml::metadata::{self, DEFAULT_VALIDITY};
use crate::core::saml::xmlenc::private_key_der_from_pem;
use crate::core::validate::{StrRule, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Entity, TagKeys, check_tags, render_tags, store_error, tags_param};
use crate::store::{SamlPrivateKey, SamlProvider, StoreError, Tag};

pub const MAX_SAML_PROVIDERS: usize = 100;

fn provider_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn any_char(_: char) -> bool {
    true
}

pub const SAML_PROVIDER_NAME: StrRule = StrRule {
    min: 1,
    max: 128,
    chars: provider_name_char,
    pattern: "[\\w._-]+",
    sensitive: false,
};

pub const SAML_METADATA: StrRule = StrRule {
    min: 1000,
    max: 10_000_000,
    chars: any_char,
    pattern: "",
    sensitive: false,
};

/// stsgate extension: provider tags that relax a default, per provider.
pub const ALLOW_SHA1_TAG: &str = "stsgate:allow-sha1";
pub const ALLOW_REUSE_TAG: &str = "stsgate:allow-assertion-reuse";

/// Derive the per-provider options from its tags (`"true"`/`"false"`).
pub fn apply_option_tags(p: &mut SamlProvider) -> ApiResult<()> {
    let flag = |key: &str| -> ApiResult<bool> {
        match p
            .tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
        {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(other) => Err(ApiError::invalid_input(format!(
                "Tag {key} must be true or false, not '{other}'"
            ))),
        }
    };
    let (sha1, reuse) = (flag(ALLOW_SHA1_TAG)?, flag(ALLOW_REUSE_TAG)?);
    p.allow_sha1 = sha1;
    p.allow_reuse = reuse;
    Ok(())
}

pub const ENCRYPTION_MODES: &[&str] = &["Allowed", "Required"];

pub const PRIVATE_KEY: StrRule = StrRule {
    min: 1,
    max: 16384,
    chars: any_char,
    pattern: "",
    sensitive: true,
};

fn key_id_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

pub const PRIVATE_KEY_ID: StrRule = StrRule {
    min: 22,
    max: 64,
    chars: key_id_char,
    pattern: "[A-Z0-9]+",
    sensitive: false,
};

pub const MAX_PRIVATE_KEYS: usize = 2;

/// The AssertionEncryptionMode parameter, checked against the enum.
pub fn encryption_mode_param(params: &Params) -> ApiResult<Option<String>> {
    let mode = params.get("AssertionEncryptionMode").map(str::to_string);
    if let Some(m) = &mode
        && !ENCRYPTION_MODES.contains(&m.as_str())
    {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{m}' at 'assertionEncryptionMode' failed to satisfy constraint: Member must satisfy enum value set: [Allowed, Required]"
        )));
    }
    Ok(mode)
}

/// Check a PEM private key offered with AddPrivateKey; its PKCS#8 DER.
pub fn check_private_key(pem: &str) -> ApiResult<Vec<u8>> {
    private_key_der_from_pem(pem)
        .map_err(|why| ApiError::invalid_input(format!("Invalid AddPrivateKey: {why}")))
}

/// Seal `der` under the master key and add it to the provider's keys.
pub fn add_private_key(ctx: &Ctx<'_>, p: &mut SamlProvider, der: &[u8]) -> ApiResult<()> {
    if p.private_keys.len() >= MAX_PRIVATE_KEYS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!(
                "Cannot exceed quota for PrivateKeysPerSAMLProvider: {MAX_PRIVATE_KEYS}; remove a key first"
            ),
        ));
    }
    let mut rng = SysRandom;
    let mut raw = [0u8; 16];
    rng.fill(&mut raw);
    let key_id = hex::encode_upper(raw);
    let sealed = ctx
        .state
        .master
        .seal(&mut rng, &SamlPrivateKey::aad(&p.arn, &key_id), der);
    p.private_keys.push(SamlPrivateKey {
        key_id,
        created: ctx.now,
        sealed: STANDARD.encode(sealed),
    });
    Ok(())
}

/// A provider that requires encrypted assertions must be able to decrypt them.
pub fn check_encryption_consistent(p: &SamlProvider) -> ApiResult<()> {
    if p.encryption_mode == "Required" && p.private_keys.is_empty() {
        return Err(ApiError::invalid_input(
            "AssertionEncryptionMode Required needs a private key: give AddPrivateKey",
        ));
    }
    Ok(())
}

#[derive(Debug)]
pub struct Input {
    name: String,
    metadata: String,
    tags: Vec<Tag>,
    encryption_mode: Option<String>,
    private_key: Option<Vec<u8>>,
}

pub struct Output {
    arn: String,
    tags: Vec<Tag>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("SAMLProviderArn", &self.arn);
        render_tags(w, &self.tags);
    }
}

/// The parsed metadata fields a provider record stores.
pub fn provider_fields(doc: &str, now: i64) -> ApiResult<(String, Vec<String>, i64)> {
    let m = metadata::parse(doc).map_err(ApiError::invalid_input)?;
    Ok((
        m.entity_id,
        m.signing_certs,
        m.valid_until.unwrap_or(now + DEFAULT_VALIDITY),
    ))
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateSAMLProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = v.required(params, "Name", &SAML_PROVIDER_NAME).to_string();
        let metadata = v
            .required(params, "SAMLMetadataDocument", &SAML_METADATA)
            .to_string();
        let tags = tags_param(&mut v, params, "Tags")?.unwrap_or_default();
        let private_key = v
            .optional(params, "AddPrivateKey", &PRIVATE_KEY)
            .map(str::to_string);
        v.finish()?;
        let encryption_mode = encryption_mode_param(params)?;
        check_tags(&tags, TagKeys::CaseSensitive)?;
        let private_key = private_key.as_deref().map(check_private_key).transpose()?;
        Ok(Input {
            name,
            metadata,
            tags,
            encryption_mode,
            private_key,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreateSAMLProvider",
            resource: iam_resource(account, &format!("saml-provider/{}", self.name)),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let (entity_id, certs, valid_until) = provider_fields(&self.metadata, ctx.now)?;
        let arn = format!(
            "arn:aws:iam::{}:saml-provider/{}",
            account.as_str(),
            self.name
        );
        let mut provider = SamlProvider {
            account: account.clone(),
            arn: arn.clone(),
            name: self.name,
            metadata: self.metadata,
            entity_id,
            certs,
            valid_until,
            created: ctx.now,
            tags: self.tags,
            encryption_mode: self
                .encryption_mode
                .unwrap_or_else(|| "Allowed".to_string()),
            private_keys: Vec::new(),
            allow_sha1: false,
            allow_reuse: false,
        };
        apply_option_tags(&mut provider)?;
        if let Some(der) = &self.private_key {
            add_private_key(ctx, &mut provider, der)?;
        }
        check_encryption_consistent(&provider)?;
        ctx.state
            .store
            .create_saml_provider(&provider, MAX_SAML_PROVIDERS)
            .await
            .map_err(|e| match e {
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "Cannot exceed quota for SAMLProvidersPerAccount: {MAX_SAML_PROVIDERS}"
                    ),
                ),
                StoreError::AlreadyExists => ApiError::new(
                    ErrorCode::EntityAlreadyExists,
                    format!("SAMLProvider {} already exists.", provider.name),
                ),
                other => store_error(other, Entity::Provider(&arn)),
            })?;
        tracing::info!(provider = %provider.arn, "SAML provider created");
        Ok(Output {
            arn: provider.arn,
            tags: provider.tags,
        })
    }
}
