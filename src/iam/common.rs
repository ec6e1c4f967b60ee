//! What the IAM actions share: tag, path and pagination parameters, provider
//! URL and ARN rules, store-error mapping, and rendering of roles, tags and
//! policy documents.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::action::{Authorization, Ctx, EntityKind, Render};
use crate::core::arn::{AccountId, Arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::policy::{Policy, PolicyKind};
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::{self, Validator};
use crate::core::xml::XmlWriter;
use crate::principal::Principal;
use crate::store::{Group, OidcProvider, Role, StoreError, Tag, User, non_whitespace_len};

pub const MAX_TAGS: usize = 50;
pub const DEFAULT_MAX_ITEMS: i64 = 100;
pub const MAX_ITEMS: i64 = 1000;
pub const MIN_MAX_SESSION: i64 = 3600;
pub const MAX_MAX_SESSION: i64 = 43200;
/// Trust policy size quota (non-whitespace characters).
pub const MAX_TRUST_POLICY: usize = 2048;
/// Aggregate inline policy size per role (non-whitespace characters).
pub const MAX_ROLE_INLINE_POLICIES: usize = 10240;
pub const MAX_OIDC_PROVIDERS: usize = 100;
pub const MAX_CLIENT_IDS: usize = 100;
pub const MAX_THUMBPRINTS: usize = 5;
pub const MAX_USERS: usize = 5000;
pub const MAX_GROUPS: usize = 300;
pub const MAX_GROUPS_PER_USER: usize = 10;
pub const MAX_ACCESS_KEYS_PER_USER: usize = 2;
/// Aggregate inline policy size per user / group (non-whitespace characters).
pub const MAX_USER_INLINE_POLICIES: usize = 2048;
pub const MAX_GROUP_INLINE_POLICIES: usize = 5120;

// ---------------------------------------------------------------- store errors

/// The entity a store call was about, for AWS's wording of its errors.
#[derive(Debug, Clone, Copy)]
pub enum Entity<'a> {
    Role(&'a str),
    RolePolicy(&'a str),
    /// An OIDC provider addressed by ARN.
    Provider(&'a str),
    /// An OIDC provider being created, by URL.
    NewProvider(&'a str),
    User(&'a str),
    Group(&'a str),
    UserPolicy(&'a str),
    GroupPolicy(&'a str),
    AccessKey(&'a str),
    Alias(&'a str),
}

pub fn user_not_found(name: &str) -> ApiError {
    ApiError::no_such_entity(format!("The user with name {name} cannot be found."))
}

pub fn group_not_found(name: &str) -> ApiError {
    ApiError::no_such_entity(format!("The group with name {name} cannot be found."))
}

pub fn role_not_found(name: &str) -> ApiError {
    ApiError::no_such_entity(format!("The role with name {name} cannot be found."))
}

pub fn provider_not_found(arn: &str) -> ApiError {
    ApiError::no_such_entity(format!("OpenIDConnect Provider not found for arn {arn}"))
}

impl Entity<'_> {
    fn not_found(self) -> ApiError {
        match self {
            Entity::Role(name) => role_not_found(name),
            Entity::RolePolicy(name) => ApiError::no_such_entity(format!(
                "The role policy with name {name} cannot be found."
            )),
            Entity::Provider(arn) => provider_not_found(arn),
            Entity::NewProvider(url) => {
                ApiError::no_such_entity(format!("OpenIDConnect Provider not found for url {url}"))
            }
            Entity::User(name) => user_not_found(name),
            Entity::Group(name) => group_not_found(name),
            Entity::UserPolicy(name) => ApiError::no_such_entity(format!(
                "The user policy with name {name} cannot be found."
            )),
            Entity::GroupPolicy(name) => ApiError::no_such_entity(format!(
                "The group policy with name {name} cannot be found."
            )),
            Entity::AccessKey(id) => {
                ApiError::no_such_entity(format!("The Access Key with id {id} cannot be found."))
            }
            Entity::Alias(alias) => {
                ApiError::no_such_entity(format!("The account alias {alias} cannot be found."))
            }
        }
    }

    fn already_exists(self) -> ApiError {
        let message = match self {
            Entity::Role(name) => format!("Role with name {name} already exists."),
            Entity::RolePolicy(name) => format!("Role policy with name {name} already exists."),
            Entity::Provider(arn) => format!("Provider with arn {arn} already exists."),
            Entity::NewProvider(url) => format!("Provider with url {url} already exists."),
            Entity::User(name) => format!("User with name {name} already exists."),
            Entity::Group(name) => format!("Group with name {name} already exists."),
            Entity::UserPolicy(name) => format!("User policy with name {name} already exists."),
            Entity::GroupPolicy(name) => format!("Group policy with name {name} already exists."),
            Entity::AccessKey(id) => format!("Access key {id} already exists."),
            Entity::Alias(alias) => format!("The account alias {alias} already exists."),
        };
        ApiError::new(ErrorCode::EntityAlreadyExists, message)
    }
}

/// Map a store error to the IAM error a client expects. Database faults are
/// logged and answered with a bare `InternalFailure`.
pub fn store_error(e: StoreError, entity: Entity<'_>) -> ApiError {
    match e {
        StoreError::NotFound => entity.not_found(),
        StoreError::AlreadyExists => entity.already_exists(),
        StoreError::Conflict(m) => ApiError::new(ErrorCode::DeleteConflict, m),
        StoreError::Limit(m) => ApiError::new(ErrorCode::LimitExceeded, m),
        other => internal(other),
    }
}

/// A store failure that has no client-facing meaning.
pub fn internal(e: StoreError) -> ApiError {
    tracing::error!(error = %e, "store operation failed");
    ApiError::internal()
}

/// The caller's role named `name`, or `NoSuchEntity`.
pub async fn load_role(ctx: &Ctx<'_>, name: &str) -> ApiResult<Role> {
    let account = ctx.account()?;
    ctx.state
        .store
        .get_role(account, name)
        .await
        .map_err(internal)?
        .ok_or_else(|| role_not_found(name))
}

/// The caller's user named `name`, or `NoSuchEntity`.
pub async fn load_user(ctx: &Ctx<'_>, name: &str) -> ApiResult<User> {
    let account = ctx.account()?;
    ctx.state
        .store
        .get_user(account, name)
        .await
        .map_err(internal)?
        .ok_or_else(|| user_not_found(name))
}

/// The caller's group named `name`, or `NoSuchEntity`.
pub async fn load_group(ctx: &Ctx<'_>, name: &str) -> ApiResult<Group> {
    let account = ctx.account()?;
    ctx.state
        .store
        .get_group(account, name)
        .await
        .map_err(internal)?
        .ok_or_else(|| group_not_found(name))
}

/// The user an implicit-user action (GetUser, CreateAccessKey…) acts on: the
/// named one, else the calling IAM user. Temporary credentials must name one.
pub fn implicit_user_name(ctx: &Ctx<'_>, name: Option<&str>) -> ApiResult<String> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    match ctx.caller()? {
        Principal::User { user, .. } => Ok(user.name.clone()),
        Principal::Session { .. } => Err(ApiError::validation(
            "Must specify userName when calling with non-User credentials",
        )),
    }
}

/// Authorization of an implicit-user action: the named user when given, else
/// the calling user's own ARN (with its path); a role session naming no user
/// is refused in `execute`, so its own ARN stands in here.
pub fn implicit_user_authorization(
    action: &'static str,
    caller: Option<&Principal>,
    name: Option<&str>,
) -> Authorization {
    match (name, caller) {
        (Some(n), _) => user_authorization(action, n),
        (None, Some(Principal::User { user, .. })) => Authorization::Allow {
            action,
            resource: user.arn.clone(),
        },
        (None, Some(other)) => Authorization::Allow {
            action,
            resource: other.arn(),
        },
        (None, None) => Authorization::Allow {
            action,
            resource: "*".to_string(),
        },
    }
}

/// The caller's OIDC provider with this ARN, or `NoSuchEntity`. A provider of
/// another account is not found, whatever the store holds.
pub async fn load_provider(ctx: &Ctx<'_>, arn: &str) -> ApiResult<OidcProvider> {
    let account = ctx.account()?;
    ctx.state
        .store
        .get_oidc_provider(arn)
        .await
        .map_err(internal)?
        .filter(|p| &p.account == account)
        .ok_or_else(|| provider_not_found(arn))
}

/// Load the caller's provider, change it and write it back.
pub async fn modify_provider(
    ctx: &Ctx<'_>,
    arn: &str,
    change: impl FnOnce(&mut OidcProvider) -> ApiResult<()>,
) -> ApiResult<()> {
    let mut provider = load_provider(ctx, arn).await?;
    change(&mut provider)?;
    ctx.state
        .store
        .update_oidc_provider(&provider)
        .await
        .map_err(|e| store_error(e, Entity::Provider(arn)))
}

// ---------------------------------------------------------------- parameters

/// Authorization for `action` on the named role, user or group; the
/// authorizer looks the entity up so policies naming its path match.
pub fn entity_authorization(action: &'static str, entity: EntityKind, name: &str) -> Authorization {
    Authorization::AllowEntity {
        action,
        entity,
        name: name.to_string(),
    }
}

pub fn role_authorization(action: &'static str, name: &str) -> Authorization {
    entity_authorization(action, EntityKind::Role, name)
}

pub fn user_authorization(action: &'static str, name: &str) -> Authorization {
    entity_authorization(action, EntityKind::User, name)
}

pub fn group_authorization(action: &'static str, name: &str) -> Authorization {
    entity_authorization(action, EntityKind::Group, name)
}

/// `UserName` of an existing user, required.
pub fn user_name_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "UserName", &validate::EXISTING_USER_NAME)
        .to_string()
}

/// `UserName` of an existing user, optional (implicit-user actions).
pub fn optional_user_name_param(v: &mut Validator, params: &Params) -> Option<String> {
    v.optional(params, "UserName", &validate::EXISTING_USER_NAME)
        .map(str::to_string)
}

/// `GroupName`, required.
pub fn group_name_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "GroupName", &validate::GROUP_NAME)
        .to_string()
}

/// `AccountAlias`, required: 3..63 of `a-z0-9-`, alphanumeric at both ends,
/// no `--`, not all digits (it would look like an account id).
pub fn account_alias_param(v: &mut Validator, params: &Params) -> String {
    const PATTERN: &str = "^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$";
    let Some(alias) = params.get("AccountAlias") else {
        v.missing("AccountAlias");
        return String::new();
    };
    let len = alias.chars().count();
    if len < 3 {
        v.push(format!("Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must have length greater than or equal to 3"));
    } else if len > 63 {
        v.push(format!("Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must have length less than or equal to 63"));
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let pattern_ok = alias
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && edge(alias.chars().next())
        && edge(alias.chars().last())
        && !alias.contains("--");
    if !pattern_ok {
        v.push(format!("Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: {PATTERN}"));
    } else if alias.chars().all(|c| c.is_ascii_digit()) {
        v.push(format!("Value '{alias}' at 'accountAlias' failed to satisfy constraint: Member must not be a 12-digit number"));
    }
    alias.to_string()
}

/// `RoleName`, required.
pub fn role_name_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "RoleName", &validate::ROLE_NAME)
        .to_string()
}

/// `PolicyName`, required.
pub fn policy_name_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "PolicyName", &validate::POLICY_NAME)
        .to_string()
}

fn path_structure_ok(path: &str) -> bool {
    path == "/" || (path.len() >= 3 && path.starts_with('/') && path.ends_with('/'))
}

/// `Path`: `/` or `/…/`, default `/`.
pub fn path_param(v: &mut Validator, params: &Params) -> String {
    let Some(path) = v.optional(params, "Path", &validate::PATH) else {
        return "/".to_string();
    };
    if path.chars().all(validate::PATH.chars) && !path_structure_ok(path) {
        v.push(format!(
            "Value '{path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
            validate::PATH.pattern
        ));
    }
    path.to_string()
}

/// `PathPrefix`: starts with `/`, default `/`.
pub fn path_prefix_param(v: &mut Validator, params: &Params) -> String {
    let Some(prefix) = v.optional(params, "PathPrefix", &validate::PATH_PREFIX) else {
        return "/".to_string();
    };
    if !prefix.starts_with('/') || !prefix.chars().all(|c| matches!(c, '\u{21}'..='\u{7F}')) {
        v.push(format!(
            "Value '{prefix}' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
            validate::PATH_PREFIX.pattern
        ));
    }
    prefix.to_string()
}

/// A policy document parsed as `kind`; grammar errors are `MalformedPolicyDocument`.
pub fn check_policy(document: &str, kind: PolicyKind) -> ApiResult<()> {
    Policy::parse(document, kind)
        .map(|_| ())
        .map_err(|e| ApiError::malformed_policy(e.message))
}

/// A trust policy: grammar, then the role trust-policy size quota.
pub fn check_trust_policy(document: &str) -> ApiResult<()> {
    check_policy(document, PolicyKind::Trust)?;
    if non_whitespace_len(document) > MAX_TRUST_POLICY {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for ACLSizePerRole: {MAX_TRUST_POLICY}"),
        ));
    }
    Ok(())
}

