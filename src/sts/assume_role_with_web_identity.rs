//! AssumeRoleWithWebIdentity (unsigned): trade an OIDC ID token for temporary
//! credentials of a role whose trust policy allows the token's provider.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::{AccountId, RoleRef, oidc_provider_arn, parse_role_arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::token::jwt::{CheckedClaims, is_google_issuer, peek_issuer};
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::federation::oidc::{ProviderSpec, discovery_url_for};
use crate::sts::{
    FederatedTrust, IssuedCredentials, MAX_ROLE_SESSION, MIN_SESSION, RoleSession,
    SessionPolicyInput, check_session_tags, federated_trust_allows, issue_role_session,
    packed_policy_size, role_session_duration, session_policy_params,
};

pub const GOOGLE: &str = "accounts.google.com";
const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

pub struct Input {
    role: RoleRef,
    session_name: String,
    token: String,
    duration: Option<i64>,
    policies: SessionPolicyInput,
}

pub struct Output {
    credentials: IssuedCredentials,
    subject: String,
    assumed_role_id: String,
    assumed_role_arn: String,
    packed_policy_size: Option<u32>,
    provider: String,
    audience: String,
    source_identity: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        self.credentials.render(w);
        w.leaf("SubjectFromWebIdentityToken", &self.subject);
        w.open("AssumedRoleUser")
            .leaf("AssumedRoleId", &self.assumed_role_id)
            .leaf("Arn", &self.assumed_role_arn)
            .close("AssumedRoleUser");
        if let Some(p) = self.packed_policy_size {
            w.leaf_display("PackedPolicySize", p);
        }
        w.leaf("Provider", &self.provider)
            .leaf("Audience", &self.audience);
        w.leaf_opt("SourceIdentity", self.source_identity.as_deref());
    }
}

fn not_authorized() -> ApiError {
    ApiError::access_denied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
}

/// The provider a token's `iss` names: its spec for the verifier, its ARN
/// (or `accounts.google.com`) for the trust policy and the response, and the
/// condition-key prefix.
struct ResolvedProvider {
    spec: ProviderSpec,
    principal: String,
    key_prefix: String,
}

async fn resolve_provider(
    ctx: &Ctx<'_>,
    account: &AccountId,
    issuer: &str,
) -> ApiResult<ResolvedProvider> {
    if is_google_issuer(issuer) {
        return Ok(ResolvedProvider {
            spec: ProviderSpec {
                issuer_url: issuer.to_string(),
                client_ids: None,
                thumbprints: Vec::new(),
                discovery_url: ctx.state.settings.oidc.google_discovery_url.clone(),
            },
            principal: GOOGLE.to_string(),
            key_prefix: GOOGLE.to_string(),
        });
    }
    let no_provider = || {
        ApiError::invalid_identity_token(format!(
            "No OpenIDConnect provider found in your account for {issuer}"
        ))
    };
    // Providers are registered without a trailing slash; some issuers (Auth0)
    // put one in `iss`. The token must still name the issuer exactly, which
    // the verifier checks against `issuer_url` below.
    let registered = issuer.strip_suffix('/').unwrap_or(issuer);
    let without_scheme = registered
        .strip_prefix("https://")
        .or_else(|| registered.strip_prefix("http://"))
        .ok_or_else(no_provider)?;
    let arn = oidc_provider_arn(account, without_scheme);
    let provider = ctx
        .state
        .store
        .get_oidc_provider(&arn)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "provider lookup failed");
            ApiError::internal()
        })?
        .filter(|p| p.url == registered)
        .ok_or_else(no_provider)?;
    Ok(ResolvedProvider {
        spec: ProviderSpec {
            discovery_url: discovery_url_for(&provider.url),
            issuer_url: issuer.to_string(),
            client_ids: Some(provider.client_ids.clone()),
            thumbprints: provider.thumbprints.clone(),
        },
        principal: provider.arn,
        key_prefix: without_scheme.to_string(),
    })
}

/// Condition keys from the token, as `<provider>:key` (STS.md §7.2).
fn identity_keys(prefix: &str, google: bool, claims: &CheckedClaims) -> Vec<(String, Vec<String>)> {
    let mut keys = vec![
        (format!("{prefix}:aud"), vec![claims.audience.clone()]),
        (format!("{prefix}:sub"), vec![claims.subject.clone()]),
    ];
    if google {
        keys.push((format!("{prefix}:oaud"), vec![claims.oaud.clone()]));
    }
    if let Some(azp) = &claims.azp {
        keys.push((format!("{prefix}:azp"), vec![azp.clone()]));
    }
    if !claims.amr.is_empty() {
        keys.push((format!("{prefix}:amr"), claims.amr.clone()));
    }
    keys
}

