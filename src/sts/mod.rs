//! STS actions, one module per action, and what they share: duration and
//! session-policy validation, credential issuing and rendering.

pub mod assume_role_with_saml;
pub mod assume_role_with_web_identity;
pub mod get_caller_identity;

use crate::action::Ctx;
use crate::app::{AppState, SysRandom};
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{IdKind, new_id, new_secret};
use crate::core::policy::{self, Decision, Policy, PolicyKind, Request, RequestPrincipal};
use crate::core::query::Params;
use crate::core::time::{Epoch, iso8601};
use crate::core::token::session::{SessionClaims, SessionKind};
use crate::core::validate::{self, Validator};
use crate::core::xml::XmlWriter;
use crate::store::{Role, non_whitespace_len};

/// Default and bounds of AssumeRole* `DurationSeconds`.
pub const DEFAULT_ROLE_SESSION: i64 = 3600;
pub const MIN_SESSION: i64 = 900;
pub const MAX_ROLE_SESSION: i64 = 43200;
/// Budget (in minified characters) that `PackedPolicySize` is a percentage of.
/// stsgate packs session policies, policy ARNs and tags as minified text.
pub const PACKED_BUDGET: usize = 4096;
pub const MAX_POLICY_ARNS: usize = 10;

/// Session policies passed on an AssumeRole* call.
#[derive(Debug, Clone, Default)]
pub struct SessionPolicyInput {
    /// The inline policy, minified-as-sent (the document text).
    pub policy: Option<String>,
    pub policy_arns: Vec<String>,
}

/// Read and check `Policy` and `PolicyArns.member.N.arn`. The policy's grammar
/// is checked by the policy parser (`MalformedPolicyDocument`); its plaintext
/// may not exceed 2048 characters.
pub fn session_policy_params(v: &mut Validator, params: &Params) -> ApiResult<SessionPolicyInput> {
    let policy = v
        .optional(params, "Policy", &validate::SESSION_POLICY)
        .map(str::to_string);
    let mut policy_arns = Vec::new();
    match params.struct_list("PolicyArns") {
        Ok(Some(items)) => {
            if items.len() > MAX_POLICY_ARNS {
                v.push(format!(
                    "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to {MAX_POLICY_ARNS}"
                ));
            }
            for item in items {
                match item.get("arn") {
                    Some(arn) => {
                        v.check("PolicyArns.member.arn", arn, &validate::ARN);
                        policy_arns.push(arn.to_string());
                    }
                    None => v.missing("PolicyArns.member.arn"),
                }
            }
        }
        Ok(None) => {}
        Err(e) => return Err(e),
    }
    Ok(SessionPolicyInput {
        policy,
        policy_arns,
    })
}