/// `PermissionsBoundary`: the ARN of a managed policy (customer or AWS).
pub fn check_boundary_arn(arn: &str) -> ApiResult<()> {
    let ok = Arn::parse(arn).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && (a.account == "aws" || AccountId::parse(&a.account).is_some())
            && a.resource_type() == "policy"
            && !a.resource_id().is_empty()
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_input(format!(
            "ARN {arn} is not valid for PermissionsBoundary: expected arn:aws:iam::ACCOUNT:policy/NAME"
        )))
    }
}

// ---------------------------------------------------------------- tags

/// Whether tag keys compare ignoring case (users and roles) or exactly
/// (providers, policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKeys {
    CaseInsensitive,
    CaseSensitive,
}

impl TagKeys {
    fn same(self, a: &str, b: &str) -> bool {
        match self {
            TagKeys::CaseInsensitive => a.to_lowercase() == b.to_lowercase(),
            TagKeys::CaseSensitive => a == b,
        }
    }
}

/// `Tags.member.N.Key/Value`: model checks into `v`; `None` when absent.
pub fn tags_param(v: &mut Validator, params: &Params, param: &str) -> ApiResult<Option<Vec<Tag>>> {
    let Some(items) = params.struct_list(param)? else {
        return Ok(None);
    };
    let member = lower_first(param);
    if items.len() > MAX_TAGS {
        v.push(format!(
            "Value at '{member}' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        ));
    }
    let mut tags = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let key = match item.get("Key") {
            Some(k) => {
                v.check(&format!("{member}.{n}.member.key"), k, &validate::TAG_KEY);
                k.to_string()
            }
            None => {
                v.missing(&format!("{member}.{n}.member.key"));
                String::new()
            }
        };
        let value = match item.get("Value") {
            Some(val) => {
                v.check(
                    &format!("{member}.{n}.member.value"),
                    val,
                    &validate::TAG_VALUE,
                );
                val.to_string()
            }
            None => {
                v.missing(&format!("{member}.{n}.member.value"));
                String::new()
            }
        };
        tags.push(Tag { key, value });
    }
    Ok(Some(tags))
}

/// `TagKeys.member.N`: required, at most 50 keys.
pub fn tag_keys_param(v: &mut Validator, params: &Params) -> Vec<String> {
    match v.list(params, "TagKeys", MAX_TAGS, &validate::TAG_KEY) {
        Some(keys) => keys.into_iter().map(str::to_string).collect(),
        None => {
            if !params.contains("TagKeys") {
                v.missing("TagKeys");
            }
            Vec::new()
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Rules beyond the model: no `aws:` prefix, no key given twice.
pub fn check_tags(tags: &[Tag], keys: TagKeys) -> ApiResult<()> {
    for t in tags {
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(ApiError::invalid_input(format!(
                "Tag key '{}' uses the reserved prefix aws:",
                t.key
            )));
        }
        if t.value.to_ascii_lowercase().starts_with("aws:") {
            return Err(ApiError::invalid_input(format!(
                "Tag value for key '{}' uses the reserved prefix aws:",
                t.key
            )));
        }
    }
    for (i, a) in tags.iter().enumerate() {
        if tags[..i].iter().any(|b| keys.same(&a.key, &b.key)) {
            let note = match keys {
                TagKeys::CaseInsensitive => " Tag keys are case insensitive.",
                TagKeys::CaseSensitive => "",
            };
            return Err(ApiError::invalid_input(format!(
                "Duplicate tag keys found: '{}'.{note}",
                a.key
            )));
        }
    }
    Ok(())
}

/// Add or replace tags; a replaced tag takes the new key's spelling. Fails
/// with `LimitExceeded` when the result would pass 50 tags.
pub fn merge_tags(
    existing: &[Tag],
    new: &[Tag],
    keys: TagKeys,
    quota_name: &str,
) -> ApiResult<Vec<Tag>> {
    let mut out: Vec<Tag> = existing
        .iter()
        .filter(|e| !new.iter().any(|n| keys.same(&n.key, &e.key)))
        .cloned()
        .collect();
    out.extend(new.iter().cloned());
    if out.len() > MAX_TAGS {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for {quota_name}: {MAX_TAGS}"),
        ));
    }
    Ok(out)
}

/// Drop the tags named in `remove`; unknown keys are ignored as IAM does.
pub fn remove_tags(existing: &[Tag], remove: &[String], keys: TagKeys) -> Vec<Tag> {
    existing
        .iter()
        .filter(|t| !remove.iter().any(|k| keys.same(k, &t.key)))
        .cloned()
        .collect()
}

/// The `Tags` list the Tag* actions require (`None` is reported as missing;
/// callers `check_tags` after `finish`).
pub fn required_tags_param(v: &mut Validator, params: &Params) -> ApiResult<Vec<Tag>> {
    let tags = tags_param(v, params, "Tags")?;
    if tags.is_none() {
        v.missing("Tags");
    }
    Ok(tags.unwrap_or_default())
}

/// The result of the List*Tags actions: one page of tags.
pub struct TagsPage {
    pub tags: Vec<Tag>,
    pub marker: Option<String>,
}

impl TagsPage {
    pub fn new(page: &Page, tags: Vec<Tag>) -> Self {
        let (tags, marker) = page.apply(tags, |t| t.key.as_str());
        TagsPage { tags, marker }
    }
}

impl Render for TagsPage {
    fn render(&self, w: &mut XmlWriter) {
        render_tags(w, &self.tags);
        render_page(w, self.marker.as_deref());
    }
}

/// Tags as `(key, value)` pairs for [`crate::action::Action::request_tags`].
pub fn tag_pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

pub fn render_tags(w: &mut XmlWriter, tags: &[Tag]) {
    w.list("Tags", tags, |w, t| {
        w.leaf("Key", &t.key).leaf("Value", &t.value);
    });
}

// ---------------------------------------------------------------- pagination

/// `Marker` / `MaxItems` of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The sort key of the last item already returned.
    pub after: Option<String>,
    pub max_items: usize,
}

