//! GetAccountAuthorizationDetails: a snapshot of the account's users, groups,
//! roles and managed policies with everything that feeds their permissions
//! (inline documents, attachments, group memberships, boundaries, versions),
//! filtered by entity type and paginated across all four lists.
//!
//! AWS managed policies appear only while the account uses them (attached or
//! as a boundary), as on AWS; customer policies always appear.

use crate::action::{Action, Authorization, Ctx, EntityKind, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::aws_managed;
use crate::iam::common::{Page, encode_policy, internal, render_page, render_tags};
use crate::iam::managed::{
    Managed, PolicyView, arn_name_and_path, aws_version, render_version_members,
};
use crate::store::policies::{PolicyUsage, PolicyVersion};
use crate::store::{Group, InlinePolicy, Role, StoreError, User};

/// `EntityType`, in the model's enum order.
const ENTITY_TYPES: [&str; 5] = [
    "User",
    "Role",
    "Group",
    "LocalManagedPolicy",
    "AWSManagedPolicy",
];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    users: bool,
    roles: bool,
    groups: bool,
    local_policies: bool,
    aws_policies: bool,
}

impl Filter {
    const ALL: Filter = Filter {
        users: true,
        roles: true,
        groups: true,
        local_policies: true,
        aws_policies: true,
    };

    fn from_params(v: &mut Validator, params: &Params) -> ApiResult<Filter> {
        let Some(values) = params.list("Filter")? else {
            return Ok(Filter::ALL);
        };
        if values.is_empty() {
            return Ok(Filter::ALL);
        }
        let mut f = Filter::default();
        for value in &values {
            match *value {
                "User" => f.users = true,
                "Role" => f.roles = true,
                "Group" => f.groups = true,
                "LocalManagedPolicy" => f.local_policies = true,
                "AWSManagedPolicy" => f.aws_policies = true,
                _ => {
                    v.push(format!(
                        "Value '[{}]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{}]]",
                        values.join(", "),
                        ENTITY_TYPES.join(", ")
                    ));
                    break;
                }
            }
        }
        Ok(f)
    }
}

#[derive(Debug)]
pub struct Input {
    filter: Filter,
    page: Page,
}

/// One entry of the combined, paginated listing, before its details load.
enum Entry {
    User(User),
    Group(Group),
    Role(Role),
    Policy(Managed, PolicyUsage),
}

