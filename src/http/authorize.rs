//! Authorization: the one place that decides whether the caller may perform
//! the action an `Input` declared. Every signed action passes through here
//! before `execute`, and every decision is `core::policy::decide`'s:
//!
//! - IAM users: inline + attached managed policies of the user and of each of
//!   its groups, intersected with the user's permissions boundary.
//! - Role sessions: the role's inline + attached managed policies, its
//!   boundary, and the session policies sealed in the token.
//!
//! Nobody is special: the bootstrap administrator holds AdministratorAccess
//! like any other attachment. Parsed policy sets are cached per principal
//! ([`PolicyCache`]) and dropped whenever the store's cache generation moves,
//! so a warm principal costs no store read and no parsing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::action::{Authorization, Ctx, EntityKind};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::policy::simulate::{SourcePolicy, SourceType};
use crate::core::policy::{
    Context, Policy, PolicyKind, PolicySet, PrincipalArns, PrincipalKind, Request, decide,
    denial_message,
};
use crate::core::time::iso8601;
use crate::core::token::session::{SessionClaims, SessionKind};
use crate::principal::Principal;
use crate::store::{Role, Store, StoreError, StoreResult, Tag, User};

/// Past this many principals a cache map is cleared before inserting.
const MAX_ENTRIES: usize = 10_000;

/// The stored policies of one IAM entity, as both the authorizer and the
/// simulator (SimulatePrincipalPolicy) see them.
#[derive(Debug, Clone, Default)]
pub struct EntityPolicies {
    pub identity: Vec<SourcePolicy>,
    /// `Some` when the entity has a permissions boundary. A boundary whose
    /// policy cannot be found is `Some(empty)`: it allows nothing.
    pub boundary: Option<Vec<SourcePolicy>>,
}

fn internal(e: StoreError) -> ApiError {
    tracing::error!(error = %e, "policy lookup failed");
    ApiError::internal()
}

/// A list read of an entity that may have vanished meanwhile: a missing
/// entity has no policies (fail closed).
fn or_empty<T>(r: StoreResult<Vec<T>>) -> ApiResult<Vec<T>> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(internal(e)),
    }
}

/// Stored documents were validated on write; one that no longer parses is a
/// fault reported (and refused) rather than silently skipped, since skipping
/// a Deny would widen permissions.
fn parse_stored(document: &str, what: &str, id: &str) -> ApiResult<Policy> {
    Policy::parse(document, PolicyKind::Identity).map_err(|e| {
        tracing::error!(policy = %id, error = %e.message, "stored policy does not parse");
        ApiError::new(
            ErrorCode::PolicyEvaluation,
            format!("{what} {id} cannot be evaluated: {}", e.message),
        )
    })
}

/// The default-version document of a managed policy (AWS catalogue or
/// customer), or `None` when no such policy exists.
pub async fn managed_document(store: &dyn Store, arn: &str) -> ApiResult<Option<String>> {
    if let Some(p) = crate::iam::aws_managed::lookup(arn) {
        return Ok(Some(p.document.to_string()));
    }
    store.default_document(arn).await.map_err(internal)
}

/// The managed policy `arn` as a source, `None` when it does not exist.
async fn managed_policy(store: &dyn Store, arn: &str) -> ApiResult<Option<SourcePolicy>> {
    let source_type = if crate::iam::aws_managed::lookup(arn).is_some() {
        SourceType::AwsManaged
    } else {
        SourceType::UserManaged
    };
    match managed_document(store, arn).await? {
        Some(doc) => Ok(Some(SourcePolicy {
            id: arn.to_string(),
            source_type,
            policy: parse_stored(&doc, "Managed policy", arn)?,
        })),
        None => Ok(None),
    }
}

async fn attached(
    store: &dyn Store,
    account: &AccountId,
    kind: EntityKind,
    name: &str,
    out: &mut Vec<SourcePolicy>,
) -> ApiResult<()> {
    let arns = or_empty(store.list_attached_policies(account, kind, name).await)?;
    for arn in arns {
        if let Some(p) = managed_policy(store, &arn).await? {
            out.push(p);
        }
    }
    Ok(())
}

async fn boundary(store: &dyn Store, arn: Option<&str>) -> ApiResult<Option<Vec<SourcePolicy>>> {
    let Some(arn) = arn else {
        return Ok(None);
    };
    Ok(Some(
        managed_policy(store, arn).await?.into_iter().collect(),
    ))
}

/// A group's inline and attached managed policies.
pub async fn group_policies(
    store: &dyn Store,
    account: &AccountId,
    group: &str,
) -> ApiResult<Vec<SourcePolicy>> {
    let mut out = Vec::new();
    for p in or_empty(store.list_group_policies(account, group).await)? {
        out.push(SourcePolicy {
            policy: parse_stored(&p.document, "Group policy", &p.name)?,
            id: p.name,
            source_type: SourceType::Group,
        });
    }
    attached(store, account, EntityKind::Group, group, &mut out).await?;
    Ok(out)
}

