//! ListPolicyVersions: a managed policy's versions, newest first, without documents.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Page, internal, render_page};
use crate::iam::managed::{
    Managed, aws_version, check_policy_arn, find_policy, policy_arn_param, policy_not_found,
    render_version_members,
};
use crate::store::{PolicyVersion, StoreError};

#[derive(Debug)]
pub struct Input {
    arn: String,
    page: Page,
}

pub struct Output {
    versions: Vec<PolicyVersion>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("Versions", &self.versions, |w, v| {
            render_version_members(w, v, false)
        });
        render_page(w, self.marker.as_deref());
    }
}

/// Sorts newest first under `Page`'s ascending order: `v12` before `v9`.
fn newest_first_key(version_id: &str) -> String {
    let n: u64 = version_id
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    format!("{:020}", u64::MAX - n)
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListPolicyVersions";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { arn, page })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListPolicyVersions",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let versions = match find_policy(ctx, &self.arn).await? {
            None => return Err(policy_not_found(&self.arn)),
            Some(Managed::Aws(p)) => vec![aws_version(p)],
            Some(Managed::Customer(_)) => ctx
                .state
                .store
                .list_policy_versions(&self.arn)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound => policy_not_found(&self.arn),
                    other => internal(other),
                })?,
        };
        let keyed: Vec<(String, PolicyVersion)> = versions
            .into_iter()
            .map(|v| (newest_first_key(&v.version_id), v))
            .collect();
        let (page, marker) = self.page.apply(keyed, |(k, _)| k.as_str());
        Ok(Output {
            versions: page.into_iter().map(|(_, v)| v).collect(),
            marker,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_sorts_first() {
        let mut ids = vec!["v2", "v12", "v9", "v1"];
        ids.sort_by_key(|v| newest_first_key(v));
        assert_eq!(ids, vec!["v12", "v9", "v2", "v1"]);
    }
}