impl Entry {
    /// Sort key: users, then groups, roles, policies (the response's list
    /// order), each by name. Policy names repeat across owners: such ties keep
    /// the listing order (`Page::apply` ranks them), AWS's first.
    fn key(&self) -> String {
        match self {
            Entry::User(u) => format!("0 {}", u.name),
            Entry::Group(g) => format!("1 {}", g.name),
            Entry::Role(r) => format!("2 {}", r.name),
            Entry::Policy(Managed::Aws(a), _) => format!("3 {}", a.name),
            Entry::Policy(Managed::Customer(c), _) => format!("3 {}", c.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    name: String,
    arn: String,
}

fn attached(arns: Vec<String>) -> Vec<Attached> {
    arns.into_iter()
        .map(|arn| Attached {
            name: arn_name_and_path(&arn).0.to_string(),
            arn,
        })
        .collect()
}

pub struct UserDetail {
    user: User,
    policies: Vec<InlinePolicy>,
    groups: Vec<String>,
    attached: Vec<Attached>,
}

pub struct GroupDetail {
    group: Group,
    policies: Vec<InlinePolicy>,
    attached: Vec<Attached>,
}

pub struct RoleDetail {
    role: Role,
    policies: Vec<InlinePolicy>,
    attached: Vec<Attached>,
}

pub struct PolicyDetail {
    view: PolicyView,
    versions: Vec<PolicyVersion>,
}

#[derive(Default)]
pub struct Output {
    users: Vec<UserDetail>,
    groups: Vec<GroupDetail>,
    roles: Vec<RoleDetail>,
    policies: Vec<PolicyDetail>,
    marker: Option<String>,
}

fn render_inline(w: &mut XmlWriter, tag: &str, policies: &[InlinePolicy]) {
    w.list(tag, policies, |w, p| {
        w.leaf("PolicyName", &p.name)
            .leaf("PolicyDocument", &encode_policy(&p.document));
    });
}

fn render_attached(w: &mut XmlWriter, items: &[Attached]) {
    w.list("AttachedManagedPolicies", items, |w, a| {
        w.leaf("PolicyName", &a.name).leaf("PolicyArn", &a.arn);
    });
}

fn render_boundary(w: &mut XmlWriter, arn: Option<&str>) {
    if let Some(arn) = arn {
        w.open("PermissionsBoundary")
            .leaf("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
            .leaf("PermissionsBoundaryArn", arn)
            .close("PermissionsBoundary");
    }
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("UserDetailList", &self.users, |w, d| {
            let u = &d.user;
            w.leaf("Path", &u.path)
                .leaf("UserName", &u.name)
                .leaf("UserId", &u.user_id)
                .leaf("Arn", &u.arn)
                .leaf("CreateDate", &iso8601(u.created));
            render_inline(w, "UserPolicyList", &d.policies);
            w.string_list("GroupList", &d.groups);
            render_attached(w, &d.attached);
            render_boundary(w, u.permissions_boundary.as_deref());
            if !u.tags.is_empty() {
                render_tags(w, &u.tags);
            }
        });
        w.list("GroupDetailList", &self.groups, |w, d| {
            let g = &d.group;
            w.leaf("Path", &g.path)
                .leaf("GroupName", &g.name)
                .leaf("GroupId", &g.group_id)
                .leaf("Arn", &g.arn)
                .leaf("CreateDate", &iso8601(g.created));
            render_inline(w, "GroupPolicyList", &d.policies);
            render_attached(w, &d.attached);
        });
        w.list("RoleDetailList", &self.roles, |w, d| {
            let r = &d.role;
            w.leaf("Path", &r.path)
                .leaf("RoleName", &r.name)
                .leaf("RoleId", &r.role_id)
                .leaf("Arn", &r.arn)
                .leaf("CreateDate", &iso8601(r.created))
                .leaf(
                    "AssumeRolePolicyDocument",
                    &encode_policy(&r.assume_role_policy),
                );
            // stsgate has no instance profiles.
            w.list("InstanceProfileList", &[] as &[()], |_, _| {});
            render_inline(w, "RolePolicyList", &d.policies);
            render_attached(w, &d.attached);
            render_boundary(w, r.permissions_boundary.as_deref());
            if !r.tags.is_empty() {
                render_tags(w, &r.tags);
            }
        });
        w.list("Policies", &self.policies, |w, d| {
            let p = &d.view;
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
            w.list("PolicyVersionList", &d.versions, |w, v| {
                render_version_members(w, v, true)
            });
        });
        render_page(w, self.marker.as_deref());
    }
}

/// An entity deleted between listing and loading its details: skipped, as
/// if listed a moment later.
fn gone<T>(r: Result<T, StoreError>) -> ApiResult<Option<T>> {
    match r {
        Ok(t) => Ok(Some(t)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(internal(e)),
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetAccountAuthorizationDetails";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let filter = Filter::from_params(&mut v, params)?;
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { filter, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetAccountAuthorizationDetails",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let store = &ctx.state.store;
        let f = self.filter;
        let mut entries: Vec<Entry> = Vec::new();
        if f.users {
            let users = store.list_users(account).await.map_err(internal)?;
            entries.extend(users.into_iter().map(Entry::User));
        }
        if f.groups {
            let groups = store.list_groups(account).await.map_err(internal)?;
            entries.extend(groups.into_iter().map(Entry::Group));
        }
        if f.roles {
            let roles = store.list_roles(account).await.map_err(internal)?;
            entries.extend(roles.into_iter().map(Entry::Role));
        }
        if f.local_policies || f.aws_policies {
            let usage = store.policy_usage(account).await.map_err(internal)?;
            let used = |arn: &str| usage.get(arn).copied().unwrap_or_default();
            if f.aws_policies {
                entries.extend(
                    aws_managed::all()
                        .iter()
                        .map(|p| (p, used(p.arn)))
                        .filter(|(_, u)| u.attachments + u.boundaries > 0)
                        .map(|(p, u)| Entry::Policy(Managed::Aws(p), u)),
                );
            }
            if f.local_policies {
                let customer = store.list_policies(account).await.map_err(internal)?;
                entries.extend(customer.into_iter().map(|p| {
                    let u = used(&p.arn);
                    Entry::Policy(Managed::Customer(p), u)
                }));
            }
        }
        let keyed: Vec<(String, Entry)> = entries.into_iter().map(|e| (e.key(), e)).collect();
        let (page, marker) = self.page.apply(keyed, |(k, _)| k.as_str());

        let mut out = Output {
            marker,
            ..Output::default()
        };
        for (_, entry) in page {
            match entry {
                Entry::User(user) => {
                    let name = user.name.as_str();
                    let (Some(policies), Some(groups), Some(arns)) = (
                        gone(store.list_user_policies(account, name).await)?,
                        gone(store.list_groups_for_user(account, name).await)?,
                        gone(
                            store
                                .list_attached_policies(account, EntityKind::User, name)
                                .await,
                        )?,
                    ) else {
                        continue;
                    };
                    out.users.push(UserDetail {
                        policies,
                        groups: groups.into_iter().map(|g| g.name).collect(),
                        attached: attached(arns),
                        user,
                    });
                }
                Entry::Group(group) => {
                    let name = group.name.as_str();
                    let (Some(policies), Some(arns)) = (
                        gone(store.list_group_policies(account, name).await)?,
                        gone(
                            store
                                .list_attached_policies(account, EntityKind::Group, name)
                                .await,
                        )?,
                    ) else {
                        continue;
                    };
                    out.groups.push(GroupDetail {
                        policies,
                        attached: attached(arns),
                        group,
                    });
                }
                Entry::Role(role) => {
                    let name = role.name.as_str();
                    let (Some(policies), Some(arns)) = (
                        gone(store.list_role_policies(account, name).await)?,
                        gone(
                            store
                                .list_attached_policies(account, EntityKind::Role, name)
                                .await,
                        )?,
                    ) else {
                        continue;
                    };
                    out.roles.push(RoleDetail {
                        policies,
                        attached: attached(arns),
                        role,
                    });
                }
                Entry::Policy(policy, usage) => {
                    let versions = match &policy {
                        Managed::Aws(p) => vec![aws_version(p)],
                        Managed::Customer(p) => {
                            match gone(store.list_policy_versions(&p.arn).await)? {
                                Some(v) => v,
                                None => continue,
                            }
                        }
                    };
                    out.policies.push(PolicyDetail {
                        view: PolicyView::new(&policy, usage),
                        versions,
                    });
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn filter_defaults_to_everything_and_refuses_unknown_types() {
        let i = Input::from_params(&Params::default()).unwrap();
        assert_eq!(i.filter, Filter::ALL);
        let p = Params::from_pairs([
            ("Filter.member.1", "Role"),
            ("Filter.member.2", "AWSManagedPolicy"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert!(i.filter.roles && i.filter.aws_policies);
        assert!(!i.filter.users && !i.filter.groups && !i.filter.local_policies);
        let p = Params::from_pairs([("Filter.member.1", "Roles")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(
            e.message.contains("Value '[Roles]' at 'filter'"),
            "{}",
            e.message
        );
    }

    #[test]
    fn renders_role_detail_in_model_order() {
        let account = AccountId::parse("123456789012").unwrap();
        let role = Role {
            arn: crate::core::arn::role_arn(&account, "/", "r"),
            account,
            name: "r".into(),
            path: "/".into(),
            role_id: "AROAEXAMPLEEXAMPLE01".into(),
            assume_role_policy: "{}".into(),
            description: None,
            max_session_duration: 3600,
            created: 0,
            tags: vec![],
            permissions_boundary: Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into()),
        };
        let out = Output {
            roles: vec![RoleDetail {
                role,
                policies: vec![InlinePolicy {
                    name: "p".into(),
                    document: "{\"a\": 1}".into(),
                }],
                attached: attached(vec!["arn:aws:iam::123456789012:policy/team/x".into()]),
            }],
            ..Output::default()
        };
        let mut w = XmlWriter::new();
        out.render(&mut w);
        assert_eq!(
            w.into_string(),
            "<UserDetailList/><GroupDetailList/><RoleDetailList><member><Path>/</Path><RoleName>r</RoleName><RoleId>AROAEXAMPLEEXAMPLE01</RoleId><Arn>arn:aws:iam::123456789012:role/r</Arn><CreateDate>1970-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList><member><PolicyName>p</PolicyName><PolicyDocument>%7B%22a%22%3A%201%7D</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies><member><PolicyName>x</PolicyName><PolicyArn>arn:aws:iam::123456789012:policy/team/x</PolicyArn></member></AttachedManagedPolicies><PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PermissionsBoundaryArn></PermissionsBoundary></member></RoleDetailList><Policies/><IsTruncated>false</IsTruncated>"
        );
    }
}