/// A user's inline and attached policies, those of each of its groups, and
/// its permissions boundary.
pub async fn user_policies(store: &dyn Store, user: &User) -> ApiResult<EntityPolicies> {
    let account = &user.account;
    let mut identity = Vec::new();
    for p in or_empty(store.list_user_policies(account, &user.name).await)? {
        identity.push(SourcePolicy {
            policy: parse_stored(&p.document, "User policy", &p.name)?,
            id: p.name,
            source_type: SourceType::User,
        });
    }
    attached(store, account, EntityKind::User, &user.name, &mut identity).await?;
    for g in or_empty(store.list_groups_for_user(account, &user.name).await)? {
        identity.extend(group_policies(store, account, &g.name).await?);
    }
    Ok(EntityPolicies {
        identity,
        boundary: boundary(store, user.permissions_boundary.as_deref()).await?,
    })
}

/// A role's inline and attached policies and its permissions boundary.
pub async fn role_policies(store: &dyn Store, role: &Role) -> ApiResult<EntityPolicies> {
    let account = &role.account;
    let mut identity = Vec::new();
    for p in or_empty(store.list_role_policies(account, &role.name).await)? {
        identity.push(SourcePolicy {
            policy: parse_stored(&p.document, "Role policy", &p.name)?,
            id: p.name,
            source_type: SourceType::Role,
        });
    }
    attached(store, account, EntityKind::Role, &role.name, &mut identity).await?;
    Ok(EntityPolicies {
        identity,
        boundary: boundary(store, role.permissions_boundary.as_deref()).await?,
    })
}

/// The session policies a token carries, or `None` when it carries none.
/// A session policy that cannot be parsed or resolved contributes nothing, so
/// it can only narrow (fail closed).
pub async fn session_policies(
    store: &dyn Store,
    claims: &SessionClaims,
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
    for arn in &claims.policy_arns {
        if let Some(doc) = managed_document(store, arn).await?
            && let Ok(p) = Policy::parse(&doc, PolicyKind::Session)
        {
            out.push(p);
        }
    }
    Ok(Some(out))
}

/// Parsed policies of one principal, ready for `decide`.
#[derive(Debug, Default)]
pub struct Compiled {
    identity: Vec<Policy>,
    boundary: Option<Vec<Policy>>,
}

impl From<EntityPolicies> for Compiled {
    fn from(p: EntityPolicies) -> Compiled {
        Compiled {
            identity: p.identity.into_iter().map(|s| s.policy).collect(),
            boundary: p
                .boundary
                .map(|b| b.into_iter().map(|s| s.policy).collect()),
        }
    }
}

/// A role as its sessions are judged: `None` role once deleted (nothing allowed).
#[derive(Debug, Default)]
pub struct CompiledRole {
    tags: Vec<Tag>,
    policies: Compiled,
}

type NameKey = (AccountId, String);

#[derive(Default)]
struct Maps {
    /// The store generation these entries were built under.
    generation: Option<u64>,
    users: HashMap<NameKey, Arc<Compiled>>,
    roles: HashMap<NameKey, Arc<CompiledRole>>,
    /// Session policies by the session's access key id.
    sessions: HashMap<String, Arc<Option<Vec<Policy>>>>,
}

/// Parsed policy sets per principal. Valid for one store cache generation
/// (`Store::cache_generation`): a write through this node moves it at once,
/// another node's write when this node's invalidation poll sees it (within
/// `cache_refresh_ms`). Without a caching store nothing is kept.
#[derive(Default)]
pub struct PolicyCache {
    maps: RwLock<Maps>,
    /// Policy sets built from the store (cache misses); tests watch it.
    loads: AtomicU64,
}

