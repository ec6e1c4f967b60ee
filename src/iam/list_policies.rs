//! ListPolicies: AWS's catalogue and the account's customer policies, by
//! scope, path prefix and (with OnlyAttached) usage, paginated. Listed
//! policies leave out tags, as IAM's do.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::aws_managed;
use crate::iam::common::{Page, internal, render_page};
use crate::iam::managed::{
    Managed, PolicyShape, PolicyView, policy_path_param, render_policy_members,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Aws,
    Local,
}

/// `PolicyUsageFilter`: which use OnlyAttached counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageFilter {
    PermissionsPolicy,
    PermissionsBoundary,
}

/// An enum-valued parameter: `ValidationError` naming the allowed set.
pub fn enum_param<T: Copy>(
    v: &mut Validator,
    params: &Params,
    param: &str,
    values: &[(&str, T)],
) -> Option<T> {
    let raw = params.get(param)?;
    match values.iter().find(|(name, _)| *name == raw) {
        Some((_, value)) => Some(*value),
        None => {
            let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
            let mut member = param.to_string();
            if let Some(first) = member.get_mut(0..1) {
                first.make_ascii_lowercase();
            }
            v.push(format!(
                "Value '{raw}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                names.join(", ")
            ));
            None
        }
    }
}

pub fn usage_filter_param(v: &mut Validator, params: &Params) -> Option<UsageFilter> {
    enum_param(
        v,
        params,
        "PolicyUsageFilter",
        &[
            ("PermissionsPolicy", UsageFilter::PermissionsPolicy),
            ("PermissionsBoundary", UsageFilter::PermissionsBoundary),
        ],
    )
}

#[derive(Debug)]
pub struct Input {
    scope: Scope,
    only_attached: bool,
    path_prefix: String,
    usage_filter: Option<UsageFilter>,
    page: Page,
}

pub struct Output {
    policies: Vec<PolicyView>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("Policies", &self.policies, |w, p| {
            render_policy_members(w, p, PolicyShape::Listed)
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListPolicies";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let scope = enum_param(
            &mut v,
            params,
            "Scope",
            &[
                ("All", Scope::All),
                ("AWS", Scope::Aws),
                ("Local", Scope::Local),
            ],
        )
        .unwrap_or(Scope::All);
        let only_attached = v.optional_bool(params, "OnlyAttached").unwrap_or(false);
        let path_prefix = policy_path_param(&mut v, params, "PathPrefix");
        let usage_filter = usage_filter_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input {
            scope,
            only_attached,
            path_prefix,
            usage_filter,
            page,
        })
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListPolicies",
            resource: iam_resource(account, "policy/"),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let store = &ctx.state.store;
        let usage = store.policy_usage(account).await.map_err(internal)?;
        let mut all: Vec<Managed> = Vec::new();
        if self.scope != Scope::Local {
            all.extend(aws_managed::all().iter().map(Managed::Aws));
        }
        if self.scope != Scope::Aws {
            let customer = store.list_policies(account).await.map_err(internal)?;
            all.extend(customer.into_iter().map(Managed::Customer));
        }
        let views: Vec<(String, PolicyView)> = all
            .iter()
            .map(|p| {
                let arn = match p {
                    Managed::Aws(a) => a.arn,
                    Managed::Customer(c) => c.arn.as_str(),
                };
                PolicyView::new(p, usage.get(arn).copied().unwrap_or_default())
            })
            .filter(|p| p.path.starts_with(&self.path_prefix))
            .filter(|p| {
                !self.only_attached
                    || match self.usage_filter {
                        None => p.usage.attachments + p.usage.boundaries > 0,
                        Some(UsageFilter::PermissionsPolicy) => p.usage.attachments > 0,
                        Some(UsageFilter::PermissionsBoundary) => p.usage.boundaries > 0,
                    }
            })
            // Names are unique per owner only: an AWS and a customer policy
            // of the same name stay in this order (`Page::apply` ranks ties);
            // the name alone keeps the marker short whatever the path.
            .map(|p| (p.name.clone(), p))
            .collect();
        let (page, marker) = self.page.apply(views, |(k, _)| k.as_str());
        Ok(Output {
            policies: page.into_iter().map(|(_, p)| p).collect(),
            marker,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn parses_filters() {
        let p = Params::from_pairs([
            ("Scope", "AWS"),
            ("OnlyAttached", "true"),
            ("PathPrefix", "/team/"),
            ("PolicyUsageFilter", "PermissionsBoundary"),
            ("MaxItems", "3"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.scope, Scope::Aws);
        assert!(i.only_attached);
        assert_eq!(i.usage_filter, Some(UsageFilter::PermissionsBoundary));
        assert_eq!(i.page.max_items, 3);
        let d = Input::from_params(&Params::default()).unwrap();
        assert_eq!(
            (d.scope, d.only_attached, d.path_prefix.as_str()),
            (Scope::All, false, "/")
        );
    }

    #[test]
    fn bad_enums_name_the_allowed_values() {
        let p = Params::from_pairs([("Scope", "Mine"), ("PolicyUsageFilter", "x")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains(
            "Value 'Mine' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]"
        ), "{}", e.message);
        assert!(e.message.contains("at 'policyUsageFilter'"));
    }
}
