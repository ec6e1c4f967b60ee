//! ListAttachedRolePolicies: the managed policies attached to a role, under a path prefix, paginated.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::Page;
use crate::iam::managed::{AttachedPolicy, list_attached, policy_path_param, render_attached};
use crate::store::EntityKind;

#[derive(Debug)]
pub struct Input {
    entity: String,
    path_prefix: String,
    page: Page,
}

pub struct Output {
    policies: Vec<AttachedPolicy>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_attached(w, &self.policies, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListAttachedRolePolicies";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let entity = v
            .required(params, "RoleName", &validate::ROLE_NAME)
            .to_string();
        let path_prefix = policy_path_param(&mut v, params, "PathPrefix");
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input {
            entity,
            path_prefix,
            page,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::AllowEntity {
            action: "iam:ListAttachedRolePolicies",
            entity: EntityKind::Role,
            name: self.entity.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let (policies, marker) = list_attached(
            ctx,
            EntityKind::Role,
            &self.entity,
            &self.path_prefix,
            &self.page,
        )
        .await?;
        Ok(Output { policies, marker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_members() {
        let p = Params::from_pairs([("RoleName", "x"), ("PathPrefix", "/a/"), ("MaxItems", "2")])
            .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!((i.path_prefix.as_str(), i.page.max_items), ("/a/", 2));
        let e = Input::from_params(
            &Params::from_pairs([("RoleName", "x"), ("PathPrefix", "/a")]).unwrap(),
        )
        .unwrap_err();
        assert!(e.message.contains("'pathPrefix'"), "{}", e.message);
    }
}
