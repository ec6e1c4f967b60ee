//! What the managed-policy actions share: quotas, parameters (policy ARN,
//! policy path, version id), loading a policy whether AWS's or the account's,
//! the Policy/PolicyVersion renderings, and attach/detach/list for users,
//! groups and roles.

use crate::action::Ctx;
use crate::core::arn::{AccountId, Arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::policy::PolicyKind;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::{self, StrRule, Validator};
use crate::core::xml::XmlWriter;
use crate::iam::aws_managed::{self, AwsManagedPolicy};
use crate::iam::common::{Page, check_policy, internal, render_tags};
use crate::store::{EntityKind, ManagedPolicy, PolicyUsage, PolicyVersion, StoreError, Tag};

/// Customer managed policies per account.
pub const MAX_POLICIES: usize = 1500;
/// Versions stored per managed policy.
pub const MAX_VERSIONS: usize = 5;
/// Managed policies attached per user, group or role.
pub const MAX_ATTACHED: usize = 10;
/// Managed policy document size (non-whitespace characters).
pub const MAX_POLICY_SIZE: usize = 6144;

fn policy_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | ',' | '+' | '@' | '=' | '_' | '-')
}

fn description_char(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// `policyPath`: `((/[A-Za-z0-9\.,\+@=_-]+)*)/`.
pub const POLICY_PATH: StrRule = StrRule {
    min: 1,
    max: 512,
    chars: policy_path_char,
    pattern: "((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
    sensitive: false,
};

pub const POLICY_DESCRIPTION: StrRule = StrRule {
    min: 0,
    max: 1000,
    chars: description_char,
    pattern: "",
    sensitive: false,
};

/// `policyVersionId`: `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`.
pub const POLICY_VERSION_ID: StrRule = StrRule {
    min: 1,
    max: 128,
    chars: version_char,
    pattern: "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?",
    sensitive: false,
};

fn version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

fn policy_path_ok(path: &str) -> bool {
    path.starts_with('/') && path.ends_with('/') && !path.contains("//")
}

fn version_id_ok(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('v') else {
        return false;
    };
    let (num, suffix) = match rest.split_once('.') {
        Some((n, s)) => (n, Some(s)),
        None => (rest, None),
    };
    !num.is_empty()
        && !num.starts_with('0')
        && num.bytes().all(|b| b.is_ascii_digit())
        && suffix.is_none_or(|s| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn pattern_violation(v: &mut Validator, member: &str, value: &str, rule: &StrRule) {
    v.push(format!(
        "Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
        rule.pattern
    ));
}

/// A policy path parameter (`Path`, or `PathPrefix` of the policy listings), default `/`.
pub fn policy_path_param(v: &mut Validator, params: &Params, param: &str) -> String {
    let Some(path) = v.optional(params, param, &POLICY_PATH) else {
        return "/".to_string();
    };
    if path.chars().all(policy_path_char) && !policy_path_ok(path) {
        let member = if param == "Path" {
            "path"
        } else {
            "pathPrefix"
        };
        pattern_violation(v, member, path, &POLICY_PATH);
    }
    path.to_string()
}

/// `PolicyArn`, required; its shape is checked by [`check_policy_arn`] after `finish`.
pub fn policy_arn_param(v: &mut Validator, params: &Params) -> String {
    v.required(params, "PolicyArn", &validate::ARN).to_string()
}

/// `VersionId`, required.
pub fn version_id_param(v: &mut Validator, params: &Params) -> String {
    let id = v.required(params, "VersionId", &POLICY_VERSION_ID);
    if !id.is_empty() && id.chars().all(version_char) && !version_id_ok(id) {
        pattern_violation(v, "versionId", id, &POLICY_VERSION_ID);
    }
    id.to_string()
}

/// A managed policy ARN: `arn:aws:iam::ACCOUNT:policy/[PATH/]NAME` or AWS's `arn:aws:iam::aws:policy/NAME`.
pub fn check_policy_arn(arn: &str) -> ApiResult<()> {
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
        Err(ApiError::invalid_input(format!("ARN {arn} is not valid.")))
    }
}

/// `arn:aws:iam::ACCT:policy/PATH/NAME`.
pub fn policy_arn(account: &AccountId, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:policy{path}{name}")
}

/// The name (last segment) and path of a policy ARN.
pub fn arn_name_and_path(arn: &str) -> (&str, String) {
    let resource = arn.split_once(":policy/").map_or("", |(_, r)| r);
    match resource.rsplit_once('/') {
        Some((path, name)) => (name, format!("/{path}/")),
        None => (resource, "/".to_string()),
    }
}

/// A managed policy document: grammar (`MalformedPolicyDocument`), then the size quota.
pub fn check_managed_document(document: &str) -> ApiResult<()> {
    check_policy(document, PolicyKind::Identity)?;
    if crate::store::non_whitespace_len(document) > MAX_POLICY_SIZE {
        return Err(ApiError::new(
            ErrorCode::LimitExceeded,
            format!("Cannot exceed quota for PolicySize: {MAX_POLICY_SIZE}"),
        ));
    }
    Ok(())
}

pub fn policy_not_found(arn: &str) -> ApiError {
    ApiError::no_such_entity(format!("Policy {arn} was not found."))
}

pub fn not_attachable(arn: &str) -> ApiError {
    ApiError::no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
}

pub fn boundary_not_found(arn: &str) -> ApiError {
    ApiError::no_such_entity(format!(
        "Scope ARN: {arn} does not exist or is not attachable."
    ))
}

pub fn aws_policy_unmodifiable(arn: &str) -> ApiError {
    ApiError::invalid_input(format!(
        "Policy {arn} is an AWS managed policy and cannot be modified."
    ))
}

pub fn entity_not_found(kind: EntityKind, name: &str) -> ApiError {
    ApiError::no_such_entity(format!(
        "The {} with name {name} cannot be found.",
        kind.as_str()
    ))
}

/// A managed policy of either owner.
#[derive(Debug, Clone)]
pub enum Managed {
    Aws(&'static AwsManagedPolicy),
    Customer(ManagedPolicy),
}

/// The policy with this ARN visible to the caller: AWS's catalogue or the
/// caller's own account. `None` for anything else.
pub async fn find_policy(ctx: &Ctx<'_>, arn: &str) -> ApiResult<Option<Managed>> {
    if let Some(p) = aws_managed::lookup(arn) {
        return Ok(Some(Managed::Aws(p)));
    }
    let account = ctx.account()?;
    Ok(ctx
        .state
        .store
        .get_policy(arn)
        .await
        .map_err(internal)?
        .filter(|p| &p.account == account)
        .map(Managed::Customer))
}

/// The caller's customer policy with this ARN; AWS's are refused as unmodifiable.
pub async fn load_customer_policy(ctx: &Ctx<'_>, arn: &str) -> ApiResult<ManagedPolicy> {
    match find_policy(ctx, arn).await? {
        Some(Managed::Customer(p)) => Ok(p),
        Some(Managed::Aws(_)) => Err(aws_policy_unmodifiable(arn)),
        None => Err(policy_not_found(arn)),
    }
}

/// Which members a Policy carries: ListPolicies leaves out tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyShape {
    Full,
    Listed,
}

/// Everything a `<Policy>` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyView {
    pub name: String,
    pub policy_id: String,
    pub arn: String,
    pub path: String,
    pub default_version_id: String,
    pub usage: PolicyUsage,
    pub description: Option<String>,
    pub created: i64,
    pub updated: i64,
    pub tags: Vec<Tag>,
}

impl PolicyView {
    pub fn new(policy: &Managed, usage: PolicyUsage) -> PolicyView {
        match policy {
            Managed::Aws(p) => PolicyView {
                name: p.name.to_string(),
                policy_id: p.policy_id.to_string(),
                arn: p.arn.to_string(),
                path: AwsManagedPolicy::PATH.to_string(),
                default_version_id: p.default_version_id.to_string(),
                usage,
                description: Some(p.description.to_string()),
                created: p.created,
                updated: p.updated,
                tags: Vec::new(),
            },
            Managed::Customer(p) => PolicyView {
                name: p.name.clone(),
                policy_id: p.policy_id.clone(),
                arn: p.arn.clone(),
                path: p.path.clone(),
                default_version_id: p.default_version_id.clone(),
                usage,
                description: p.description.clone(),
                created: p.created,
                updated: p.updated,
                tags: p.tags.clone(),
            },
        }
    }
}

/// How the account uses the policy with this ARN.
pub async fn usage_of(ctx: &Ctx<'_>, arn: &str) -> ApiResult<PolicyUsage> {
    let account = ctx.account()?;
    let all = ctx
        .state
        .store
        .policy_usage(account)
        .await
        .map_err(internal)?;
    Ok(all.get(arn).copied().unwrap_or_default())
}

/// The members of a Policy, in model order.
pub fn render_policy_members(w: &mut XmlWriter, p: &PolicyView, shape: PolicyShape) {
    w.leaf("PolicyName", &p.name)
        .leaf("PolicyId", &p.policy_id)
        .leaf("Arn", &p.arn)
        .leaf("Path", &p.path)
        .leaf("DefaultVersionId", &p.default_version_id)
        .leaf_display("AttachmentCount", p.usage.attachments)
        .leaf_display("PermissionsBoundaryUsageCount", p.usage.boundaries)
        .leaf_bool("IsAttachable", true);
    w.leaf_opt(
        "Description",
        p.description.as_deref().filter(|d| !d.is_empty()),
    );
    w.leaf("CreateDate", &iso8601(p.created))
        .leaf("UpdateDate", &iso8601(p.updated));
    if shape == PolicyShape::Full && !p.tags.is_empty() {
        render_tags(w, &p.tags);
    }
}

/// `<Policy>…</Policy>` for CreatePolicy and GetPolicy.
pub fn render_policy(w: &mut XmlWriter, p: &PolicyView) {
    w.open("Policy");
    render_policy_members(w, p, PolicyShape::Full);
    w.close("Policy");
}

/// The members of a PolicyVersion; the document (URL-encoded) only when asked.
pub fn render_version_members(w: &mut XmlWriter, v: &PolicyVersion, with_document: bool) {
    if with_document {
        w.leaf("Document", &crate::iam::common::encode_policy(&v.document));
    }
    w.leaf("VersionId", &v.version_id)
        .leaf_bool("IsDefaultVersion", v.is_default)
        .leaf("CreateDate", &iso8601(v.created));
}

/// The single version an AWS managed policy shows: its default.
pub fn aws_version(p: &AwsManagedPolicy) -> PolicyVersion {
    PolicyVersion {
        version_id: p.default_version_id.to_string(),
        document: p.document.to_string(),
        is_default: true,
        created: p.updated,
    }
}

// ---------------------------------------------------------------- attachments

/// The attach quota name per entity kind.
fn quota_name(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::User => "PoliciesPerUser",
        EntityKind::Group => "PoliciesPerGroup",
        EntityKind::Role => "PoliciesPerRole",
    }
}