impl Page {
    pub fn from_params(v: &mut Validator, params: &Params) -> ApiResult<Page> {
        let marker = v.optional(params, "Marker", &validate::MARKER);
        let max_items = v
            .optional_int(params, "MaxItems", 1, MAX_ITEMS)
            .unwrap_or(DEFAULT_MAX_ITEMS) as usize;
        let after = match marker {
            Some(m) if v.is_empty() => Some(decode_marker(m)?),
            _ => None,
        };
        Ok(Page { after, max_items })
    }

    /// This page of `items` in the order of `key` (compared ignoring case,
    /// as IAM lists names), and the marker of the next page when truncated.
    ///
    /// Keys equal but for case (case-sensitive tag keys such as `b` and `B`)
    /// are ordered exactly, identical keys keep the order of `items`, and
    /// both are told apart in the marker by their rank among the equal keys
    /// (`key\0rank`), so a page boundary between them loses neither.
    pub fn apply<T>(&self, items: Vec<T>, key: impl Fn(&T) -> &str) -> (Vec<T>, Option<String>) {
        let mut keyed: Vec<(String, String, T)> = items
            .into_iter()
            .map(|t| {
                let exact = key(&t).to_string();
                (exact.to_lowercase(), exact, t)
            })
            .collect();
        keyed.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut ranked: Vec<((String, usize), T)> = Vec::with_capacity(keyed.len());
        for (lower, _, t) in keyed {
            let rank = match ranked.last() {
                Some(((prev, r), _)) if *prev == lower => r + 1,
                _ => 0,
            };
            ranked.push(((lower, rank), t));
        }
        if let Some(after) = &self.after {
            let after = match after.split_once('\0') {
                Some((k, r)) => (k.to_string(), r.parse().unwrap_or(usize::MAX)),
                None => (after.clone(), 0),
            };
            ranked.retain(|(k, _)| *k > after);
        }
        let truncated = ranked.len() > self.max_items;
        ranked.truncate(self.max_items);
        let next = if truncated {
            ranked.last().map(|((k, rank), _)| match rank {
                0 => encode_marker(k),
                r => encode_marker(&format!("{k}\0{r}")),
            })
        } else {
            None
        };
        (ranked.into_iter().map(|(_, t)| t).collect(), next)
    }
}