impl Action for Input {
    const SERVICE: Service = Service::Sts;
    const NAME: &'static str = "AssumeRoleWithWebIdentity";
    const SIGNED: bool = false;
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let role_arn = v.required(params, "RoleArn", &validate::ARN).to_string();
        let session_name = v
            .required(params, "RoleSessionName", &validate::ROLE_SESSION_NAME)
            .to_string();
        // Token files written with `echo` end in a newline that SDKs send
        // along; a JWT never contains whitespace, so surrounding whitespace is
        // dropped.
        let token = v
            .required(params, "WebIdentityToken", &validate::WEB_IDENTITY_TOKEN)
            .trim()
            .to_string();
        let provider_id = v
            .optional(params, "ProviderId", &validate::PROVIDER_ID)
            .map(str::to_string);
        let duration = v.optional_int(params, "DurationSeconds", MIN_SESSION, MAX_ROLE_SESSION);
        let policies = session_policy_params(&mut v, params)?;
        v.finish()?;
        if let Some(p) = provider_id {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!(
                    "ProviderId {p} is not supported: omit ProviderId for OpenID Connect ID tokens"
                ),
            ));
        }
        let role = parse_role_arn(&role_arn, "RoleArn")?;
        policies.check()?;
        Ok(Input {
            role,
            session_name,
            token,
            duration,
            policies,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Unsigned
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = &self.role.account;
        let issuer = peek_issuer(&self.token)?;
        let provider = resolve_provider(ctx, account, &issuer).await?;
        let claims = ctx
            .state
            .oidc
            .verify(&self.token, &provider.spec, ctx.now)
            .await?;
        let role = ctx
            .state
            .store
            .get_role(account, &self.role.name)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "role lookup failed");
                ApiError::internal()
            })?
            .filter(|r| r.path == self.role.path)
            .ok_or_else(not_authorized)?;
        let duration = role_session_duration(self.duration, &role)?;
        check_session_tags(&claims.principal_tags, &claims.transitive_tag_keys)
            .map_err(ApiError::invalid_identity_token)?;
        if let Some(si) = &claims.source_identity {
            let mut v = Validator::new();
            v.check("SourceIdentity", si, &validate::SOURCE_IDENTITY);
            v.finish()
                .map_err(|e| ApiError::invalid_identity_token(e.message))?;
            if si.to_ascii_lowercase().starts_with("aws:") {
                return Err(ApiError::invalid_identity_token(
                    "SourceIdentity may not start with aws:",
                ));
            }
        }

        let google = provider.principal == GOOGLE;
        let keys = identity_keys(&provider.key_prefix, google, &claims);
        let federated_provider = if google {
            GOOGLE.to_string()
        } else {
            provider.principal.clone()
        };

        // The trust policy decides, with the token's claims as condition keys.
        let provider_keys: Vec<(String, Vec<String>, bool)> = keys
            .iter()
            .map(|(k, v)| (k.clone(), v.clone(), v.len() != 1 || k.ends_with(":amr")))
            .collect();
        let trusted = federated_trust_allows(
            ctx,
            &FederatedTrust {
                role: &role,
                action: ACTION,
                federated: &provider.principal,
                provider_keys: &provider_keys,
                federated_provider: &federated_provider,
                session_name: &self.session_name,
                tags: &claims.principal_tags,
                transitive_tag_keys: &claims.transitive_tag_keys,
                source_identity: claims.source_identity.as_deref(),
            },
        );
        if !trusted {
            return Err(not_authorized());
        }

        let packed = packed_policy_size(&self.policies, &claims.principal_tags)?;
        let (credentials, session) = issue_role_session(
            ctx.state,
            RoleSession {
                role: &role,
                session_name: &self.session_name,
                now: ctx.now,
                duration,
                policies: &self.policies,
                tags: claims.principal_tags.clone(),
                transitive_tag_keys: claims.transitive_tag_keys.clone(),
                source_identity: claims.source_identity.clone(),
                federated_provider: Some(federated_provider),
                identity_keys: keys,
            },
        );
        tracing::info!(role = %role.arn, provider = %provider.principal, session = %self.session_name, "web identity session issued");
        Ok(Output {
            credentials,
            subject: claims.subject.clone(),
            assumed_role_id: session.user_id(),
            assumed_role_arn: session.arn(),
            packed_policy_size: packed,
            provider: provider.principal,
            audience: claims.audience.clone(),
            source_identity: claims.source_identity.clone(),
        })
    }
}