/// Attach a policy (AWS's or the caller's) to a user, group or role.
pub async fn attach(ctx: &Ctx<'_>, kind: EntityKind, entity: &str, arn: &str) -> ApiResult<()> {
    let account = ctx.account()?;
    if find_policy(ctx, arn).await?.is_none() {
        return Err(not_attachable(arn));
    }
    ctx.state
        .store
        .attach_policy(account, kind, entity, arn, MAX_ATTACHED)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => entity_not_found(kind, entity),
            StoreError::Limit(_) => ApiError::new(
                ErrorCode::LimitExceeded,
                format!(
                    "Cannot exceed quota for {}: {MAX_ATTACHED}",
                    quota_name(kind)
                ),
            ),
            other => internal(other),
        })?;
    tracing::info!(account = %account, entity = %entity, kind = kind.as_str(), policy = %arn, "policy attached");
    Ok(())
}

pub async fn detach(ctx: &Ctx<'_>, kind: EntityKind, entity: &str, arn: &str) -> ApiResult<()> {
    let account = ctx.account()?;
    let detached = ctx
        .state
        .store
        .detach_policy(account, kind, entity, arn)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => entity_not_found(kind, entity),
            other => internal(other),
        })?;
    if !detached {
        return Err(policy_not_found(arn));
    }
    tracing::info!(account = %account, entity = %entity, kind = kind.as_str(), policy = %arn, "policy detached");
    Ok(())
}