impl Page {
    /// This page of `items` kept in the given order (results without a name to
    /// sort by, e.g. simulator results); the marker carries the position.
    pub fn apply_in_order<T>(&self, mut items: Vec<T>) -> ApiResult<(Vec<T>, Option<String>)> {
        let start = match &self.after {
            Some(pos) => pos
                .parse::<usize>()
                .ok()
                .filter(|p| *p <= items.len())
                .ok_or_else(|| {
                    ApiError::invalid_input("Invalid Marker: it was not returned by this API")
                })?,
            None => 0,
        };
        let end = start.saturating_add(self.max_items).min(items.len());
        let next = (end < items.len()).then(|| encode_marker(&end.to_string()));
        items.truncate(end);
        items.drain(..start);
        Ok((items, next))
    }
}

fn encode_marker(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

fn decode_marker(marker: &str) -> ApiResult<String> {
    URL_SAFE_NO_PAD
        .decode(marker)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::invalid_input("Invalid Marker: it was not returned by this API"))
}

/// `IsTruncated` and, only when truncated, `Marker`.
pub fn render_page(w: &mut XmlWriter, next: Option<&str>) {
    w.leaf_bool("IsTruncated", next.is_some());
    w.leaf_opt("Marker", next);
}

// ---------------------------------------------------------------- rendering

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const POLICY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// A policy document as IAM returns it: URL-encoded JSON.
pub fn encode_policy(document: &str) -> String {
    utf8_percent_encode(document, POLICY_ENCODE).to_string()
}