impl PolicyCache {
    /// How many policy sets were gathered from the store so far.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    fn get<T>(
        &self,
        generation: Option<u64>,
        pick: impl FnOnce(&Maps) -> Option<&Arc<T>>,
    ) -> Option<Arc<T>> {
        let g = generation?;
        let maps = self.maps.read().unwrap_or_else(|p| p.into_inner());
        if maps.generation != Some(g) {
            return None;
        }
        pick(&maps).cloned()
    }

    /// Keep `value` if the store generation is still the one it was built
    /// under (`built`), read before the store was asked.
    fn put(&self, store: &dyn Store, built: Option<u64>, insert: impl FnOnce(&mut Maps)) {
        let Some(g) = built else {
            return;
        };
        if store.cache_generation() != Some(g) {
            return;
        }
        let mut maps = self.maps.write().unwrap_or_else(|p| p.into_inner());
        if maps.generation != Some(g) {
            *maps = Maps {
                generation: Some(g),
                ..Maps::default()
            };
        }
        insert(&mut maps);
    }

    async fn user(&self, store: &dyn Store, user: &User) -> ApiResult<Arc<Compiled>> {
        let key = (user.account.clone(), user.name.to_lowercase());
        let g = store.cache_generation();
        if let Some(hit) = self.get(g, |m| m.users.get(&key)) {
            return Ok(hit);
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        let compiled = Arc::new(Compiled::from(user_policies(store, user).await?));
        self.put(store, g, |m| bounded(&mut m.users, key, compiled.clone()));
        Ok(compiled)
    }

    async fn role(
        &self,
        store: &dyn Store,
        account: &AccountId,
        name: &str,
    ) -> ApiResult<Arc<CompiledRole>> {
        let key = (account.clone(), name.to_lowercase());
        let g = store.cache_generation();
        if let Some(hit) = self.get(g, |m| m.roles.get(&key)) {
            return Ok(hit);
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        // A deleted role's sessions keep their token but lose every permission.
        let compiled = match store.get_role(account, name).await.map_err(internal)? {
            Some(role) => CompiledRole {
                policies: role_policies(store, &role).await?.into(),
                tags: role.tags,
            },
            None => CompiledRole::default(),
        };
        let compiled = Arc::new(compiled);
        self.put(store, g, |m| bounded(&mut m.roles, key, compiled.clone()));
        Ok(compiled)
    }

    async fn session(
        &self,
        store: &dyn Store,
        claims: &SessionClaims,
    ) -> ApiResult<Arc<Option<Vec<Policy>>>> {
        let g = store.cache_generation();
        if let Some(hit) = self.get(g, |m| m.sessions.get(&claims.akid)) {
            return Ok(hit);
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        let compiled = Arc::new(session_policies(store, claims).await?);
        self.put(store, g, |m| {
            bounded(&mut m.sessions, claims.akid.clone(), compiled.clone())
        });
        Ok(compiled)
    }
}

fn bounded<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, key: K, value: V) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, value);
}

/// The request context keys for a signed call (POLICY.md §6). `role_tags`
/// are the session's role tags (empty for users); session tags override
/// them, keys compared ignoring case.
pub fn request_context(ctx: &Ctx<'_>, caller: &Principal, role_tags: &[Tag]) -> Context {
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
            // Context keys ignore case, so a later insert replaces an earlier
            // one whatever its case: session tags win over role tags.
            for t in role_tags {
                c.insert(&format!("aws:PrincipalTag/{}", t.key), t.value.clone());
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
    if !ctx.request_tags.is_empty() {
        for (k, v) in &ctx.request_tags {
            c.insert(&format!("aws:RequestTag/{k}"), v.clone());
        }
        c.insert_multi(
            "aws:TagKeys",
            ctx.request_tags.iter().map(|(k, _)| k.clone()).collect(),
        );
    }
    c
}

/// The ARN of a named entity in the caller's account, path included when the
/// entity exists (`role/NAME` otherwise, so a missing entity is still judged
/// and answered `NoSuchEntity` only when the caller may ask).
async fn entity_arn(ctx: &Ctx<'_>, entity: EntityKind, name: &str) -> ApiResult<String> {
    let account = ctx.account()?;
    let store = ctx.state.store.as_ref();
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

/// Decide `auth` for the request's caller: `Ok(())` or `AccessDenied` with
/// AWS's message.
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
    let store = ctx.state.store.as_ref();
    let cache = &ctx.state.policy_cache;
    let judged = Judged {
        ctx,
        caller,
        action,
        resource,
    };
    match caller {
        Principal::User { user, .. } => {
            let compiled = cache.user(store, user).await?;
            judged.decide(PrincipalKind::User, &compiled, &[], None)
        }
        Principal::Session { claims, account } => {
            let SessionKind::AssumedRole { role_name, .. } = &claims.kind;
            let role = cache.role(store, account, role_name).await?;
            let session = cache.session(store, claims).await?;
            judged.decide(
                PrincipalKind::RoleSession,
                &role.policies,
                &role.tags,
                session.as_deref(),
            )
        }
    }
}

/// One request being judged.
struct Judged<'a, 'c> {
    ctx: &'a Ctx<'c>,
    caller: &'a Principal,
    action: &'a str,
    resource: &'a str,
}

impl Judged<'_, '_> {
    fn decide(
        &self,
        kind: PrincipalKind,
        compiled: &Compiled,
        role_tags: &[Tag],
        session: Option<&[Policy]>,
    ) -> ApiResult<()> {
        let context = request_context(self.ctx, self.caller, role_tags);
        let identity: Vec<&Policy> = compiled.identity.iter().collect();
        let boundary: Option<Vec<&Policy>> = compiled.boundary.as_ref().map(|b| b.iter().collect());
        let session: Option<Vec<&Policy>> = session.map(|s| s.iter().collect());
        let set = PolicySet {
            identity: &identity,
            boundary: boundary.as_deref(),
            session: session.as_deref(),
            resource: None,
            principal_kind: kind,
            principal_arns: PrincipalArns::default(),
        };
        let request = Request {
            principal: None,
            action: self.action,
            resource: self.resource,
            context: &context,
        };
        match decide(&set, &request).reason {
            None => Ok(()),
            Some(reason) => Err(ApiError::access_denied(denial_message(
                &self.caller.arn(),
                self.action,
                self.resource,
                reason,
            ))),
        }
    }
}