/// One `AttachedPolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
    /// Sort key: the name; an AWS and a customer policy sharing it stay in
    /// ARN order (`Page::apply` ranks ties) and the marker stays short.
    key: String,
}

/// The entity's attached policies under `path_prefix`, one page of them.
pub async fn list_attached(
    ctx: &Ctx<'_>,
    kind: EntityKind,
    entity: &str,
    path_prefix: &str,
    page: &Page,
) -> ApiResult<(Vec<AttachedPolicy>, Option<String>)> {
    let account = ctx.account()?;
    let arns = ctx
        .state
        .store
        .list_attached_policies(account, kind, entity)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => entity_not_found(kind, entity),
            other => internal(other),
        })?;
    let items: Vec<AttachedPolicy> = arns
        .into_iter()
        .filter_map(|arn| {
            let (name, path) = arn_name_and_path(&arn);
            path.starts_with(path_prefix).then(|| AttachedPolicy {
                name: name.to_string(),
                key: name.to_string(),
                arn: arn.clone(),
            })
        })
        .collect();
    Ok(page.apply(items, |a| a.key.as_str()))
}

pub fn render_attached(w: &mut XmlWriter, items: &[AttachedPolicy], marker: Option<&str>) {
    w.list("AttachedPolicies", items, |w, a| {
        w.leaf("PolicyName", &a.name).leaf("PolicyArn", &a.arn);
    });
    crate::iam::common::render_page(w, marker);
}