impl SessionPolicyInput {
    /// Grammar checks that follow the model checks.
    pub fn check(&self) -> ApiResult<()> {
        if let Some(doc) = &self.policy {
            Policy::parse(doc, PolicyKind::Session)
                .map_err(|e| ApiError::malformed_policy(e.message))?;
        }
        for arn in &self.policy_arns {
            let ok = crate::core::arn::Arn::parse(arn).is_some_and(|a| {
                a.service == "iam" && a.resource_type() == "policy" && !a.resource_id().is_empty()
            });
            if !ok {
                return Err(ApiError::new(
                    crate::core::error::ErrorCode::InvalidParameterValue,
                    format!("PolicyArns contains an invalid managed policy ARN: {arn}"),
                ));
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.policy.is_none() && self.policy_arns.is_empty()
    }
}

/// `PackedPolicySize` for the session policies and tags, or `PackedPolicyTooLarge`.
pub fn packed_policy_size(
    policies: &SessionPolicyInput,
    tags: &[(String, String)],
) -> ApiResult<Option<u32>> {
    if policies.is_empty() && tags.is_empty() {
        return Ok(None);
    }
    let packed = policies.policy.as_deref().map_or(0, non_whitespace_len)
        + policies.policy_arns.iter().map(String::len).sum::<usize>()
        + tags
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>();
    let percent = (packed * 100).div_ceil(PACKED_BUDGET);
    if percent > 100 {
        return Err(ApiError::new(
            crate::core::error::ErrorCode::PackedPolicyTooLarge,
            format!(
                "Packed size of session policies and tags is {percent}% of the allowed maximum"
            ),
        ));
    }
    Ok(Some(percent as u32))
}

/// Check `DurationSeconds` against the role's MaxSessionDuration.
pub fn role_session_duration(requested: Option<i64>, role: &Role) -> ApiResult<i64> {
    let duration = requested.unwrap_or(DEFAULT_ROLE_SESSION);
    if duration > role.max_session_duration {
        return Err(ApiError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    Ok(duration)
}

/// Temporary credentials as returned to the caller.
#[derive(Debug, Clone)]
pub struct IssuedCredentials {
    pub access_key_id: String,
    pub secret_access_key: crate::core::secret::Secret,
    pub session_token: String,
    pub expiration: Epoch,
}

impl IssuedCredentials {
    pub fn render(&self, w: &mut XmlWriter) {
        w.open("Credentials")
            .leaf("AccessKeyId", &self.access_key_id)
            .leaf("SecretAccessKey", self.secret_access_key.expose())
            .leaf("SessionToken", &self.session_token)
            .leaf("Expiration", &iso8601(self.expiration))
            .close("Credentials");
    }
}

/// Everything about a new role session except the key material.
pub struct RoleSession<'a> {
    pub role: &'a Role,
    pub session_name: &'a str,
    pub now: Epoch,
    pub duration: i64,
    pub policies: &'a SessionPolicyInput,
    pub tags: Vec<(String, String)>,
    pub transitive_tag_keys: Vec<String>,
    pub source_identity: Option<String>,
    pub federated_provider: Option<String>,
    pub identity_keys: Vec<(String, Vec<String>)>,
}

/// Mint an `ASIA…` key, a secret and the sealed session token.
pub fn issue_role_session(
    state: &AppState,
    s: RoleSession<'_>,
) -> (IssuedCredentials, SessionClaims) {
    let mut rng = SysRandom;
    let akid = new_id(IdKind::TemporaryKey, &mut rng);
    let secret = new_secret(&mut rng);
    let claims = SessionClaims {
        akid: akid.clone(),
        secret: secret.clone(),
        account: s.role.account.to_string(),
        kind: SessionKind::AssumedRole {
            role_name: s.role.name.clone(),
            role_id: s.role.role_id.clone(),
            role_arn: s.role.arn.clone(),
            session_name: s.session_name.to_string(),
        },
        iat: s.now,
        exp: s.now + s.duration,
        policy: s.policies.policy.clone(),
        policy_arns: s.policies.policy_arns.clone(),
        tags: s.tags,
        transitive_tag_keys: s.transitive_tag_keys,
        source_identity: s.source_identity,
        federated_provider: s.federated_provider,
        identity_keys: s.identity_keys,
        mfa: false,
    };
    let token = state.keyring.seal(&claims);
    (
        IssuedCredentials {
            access_key_id: akid,
            secret_access_key: crate::core::secret::Secret::new(secret),
            session_token: token,
            expiration: claims.exp,
        },
        claims,
    )
}

/// Session tags (from a token or assertion) checked as STS checks `Tags`:
/// at most 50, key 1..128 and value 0..256 of the tag alphabet, no `aws:`
/// prefix, keys unique ignoring case.
pub fn check_session_tags(tags: &[(String, String)], transitive: &[String]) -> Result<(), String> {
    if tags.len() > 50 {
        return Err(format!(
            "{} session tags were passed; at most 50 are allowed",
            tags.len()
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (k, v) in tags {
        let klen = k.chars().count();
        if !(1..=128).contains(&klen) || !k.chars().all(validate::tag_char) {
            return Err(format!("Session tag key '{k}' is not valid"));
        }
        if v.chars().count() > 256 || !v.chars().all(validate::tag_char) {
            return Err(format!("Session tag value for key '{k}' is not valid"));
        }
        if k.to_ascii_lowercase().starts_with("aws:") || v.to_ascii_lowercase().starts_with("aws:")
        {
            return Err(format!(
                "Session tag '{k}' may not use the reserved prefix aws:"
            ));
        }
        if !seen.insert(k.to_lowercase()) {
            return Err(format!("Session tag key '{k}' was passed more than once"));
        }
    }
    for t in transitive {
        if !seen.contains(&t.to_lowercase()) {
            return Err(format!(
                "Transitive tag key '{t}' is not one of the session tags"
            ));
        }
    }
    Ok(())
}

/// What a federated caller (web identity or SAML) asks of a role's trust policy.
pub struct FederatedTrust<'a> {
    pub role: &'a Role,
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    pub action: &'static str,
    /// The `Federated` principal: provider ARN or a built-in IdP name.
    pub federated: &'a str,
    /// Provider condition keys: (key, values, multi-valued).
    pub provider_keys: &'a [(String, Vec<String>, bool)],
    pub federated_provider: &'a str,
    pub session_name: &'a str,
    pub tags: &'a [(String, String)],
    pub transitive_tag_keys: &'a [String],
    pub source_identity: Option<&'a str>,
}

/// Whether the role's trust policy lets this federated caller in: the assume
/// action itself, plus `sts:TagSession` when session tags are passed and
/// `sts:SetSourceIdentity` when a source identity is set (STS.md §6).
pub fn federated_trust_allows(ctx: &Ctx<'_>, t: &FederatedTrust<'_>) -> bool {
    let trust = match ctx
        .state
        .parsed_policies
        .get(&t.role.assume_role_policy, PolicyKind::Trust)
    {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(role = %t.role.arn, error = %e.message, "stored trust policy does not parse");
            return false;
        }
    };
    let mut context = ctx.base_context();
    for (k, values, multi) in t.provider_keys {
        match (multi, values.first()) {
            (false, Some(v)) => context.insert(k, v.clone()),
            (true, _) => context.insert_multi(k, values.clone()),
            (false, None) => {}
        }
    }
    context.insert("aws:FederatedProvider", t.federated_provider);
    context.insert("sts:RoleSessionName", t.session_name);
    if !t.tags.is_empty() {
        for (k, v) in t.tags {
            context.insert(&format!("aws:RequestTag/{k}"), v.clone());
        }
        context.insert_multi(
            "aws:TagKeys",
            t.tags.iter().map(|(k, _)| k.clone()).collect(),
        );
    }
    if !t.transitive_tag_keys.is_empty() {
        context.insert_multi("sts:TransitiveTagKeys", t.transitive_tag_keys.to_vec());
    }
    if let Some(si) = t.source_identity {
        context.insert("sts:SourceIdentity", si);
        context.insert("aws:SourceIdentity", si);
    }
    let principal = RequestPrincipal {
        federated: Some(t.federated.to_string()),
        ..Default::default()
    };
    let allowed = |action: &str| {
        let request = Request {
            principal: Some(&principal),
            action,
            resource: &t.role.arn,
            context: &context,
        };
        policy::evaluate(&[&trust], &request) == Decision::Allow
    };
    allowed(t.action)
        && (t.tags.is_empty() || allowed("sts:TagSession"))
        && (t.source_identity.is_none() || allowed("sts:SetSourceIdentity"))
}
