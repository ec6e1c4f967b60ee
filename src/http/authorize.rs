//! Authorization: the one place that decides whether the caller may perform
//! the action an `Input` declared. Every signed action passes through here
//! before `execute`.
//!
//! Today: the bootstrap administrator may do everything; other IAM users have
//! no identity policies yet (they arrive with managed/user policies); role
//! sessions get their role's inline policies intersected with the session
//! policies carried in their token, explicit deny first.

use crate::action::{Authorization, Ctx, EntityKind};
use crate::core::error::{ApiError, ApiResult};
use crate::core::policy::{self, Context, Decision, Policy, PolicyKind, Request};
use crate::core::time::iso8601;
use crate::core::token::session::SessionKind;
use crate::principal::Principal;

/// Why a request was refused, rendered in AWS's wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    NoIdentityPolicy,
    ExplicitIdentityDeny,
    NoSessionPolicy,
    ExplicitSessionDeny,
}

pub fn denied(caller: &Principal, action: &str, resource: &str, reason: DenyReason) -> ApiError {
    let why = match reason {
        DenyReason::NoIdentityPolicy => {
            format!("because no identity-based policy allows the {action} action")
        }
        DenyReason::ExplicitIdentityDeny => {
            "with an explicit deny in an identity-based policy".to_string()
        }
        DenyReason::NoSessionPolicy => {
            format!("because no session policy allows the {action} action")
        }
        DenyReason::ExplicitSessionDeny => "with an explicit deny in a session policy".to_string(),
    };
    ApiError::access_denied(format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} {why}",
        caller.arn()
    ))
}

/// The request context keys for a signed call (POLICY.md §6).
pub fn request_context(ctx: &Ctx<'_>, caller: &Principal) -> Context {
    let mut c = ctx.base_context();
    c.insert("aws:userid", caller.user_id());
    c.insert("aws:PrincipalArn", caller.principal_arn());
    c.insert("aws:PrincipalAccount", caller.account().as_str());
    c.insert("aws:PrincipalType", caller.principal_type());
    c.insert("aws:RequestedRegion", "us-east-1");
    match caller {
        Principal::User { user, .. } => {
            c.insert("aws:username", user.name.clone());
            for t in &user.tags {
                c.insert(&format!("aws:PrincipalTag/{}", t.key), t.value.clone());
            }
        }
        Principal::Session { claims, .. } => {
            c.insert("aws:TokenIssueTime", iso8601(claims.iat));
            c.insert(
                "aws:MultiFactorAuthPresent",
                if claims.mfa { "true" } else { "false" },
            );
            if let Some(p) = &claims.federated_provider {
                c.insert("aws:FederatedProvider", p.clone());
            }
            if let Some(s) = &claims.source_identity {
                c.insert("aws:SourceIdentity", s.clone());
            }
            for (k, v) in &claims.tags {
                c.insert(&format!("aws:PrincipalTag/{k}"), v.clone());
            }
            for (k, values) in &claims.identity_keys {
                if values.len() == 1 {
                    c.insert(k, values[0].clone());
                } else {
                    c.insert_multi(k, values.clone());
                }
            }
        }
    }
    c
}

/// The ARN of a named entity in the caller's account, path included when the
/// entity exists (`role/NAME` otherwise, so a missing entity is still judged
/// and answered `NoSuchEntity` only when the caller may ask).
async fn entity_arn(ctx: &Ctx<'_>, entity: EntityKind, name: &str) -> ApiResult<String> {
    let account = ctx.account()?;
    let store = ctx.state.store.as_ref();
    let internal = |e: crate::store::StoreError| {
        tracing::error!(error = %e, "entity lookup failed");
        ApiError::internal()
    };
    let found = match entity {
        EntityKind::Role => store
            .get_role(account, name)
            .await
            .map_err(internal)?
            .map(|r| r.arn),
        EntityKind::User => store
            .get_user(account, name)
            .await
            .map_err(internal)?
            .map(|u| u.arn),
        EntityKind::Group => store
            .get_group(account, name)
            .await
            .map_err(internal)?
            .map(|g| g.arn),
    };
    Ok(found.unwrap_or_else(|| format!("arn:aws:iam::{account}:{}/{name}", entity.as_str())))
}

pub async fn authorize(ctx: &Ctx<'_>, auth: &Authorization) -> ApiResult<()> {
    let looked_up;
    let (action, resource) = match auth {
        Authorization::Unsigned | Authorization::AnyCaller => return Ok(()),
        Authorization::Allow { action, resource } => (*action, resource.as_str()),
        Authorization::AllowEntity {
            action,
            entity,
            name,
        } => {
            looked_up = entity_arn(ctx, *entity, name).await?;
            (*action, looked_up.as_str())
        }
    };
    let caller = ctx.caller()?;
    match caller {
        Principal::User { user, .. } => {
            if user.is_admin {
                Ok(())
            } else {
                Err(denied(
                    caller,
                    action,
                    resource,
                    DenyReason::NoIdentityPolicy,
                ))
            }
        }
        Principal::Session { claims, account } => {
            let SessionKind::AssumedRole { role_name, .. } = &claims.kind;
            let store = ctx.state.store.as_ref();
            let internal = |e: crate::store::StoreError| {
                tracing::error!(error = %e, "policy lookup failed");
                ApiError::internal()
            };
            // A deleted role's sessions keep their token but lose every permission.
            let identity: Vec<Policy> =
                match store.get_role(account, role_name).await.map_err(internal)? {
                    Some(role) => store
                        .list_role_policies(account, &role.name)
                        .await
                        .map_err(internal)?
                        .iter()
                        .filter_map(|p| Policy::parse(&p.document, PolicyKind::Identity).ok())
                        .collect(),
                    None => Vec::new(),
                };
            let context = request_context(ctx, caller);
            let request = Request {
                principal: None,
                action,
                resource,
                context: &context,
            };
            let refs: Vec<&Policy> = identity.iter().collect();
            match policy::evaluate(&refs, &request) {
                Decision::ExplicitDeny => {
                    return Err(denied(
                        caller,
                        action,
                        resource,
                        DenyReason::ExplicitIdentityDeny,
                    ));
                }
                Decision::ImplicitDeny => {
                    return Err(denied(
                        caller,
                        action,
                        resource,
                        DenyReason::NoIdentityPolicy,
                    ));
                }
                Decision::Allow => {}
            }
            let session = session_policies(ctx, claims).await?;
            if let Some(session) = session {
                let refs: Vec<&Policy> = session.iter().collect();
                match policy::evaluate(&refs, &request) {
                    Decision::ExplicitDeny => {
                        return Err(denied(
                            caller,
                            action,
                            resource,
                            DenyReason::ExplicitSessionDeny,
                        ));
                    }
                    Decision::ImplicitDeny => {
                        return Err(denied(
                            caller,
                            action,
                            resource,
                            DenyReason::NoSessionPolicy,
                        ));
                    }
                    Decision::Allow => {}
                }
            }
            Ok(())
        }
    }
}

/// The session policies a token carries, or `None` when it carries none.
/// Managed session policies that cannot be resolved contribute nothing, so
/// they can only narrow (fail closed).
async fn session_policies(
    _ctx: &Ctx<'_>,
    claims: &crate::core::token::session::SessionClaims,
) -> ApiResult<Option<Vec<Policy>>> {
    if claims.policy.is_none() && claims.policy_arns.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    if let Some(doc) = &claims.policy
        && let Ok(p) = Policy::parse(doc, PolicyKind::Session)
    {
        out.push(p);
    }
    Ok(Some(out))
}
