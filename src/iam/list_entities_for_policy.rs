//! ListEntitiesForPolicy: the users, groups and roles that attach a managed
//! policy or use it as their permissions boundary.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, internal, path_prefix_param, render_page};
use crate::iam::list_policies::{UsageFilter, enum_param, usage_filter_param};
use crate::iam::managed::{check_policy_arn, find_policy, policy_arn_param, policy_not_found};
use crate::store::{EntityKind, PolicyEntity, PolicyUse};

/// `EntityFilter`: the two policy kinds list no entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntityFilter {
    Kind(EntityKind),
    Policies,
}

#[derive(Debug)]
pub struct Input {
    arn: String,
    entity_filter: Option<EntityFilter>,
    path_prefix: String,
    usage_filter: Option<UsageFilter>,
    page: Page,
}

pub struct Output {
    entities: Vec<PolicyEntity>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        let of = |kind| -> Vec<&PolicyEntity> {
            self.entities.iter().filter(|e| e.kind == kind).collect()
        };
        w.list("PolicyGroups", &of(EntityKind::Group), |w, e| {
            w.leaf("GroupName", &e.name).leaf("GroupId", &e.id);
        });
        w.list("PolicyUsers", &of(EntityKind::User), |w, e| {
            w.leaf("UserName", &e.name).leaf("UserId", &e.id);
        });
        w.list("PolicyRoles", &of(EntityKind::Role), |w, e| {
            w.leaf("RoleName", &e.name).leaf("RoleId", &e.id);
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListEntitiesForPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        let entity_filter = enum_param(
            &mut v,
            params,
            "EntityFilter",
            &[
                ("User", EntityFilter::Kind(EntityKind::User)),
                ("Role", EntityFilter::Kind(EntityKind::Role)),
                ("Group", EntityFilter::Kind(EntityKind::Group)),
                ("LocalManagedPolicy", EntityFilter::Policies),
                ("AWSManagedPolicy", EntityFilter::Policies),
            ],
        );
        let path_prefix = path_prefix_param(&mut v, params);
        let usage_filter = usage_filter_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input {
            arn,
            entity_filter,
            path_prefix,
            usage_filter,
            page,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListEntitiesForPolicy",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        if find_policy(ctx, &self.arn).await?.is_none() {
            return Err(policy_not_found(&self.arn));
        }
        let all = ctx
            .state
            .store
            .list_entities_for_policy(account, &self.arn)
            .await
            .map_err(internal)?;
        let mut keyed: Vec<(String, PolicyEntity)> = Vec::new();
        for e in all {
            let kind_ok = match self.entity_filter {
                None => true,
                Some(EntityFilter::Kind(k)) => k == e.kind,
                Some(EntityFilter::Policies) => false,
            };
            let use_ok = match self.usage_filter {
                None => true,
                Some(UsageFilter::PermissionsPolicy) => e.usage == PolicyUse::Attached,
                Some(UsageFilter::PermissionsBoundary) => e.usage == PolicyUse::Boundary,
            };
            // Groups, then users, then roles, each by name; an entity using the
            // policy both ways is listed once.
            let key = format!("{} {}", order(e.kind), e.name);
            if kind_ok
                && use_ok
                && e.path.starts_with(&self.path_prefix)
                && !keyed.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key))
            {
                keyed.push((key, e));
            }
        }
        let (page, marker) = self.page.apply(keyed, |(k, _)| k.as_str());
        Ok(Output {
            entities: page.into_iter().map(|(_, e)| e).collect(),
            marker,
        })
    }
}

fn order(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Group => 1,
        EntityKind::User => 2,
        EntityKind::Role => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_three_lists() {
        let e = |kind, name: &str| PolicyEntity {
            kind,
            name: name.into(),
            id: format!("ID{name}"),
            path: "/".into(),
            usage: PolicyUse::Attached,
        };
        let mut w = XmlWriter::new();
        Output {
            entities: vec![e(EntityKind::User, "u"), e(EntityKind::Role, "r")],
            marker: None,
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<PolicyGroups/><PolicyUsers><member><UserName>u</UserName><UserId>IDu</UserId></member></PolicyUsers><PolicyRoles><member><RoleName>r</RoleName><RoleId>IDr</RoleId></member></PolicyRoles><IsTruncated>false</IsTruncated>"
        );
        let p = Params::from_pairs([
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            ("EntityFilter", "Robot"),
        ])
        .unwrap();
        assert!(
            Input::from_params(&p)
                .unwrap_err()
                .message
                .contains("at 'entityFilter'")
        );
    }
}