// ---------------------------------------------------------------- boundaries

/// Set (after checking the policy exists) or clear a user's or role's boundary.
pub async fn set_boundary(
    ctx: &Ctx<'_>,
    kind: EntityKind,
    entity: &str,
    arn: Option<&str>,
) -> ApiResult<()> {
    let account = ctx.account()?;
    if let Some(arn) = arn
        && find_policy(ctx, arn).await?.is_none()
    {
        return Err(boundary_not_found(arn));
    }
    ctx.state
        .store
        .set_permissions_boundary(account, kind, entity, arn)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => entity_not_found(kind, entity),
            other => internal(other),
        })?;
    tracing::info!(account = %account, entity = %entity, kind = kind.as_str(), boundary = ?arn, "permissions boundary changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(value: &str, param: &str) -> Result<String, String> {
        let p = Params::from_pairs([(param, value)]).unwrap();
        let mut v = Validator::new();
        let out = policy_path_param(&mut v, &p, param);
        v.finish().map(|_| out).map_err(|e| e.message)
    }

    #[test]
    fn policy_paths_follow_the_model_pattern() {
        assert_eq!(path("/", "Path").unwrap(), "/");
        assert_eq!(path("/a/b-c/", "Path").unwrap(), "/a/b-c/");
        for bad in ["//", "/a", "a/", "/a//b/", "/a b/", "/a*/"] {
            let e = path(bad, "Path").unwrap_err();
            assert!(e.contains("at 'path'"), "{bad}: {e}");
        }
        assert!(
            path("/x", "PathPrefix")
                .unwrap_err()
                .contains("'pathPrefix'")
        );
        let mut v = Validator::new();
        assert_eq!(policy_path_param(&mut v, &Params::default(), "Path"), "/");
    }

    #[test]
    fn version_ids() {
        for ok in ["v1", "v12", "v3.beta-1"] {
            assert!(version_id_ok(ok), "{ok}");
        }
        for bad in ["v0", "1", "v", "v01", "va", "v1.a_b"] {
            assert!(!version_id_ok(bad), "{bad}");
        }
        let p = Params::from_pairs([("VersionId", "v0")]).unwrap();
        let mut v = Validator::new();
        version_id_param(&mut v, &p);
        assert!(v.finish().unwrap_err().message.contains("'versionId'"));
    }

    #[test]
    fn policy_arns() {
        assert!(check_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess").is_ok());
        assert!(check_policy_arn("arn:aws:iam::123456789012:policy/a/b/c").is_ok());
        for bad in [
            "arn:aws:iam::123456789012:role/x",
            "arn:aws:iam::12345:policy/x",
            "arn:aws:iam::123456789012:policy/",
            "not-an-arn-but-long-enough",
        ] {
            assert_eq!(
                check_policy_arn(bad).unwrap_err().code,
                ErrorCode::InvalidInput
            );
        }
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            policy_arn(&acct, "/team/", "p"),
            "arn:aws:iam::123456789012:policy/team/p"
        );
        assert_eq!(
            arn_name_and_path("arn:aws:iam::123456789012:policy/team/x/p"),
            ("p", "/team/x/".to_string())
        );
        assert_eq!(
            arn_name_and_path("arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("ReadOnlyAccess", "/".to_string())
        );
    }

    #[test]
    fn document_grammar_then_size() {
        let small = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
        assert!(check_managed_document(small).is_ok());
        assert_eq!(
            check_managed_document("{").unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
        let big = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}"#,
            "a".repeat(6100)
        );
        let e = check_managed_document(&big).unwrap_err();
        assert_eq!(e.code, ErrorCode::LimitExceeded);
        assert_eq!(e.message, "Cannot exceed quota for PolicySize: 6144");
        // Whitespace does not count.
        let spaced = format!("{small}{}", " ".repeat(7000));
        assert!(check_managed_document(&spaced).is_ok());
    }

    #[test]
    fn renders_policy_in_model_order() {
        let p = PolicyView::new(
            &Managed::Aws(
                aws_managed::lookup("arn:aws:iam::aws:policy/AdministratorAccess").unwrap(),
            ),
            PolicyUsage {
                attachments: 2,
                boundaries: 1,
            },
        );
        let mut w = XmlWriter::new();
        render_policy(&mut w, &p);
        assert_eq!(
            w.into_string(),
            "<Policy><PolicyName>AdministratorAccess</PolicyName><PolicyId>ANPAIWMBCKSKIEE64ZLYK</PolicyId><Arn>arn:aws:iam::aws:policy/AdministratorAccess</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>2</AttachmentCount><PermissionsBoundaryUsageCount>1</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable><Description>Provides full access to AWS services and resources.</Description><CreateDate>2015-02-06T18:39:46Z</CreateDate><UpdateDate>2015-02-06T18:39:46Z</UpdateDate></Policy>"
        );
        let mut w = XmlWriter::new();
        render_version_members(
            &mut w,
            &PolicyVersion {
                version_id: "v2".into(),
                document: "{\"a\": 1}".into(),
                is_default: false,
                created: 0,
            },
            true,
        );
        assert_eq!(
            w.into_string(),
            "<Document>%7B%22a%22%3A%201%7D</Document><VersionId>v2</VersionId><IsDefaultVersion>false</IsDefaultVersion><CreateDate>1970-01-01T00:00:00Z</CreateDate>"
        );
    }
}