/// Which members a Role or User carries: list actions leave out boundary and tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleShape {
    Full,
    Listed,
}

/// The members of a Role (without the enclosing element), in model order.
pub fn render_role_members(w: &mut XmlWriter, role: &Role, shape: RoleShape) {
    w.leaf("Path", &role.path)
        .leaf("RoleName", &role.name)
        .leaf("RoleId", &role.role_id)
        .leaf("Arn", &role.arn)
        .leaf("CreateDate", &iso8601(role.created))
        .leaf(
            "AssumeRolePolicyDocument",
            &encode_policy(&role.assume_role_policy),
        );
    w.leaf_opt(
        "Description",
        role.description.as_deref().filter(|d| !d.is_empty()),
    );
    w.leaf_display("MaxSessionDuration", role.max_session_duration);
    if shape == RoleShape::Full {
        if let Some(arn) = &role.permissions_boundary {
            w.open("PermissionsBoundary")
                .leaf("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .leaf("PermissionsBoundaryArn", arn)
                .close("PermissionsBoundary");
        }
        if !role.tags.is_empty() {
            render_tags(w, &role.tags);
        }
    }
}

/// `<Role>…</Role>` for CreateRole, GetRole, UpdateRoleDescription.
pub fn render_role(w: &mut XmlWriter, role: &Role) {
    w.open("Role");
    render_role_members(w, role, RoleShape::Full);
    w.close("Role");
}

/// Which members a User carries: ListUsers leaves out boundary and tags.
pub fn render_user_members(w: &mut XmlWriter, user: &User, shape: RoleShape) {
    w.leaf("Path", &user.path)
        .leaf("UserName", &user.name)
        .leaf("UserId", &user.user_id)
        .leaf("Arn", &user.arn)
        .leaf("CreateDate", &iso8601(user.created));
    if shape == RoleShape::Full {
        if let Some(arn) = &user.permissions_boundary {
            w.open("PermissionsBoundary")
                .leaf("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
                .leaf("PermissionsBoundaryArn", arn)
                .close("PermissionsBoundary");
        }
        if !user.tags.is_empty() {
            render_tags(w, &user.tags);
        }
    }
}

/// `<User>…</User>` for CreateUser and GetUser.
pub fn render_user(w: &mut XmlWriter, user: &User) {
    w.open("User");
    render_user_members(w, user, RoleShape::Full);
    w.close("User");
}

pub fn render_group_members(w: &mut XmlWriter, group: &Group) {
    w.leaf("Path", &group.path)
        .leaf("GroupName", &group.name)
        .leaf("GroupId", &group.group_id)
        .leaf("Arn", &group.arn)
        .leaf("CreateDate", &iso8601(group.created));
}

// ---------------------------------------------------------------- OIDC providers

/// Check and normalise a provider URL: `https://host[:port][/path]` (or
/// `http://` when development issuers are allowed), no query, fragment or
/// user info, one trailing `/` dropped. Returns the URL with its scheme.
pub fn normalize_provider_url(url: &str, allow_http: bool) -> ApiResult<String> {
    let bad = |why: &str| ApiError::invalid_input(format!("Invalid Url {url}: {why}"));
    let rest = if let Some(rest) = url.strip_prefix("https://") {
        rest
    } else if let Some(rest) = url.strip_prefix("http://") {
        if !allow_http {
            return Err(bad("the URL must begin with https://"));
        }
        rest
    } else {
        return Err(bad(if allow_http {
            "the URL must begin with https:// or http://"
        } else {
            "the URL must begin with https://"
        }));
    };
    if rest.contains(['?', '#']) {
        return Err(bad("a query or fragment is not allowed"));
    }
    if rest.contains('@') {
        return Err(bad("user information is not allowed"));
    }
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("whitespace is not allowed"));
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if !host_ok {
        return Err(bad("a host name is required"));
    }
    if let Some(p) = port
        && !(p.parse::<u16>().is_ok_and(|n| n > 0) && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad("the port must be a number from 1 to 65535"));
    }
    if path.contains("//") || path.ends_with('/') {
        return Err(bad("the path may not contain empty segments"));
    }
    let scheme = if url.starts_with("https://") {
        "https://"
    } else {
        "http://"
    };
    Ok(format!("{scheme}{rest}"))
}

