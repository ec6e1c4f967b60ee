//! AssumeRoleWithSAML (unsigned): trade a signed SAML Response for temporary
//! credentials of a role the assertion offers with this provider.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::{AccountId, RoleRef, parse_role_arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::saml::claims::{self, Expect};
use crate::core::saml::{Decryption, decode_base64, dsig, verify_response_with};
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::store::{SamlPrivateKey, SamlProvider};
use crate::sts::{
    FederatedTrust, IssuedCredentials, MAX_ROLE_SESSION, MIN_SESSION, RoleSession,
    SessionPolicyInput, check_session_tags, federated_trust_allows, issue_role_session,
    packed_policy_size, role_session_duration, session_policy_params,
};

const ACTION: &str = "sts:AssumeRoleWithSAML";

pub struct Input {
    role: RoleRef,
    role_arn: String,
    principal_arn: String,
    assertion: String,
    duration: Option<i64>,
    policies: SessionPolicyInput,
    /// Redeemed through the browser ACS, which already recorded the
    /// assertion as used (one-time use always holds there).
    via_acs: bool,
}

impl Input {
    /// The browser ACS's request for one role the verified assertion offers.
    pub fn for_acs(role_arn: &str, principal_arn: &str, assertion_b64: &str) -> ApiResult<Input> {
        Ok(Input {
            role: parse_role_arn(role_arn, "RoleArn")?,
            role_arn: role_arn.to_string(),
            principal_arn: principal_arn.to_string(),
            assertion: assertion_b64.to_string(),
            duration: None,
            policies: SessionPolicyInput::default(),
            via_acs: true,
        })
    }
}

pub struct Output {
    credentials: IssuedCredentials,
    assumed_role_id: String,
    assumed_role_arn: String,
    packed_policy_size: Option<u32>,
    subject: String,
    subject_type: String,
    issuer: String,
    audience: String,
    name_qualifier: String,
    source_identity: Option<String>,
}

impl Output {
    pub fn credentials(&self) -> &IssuedCredentials {
        &self.credentials
    }

    pub fn assumed_role_arn(&self) -> &str {
        &self.assumed_role_arn
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        self.credentials.render(w);
        w.open("AssumedRoleUser")
            .leaf("AssumedRoleId", &self.assumed_role_id)
            .leaf("Arn", &self.assumed_role_arn)
            .close("AssumedRoleUser");
        if let Some(p) = self.packed_policy_size {
            w.leaf_display("PackedPolicySize", p);
        }
        w.leaf("Subject", &self.subject)
            .leaf("SubjectType", &self.subject_type)
            .leaf("Issuer", &self.issuer)
            .leaf("Audience", &self.audience)
            .leaf("NameQualifier", &self.name_qualifier);
        w.leaf_opt("SourceIdentity", self.source_identity.as_deref());
    }
}

/// Verify a base64 SAML Response against `provider` (validity, signature,
/// claims); shared by the API action and the browser ACS.
pub fn check_assertion(
    ctx: &Ctx<'_>,
    provider: &SamlProvider,
    assertion_b64: &str,
) -> ApiResult<claims::Claims> {
    if ctx.now >= provider.valid_until {
        return Err(ApiError::invalid_identity_token(
            "The SAML provider's metadata is no longer valid (ValidUntil has passed)",
        ));
    }
    let certs: Vec<Vec<u8>> = provider
        .certs
        .iter()
        .filter_map(|c| STANDARD.decode(c).ok())
        .collect();
    // A key that no longer opens (master key replaced) is skipped and logged.
    let keys: Vec<Vec<u8>> = provider
        .private_keys
        .iter()
        .filter_map(|k| {
            let opened = STANDARD.decode(&k.sealed).ok().and_then(|sealed| {
                ctx.state
                    .master
                    .open(&SamlPrivateKey::aad(&provider.arn, &k.key_id), &sealed)
            });
            if opened.is_none() {
                tracing::error!(provider = %provider.arn, key = %k.key_id, "SAML private key does not open");
            }
            opened
        })
        .collect();
    let xml = decode_base64(assertion_b64)?;
    let verified = verify_response_with(
        &xml,
        &dsig::Trust {
            certs: &certs,
            allow_sha1: provider.allow_sha1,
        },
        &Decryption {
            keys: &keys,
            required: provider.encryption_mode == "Required",
        },
    )?;
    // Clock skew: the same setting as for OIDC tokens (token_leeway_secs).
    let leeway = ctx.state.settings.oidc.leeway_secs;
    let own_acs: Vec<String> = ctx
        .state
        .settings
        .public_url
        .iter()
        .map(|u| format!("{}/saml", u.trim_end_matches('/')))
        .collect();
    claims::check(
        &verified,
        &Expect {
            entity_id: &provider.entity_id,
            now: ctx.now,
            leeway,
            extra_recipients: &own_acs,
            extra_audiences: &own_acs,
        },
    )
}

fn not_authorized() -> ApiError {
    ApiError::access_denied("Not authorized to perform sts:AssumeRoleWithSAML")
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "store operation failed");
    ApiError::internal()
}