/// The URL without its scheme: the ARN suffix and what GetOpenIDConnectProvider returns.
pub fn url_without_scheme(url: &str) -> &str {
    url.strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url)
}

/// `OpenIDConnectProviderArn`: model checks into `v`, shape checked by
/// [`check_provider_arn`] after `finish`.
pub fn provider_arn_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "OpenIDConnectProviderArn", &validate::ARN)
        .to_string()
}

/// `OpenIDConnectProviderArn` + `ClientID`, as Add/RemoveClientID take them.
pub fn provider_client_id_params(params: &Params) -> ApiResult<(String, String)> {
    let mut v = Validator::new();
    let arn = provider_arn_param(&mut v, params);
    let client_id = v
        .required(params, "ClientID", &validate::CLIENT_ID)
        .to_string();
    v.finish()?;
    check_provider_arn(&arn)?;
    Ok((arn, client_id))
}

/// An OIDC provider ARN must be `arn:aws:iam::ACCOUNT:oidc-provider/URL`.
pub fn check_provider_arn(arn: &str) -> ApiResult<()> {
    let ok = Arn::parse(arn).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && AccountId::parse(&a.account).is_some()
            && a.resource_type() == "oidc-provider"
            && !a.resource_id().is_empty()
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_input(format!(
            "ARN {arn} is not valid: expected arn:aws:iam::ACCOUNT:oidc-provider/URL"
        )))
    }
}

/// `oidc-provider/HOST…` for authorization.
pub fn provider_resource(arn: &str) -> String {
    Arn::parse(arn).map_or_else(|| "*".to_string(), |a| a.to_string())
}

/// Client ids without repeats, in first-seen order.
pub fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// `ThumbprintList.member.N`: hex SHA-1 fingerprints, stored lower-case.
pub fn thumbprints_param(v: &mut Validator, params: &Params) -> Option<Vec<String>> {
    v.list(
        params,
        "ThumbprintList",
        MAX_THUMBPRINTS,
        &validate::THUMBPRINT,
    )
    .map(|l| dedup(l.into_iter().map(str::to_ascii_lowercase).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag {
        Tag {
            key: k.into(),
            value: v.into(),
        }
    }

    #[test]
    fn policy_encoding_keeps_only_unreserved() {
        assert_eq!(
            encode_policy("{\"Version\":\"2012-10-17\", \"a\":\"~_.-é\"}"),
            "%7B%22Version%22%3A%222012-10-17%22%2C%20%22a%22%3A%22~_.-%C3%A9%22%7D"
        );
    }

    #[test]
    fn provider_urls_are_normalised() {
        assert_eq!(
            normalize_provider_url("https://idp.example.com:8443/realms/x/", false).unwrap(),
            "https://idp.example.com:8443/realms/x"
        );
        assert_eq!(
            normalize_provider_url("https://token.actions.githubusercontent.com", false).unwrap(),
            "https://token.actions.githubusercontent.com"
        );
        assert_eq!(
            normalize_provider_url("http://127.0.0.1:9000", true).unwrap(),
            "http://127.0.0.1:9000"
        );
        for bad in [
            "http://idp.example.com",
            "idp.example.com",
            "https://",
            "https:///path",
            "https://idp.example.com?x=1",
            "https://idp.example.com/#f",
            "https://u@idp.example.com",
            "https://idp.example.com:0",
            "https://idp.example.com:99999",
            "https://idp.example.com:abc",
            "https://idp.example.com//",
            "https://idp..example.com",
            "https://idp.example.com/a//b",
        ] {
            let e = normalize_provider_url(bad, false).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert!(e.message.contains(bad), "{}", e.message);
        }
        assert_eq!(url_without_scheme("https://a.b/c"), "a.b/c");
    }

    #[test]
    fn provider_arns_are_checked() {
        assert!(check_provider_arn("arn:aws:iam::123456789012:oidc-provider/a.b:8443/x").is_ok());
        for bad in [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::123456789012:oidc-provider",
            "arn:aws:iam::12345:oidc-provider/a.b",
            "not an arn at all, long enough",
        ] {
            assert_eq!(
                check_provider_arn(bad).unwrap_err().code,
                ErrorCode::InvalidInput
            );
        }
    }

    #[test]
    fn tag_rules() {
        let p = Params::from_pairs([
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "a"),
            ("Tags.member.2.Key", "bad key!"),
            ("Tags.member.2.Value", "b"),
            ("Tags.member.3.Value", "c"),
        ])
        .unwrap();
        let mut v = Validator::new();
        let tags = tags_param(&mut v, &p, "Tags").unwrap().unwrap();
        assert_eq!(tags[0], tag("team", "a"));
        let e = v.finish().unwrap_err();
        assert!(
            e.message.starts_with("2 validation errors detected"),
            "{}",
            e.message
        );
        assert!(e.message.contains("at 'tags.2.member.key'"));
        assert!(e.message.contains("Value null at 'tags.3.member.key'"));

        assert!(check_tags(&[tag("a", "1"), tag("b", "2")], TagKeys::CaseInsensitive).is_ok());
        let dup = [tag("Team", "1"), tag("team", "2")];
        assert_eq!(
            check_tags(&dup, TagKeys::CaseInsensitive).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert!(check_tags(&dup, TagKeys::CaseSensitive).is_ok());
        assert_eq!(
            check_tags(&[tag("AWS:x", "1")], TagKeys::CaseSensitive)
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn too_many_tags_is_a_validation_error() {
        let pairs: Vec<(String, String)> = (1..=51)
            .flat_map(|i| {
                [
                    (format!("Tags.member.{i}.Key"), format!("k{i}")),
                    (format!("Tags.member.{i}.Value"), "v".to_string()),
                ]
            })
            .collect();
        let p = Params::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        let mut v = Validator::new();
        tags_param(&mut v, &p, "Tags").unwrap();
        let e = v.finish().unwrap_err();
        assert!(e.message.contains("at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"));
    }

    #[test]
    fn merging_and_removing_tags() {
        let existing = [tag("Team", "a"), tag("env", "dev")];
        let merged = merge_tags(
            &existing,
            &[tag("team", "b"), tag("x", "1")],
            TagKeys::CaseInsensitive,
            "TagsPerRole",
        )
        .unwrap();
        assert_eq!(
            merged,
            vec![tag("env", "dev"), tag("team", "b"), tag("x", "1")]
        );
        let merged =
            merge_tags(&existing, &[tag("team", "b")], TagKeys::CaseSensitive, "T").unwrap();
        assert_eq!(merged.len(), 3);
        let many: Vec<Tag> = (0..49).map(|i| tag(&format!("k{i}"), "")).collect();
        let e = merge_tags(&existing, &many, TagKeys::CaseInsensitive, "TagsPerRole").unwrap_err();
        assert_eq!(e.code, ErrorCode::LimitExceeded);
        assert_eq!(e.message, "Cannot exceed quota for TagsPerRole: 50");
        assert_eq!(
            remove_tags(
                &existing,
                &["TEAM".into(), "nope".into()],
                TagKeys::CaseInsensitive
            ),
            vec![tag("env", "dev")]
        );
        assert_eq!(
            remove_tags(&existing, &["TEAM".into()], TagKeys::CaseSensitive).len(),
            2
        );
    }

    #[test]
    fn pagination_walks_every_item_once() {
        let names: Vec<String> = ["b", "A", "c", "D", "e"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut seen = Vec::new();
        let mut marker: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut pairs = vec![("MaxItems".to_string(), "2".to_string())];
            if let Some(m) = &marker {
                pairs.push(("Marker".to_string(), m.clone()));
            }
            let p =
                Params::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
            let mut v = Validator::new();
            let page = Page::from_params(&mut v, &p).unwrap();
            v.finish().unwrap();
            let (items, next) = page.apply(names.clone(), |s| s.as_str());
            assert!(items.len() <= 2);
            seen.extend(items);
            pages += 1;
            match next {
                Some(n) => marker = Some(n),
                None => break,
            }
        }
        assert_eq!(seen, vec!["A", "b", "c", "D", "e"]);
        assert_eq!(pages, 3);
    }

    #[test]
    fn pages_keep_keys_equal_but_for_case_apart() {
        let items = vec!["b", "B", "a", "c", "b2"];
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let page = Page {
                after: after.take(),
                max_items: 2,
            };
            let (got, next) = page.apply(items.clone(), |s| s);
            seen.extend(got);
            match next {
                Some(m) => after = Some(decode_marker(&m).unwrap()),
                None => break,
            }
        }
        assert_eq!(seen, vec!["a", "B", "b", "b2", "c"]);

        // Identical keys (an AWS and a customer policy of one name) keep
        // their input order across a page boundary.
        let items = vec![("p", 1), ("p", 2), ("a", 0)];
        let page = Page {
            after: None,
            max_items: 2,
        };
        let (first, next) = page.apply(items.clone(), |t| t.0);
        assert_eq!(first, vec![("a", 0), ("p", 1)]);
        let page = Page {
            after: Some(decode_marker(&next.unwrap()).unwrap()),
            max_items: 2,
        };
        assert_eq!(page.apply(items, |t| t.0), (vec![("p", 2)], None));
    }

    #[test]
    fn page_defaults_and_limits() {
        let mut v = Validator::new();
        let page = Page::from_params(&mut v, &Params::default()).unwrap();
        assert_eq!(
            page,
            Page {
                after: None,
                max_items: 100
            }
        );
        let (items, next) = page.apply(vec!["a"], |s| s);
        assert_eq!(items, vec!["a"]);
        assert!(next.is_none());

        let p = Params::from_pairs([("MaxItems", "1001")]).unwrap();
        let mut v = Validator::new();
        Page::from_params(&mut v, &p).unwrap();
        assert!(v.finish().unwrap_err().message.contains("'maxItems'"));

        let p = Params::from_pairs([("Marker", "!!!")]).unwrap();
        let mut v = Validator::new();
        assert_eq!(
            Page::from_params(&mut v, &p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn paths_follow_the_model_pattern() {
        for (path, ok) in [
            ("/", true),
            ("/a/b/", true),
            ("//", false),
            ("/a", false),
            ("a/", false),
        ] {
            let p = Params::from_pairs([("Path", path)]).unwrap();
            let mut v = Validator::new();
            assert_eq!(path_param(&mut v, &p), path);
            assert_eq!(v.is_empty(), ok, "{path}");
        }
        let mut v = Validator::new();
        assert_eq!(path_param(&mut v, &Params::default()), "/");
        let p = Params::from_pairs([("PathPrefix", "x")]).unwrap();
        let mut v = Validator::new();
        path_prefix_param(&mut v, &p);
        assert!(v.finish().unwrap_err().message.contains("'pathPrefix'"));
    }

    #[test]
    fn trust_policy_quota_and_boundary_arn() {
        let big = format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"*\"}},\"Action\":\"sts:AssumeRole\",\"Sid\":\"{}\"}}]}}",
            "a".repeat(2048)
        );
        let e = check_trust_policy(&big).unwrap_err();
        assert_eq!(e.code, ErrorCode::LimitExceeded);
        assert_eq!(e.message, "Cannot exceed quota for ACLSizePerRole: 2048");
        assert_eq!(
            check_trust_policy("{not json").unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
        assert!(check_boundary_arn("arn:aws:iam::aws:policy/PowerUserAccess").is_ok());
        assert!(check_boundary_arn("arn:aws:iam::123456789012:policy/a/b").is_ok());
        assert_eq!(
            check_boundary_arn("arn:aws:iam::123456789012:role/a")
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }
}