impl Action for Input {
    const SERVICE: Service = Service::Sts;
    const NAME: &'static str = "AssumeRoleWithSAML";
    const SIGNED: bool = false;
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role_arn = v.required(params, "RoleArn", &validate::ARN).to_string();
        let principal_arn = v
            .required(params, "PrincipalArn", &validate::ARN)
            .to_string();
        let assertion = v
            .required(params, "SAMLAssertion", &validate::SAML_ASSERTION)
            .to_string();
        let duration = v.optional_int(params, "DurationSeconds", MIN_SESSION, MAX_ROLE_SESSION);
        let policies = session_policy_params(&mut v, params)?;
        v.finish()?;
        let role = parse_role_arn(&role_arn, "RoleArn")?;
        policies.check()?;
        Ok(Input {
            role,
            role_arn,
            principal_arn,
            assertion,
            duration,
            policies,
            via_acs: false,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Unsigned
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = &self.role.account;
        if self.role.name.starts_with("AWSReservedSSO_") {
            return Err(not_authorized());
        }
        let provider = ctx
            .state
            .store
            .get_saml_provider(&self.principal_arn)
            .await
            .map_err(internal)?
            .filter(|p| &p.account == account)
            .ok_or_else(|| {
                ApiError::invalid_identity_token(format!(
                    "No SAML provider found in your account for {}",
                    self.principal_arn
                ))
            })?;
        let claims = check_assertion(ctx, &provider, &self.assertion)?;
        if !claims
            .roles
            .iter()
            .any(|(r, p)| *r == self.role_arn && *p == provider.arn)
        {
            return Err(not_authorized());
        }
        let session_name = claims.role_session_name.clone().ok_or_else(|| {
            ApiError::invalid_identity_token(
                "Invalid SAML assertion: the RoleSessionName attribute is missing",
            )
        })?;
        let mut v = Validator::new();
        v.check(
            "RoleSessionName",
            &session_name,
            &validate::ROLE_SESSION_NAME,
        );
        if let Some(si) = &claims.source_identity {
            v.check("SourceIdentity", si, &validate::SOURCE_IDENTITY);
        }
        v.finish()
            .map_err(|e| ApiError::invalid_identity_token(e.message))?;
        check_session_tags(&claims.principal_tags, &claims.transitive_tag_keys)
            .map_err(ApiError::invalid_identity_token)?;

        let role = ctx
            .state
            .store
            .get_role(account, &self.role.name)
            .await
            .map_err(internal)?
            .filter(|r| r.path == self.role.path)
            .ok_or_else(not_authorized)?;
        let mut duration = role_session_duration(self.duration, &role)?;
        if let Some(d) = claims.session_duration {
            duration = duration.min(d);
        }
        if let Some(until) = claims.session_not_on_or_after {
            duration = duration.min(until - ctx.now);
        }
        if duration <= 0 {
            return Err(ApiError::new(
                ErrorCode::ExpiredTokenException,
                "The SAML session (SessionNotOnOrAfter) has already ended",
            ));
        }

        let keys = claims::condition_keys(&claims, account.as_str(), &provider.name);
        let trusted = federated_trust_allows(
            ctx,
            &FederatedTrust {
                role: &role,
                action: ACTION,
                federated: &provider.arn,
                provider_keys: &keys,
                federated_provider: &provider.arn,
                session_name: &session_name,
                tags: &claims.principal_tags,
                transitive_tag_keys: &claims.transitive_tag_keys,
                source_identity: claims.source_identity.as_deref(),
            },
        );
        if !trusted {
            return Err(not_authorized());
        }
        let packed = packed_policy_size(&self.policies, &claims.principal_tags)?;

        // One-time use, recorded last so a refused call does not burn the assertion.
        let leeway = ctx.state.settings.oidc.leeway_secs;
        if !provider.allow_reuse && !self.via_acs {
            let fresh = ctx
                .state
                .store
                .record_assertion(&provider.arn, &claims.id, claims.expires + leeway, ctx.now)
                .await
                .map_err(internal)?;
            if !fresh {
                return Err(ApiError::invalid_identity_token(
                    "Assertion has already been used",
                ));
            }
        }

        let identity_keys: Vec<(String, Vec<String>)> = keys
            .iter()
            .filter(|(k, _, _)| {
                matches!(
                    k.as_str(),
                    "saml:namequalifier" | "saml:sub" | "saml:sub_type"
                )
            })
            .map(|(k, v, _)| (k.clone(), v.clone()))
            .collect();
        let (credentials, session) = issue_role_session(
            ctx.state,
            RoleSession {
                role: &role,
                session_name: &session_name,
                now: ctx.now,
                duration,
                policies: &self.policies,
                tags: claims.principal_tags.clone(),
                transitive_tag_keys: claims.transitive_tag_keys.clone(),
                source_identity: claims.source_identity.clone(),
                federated_provider: Some(provider.arn.clone()),
                identity_keys,
            },
        );
        tracing::info!(role = %role.arn, provider = %provider.arn, session = %session_name, "SAML session issued");
        Ok(Output {
            credentials,
            assumed_role_id: session.user_id(),
            assumed_role_arn: session.arn(),
            packed_policy_size: packed,
            name_qualifier: claims::name_qualifier(
                &claims.issuer,
                account.as_str(),
                &provider.name,
            ),
            subject: claims.subject,
            subject_type: claims.subject_type,
            issuer: claims.issuer,
            audience: claims.recipient,
            source_identity: claims.source_identity,
        })
    }
}
