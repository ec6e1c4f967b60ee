//! ListRoles: the account's roles under a path prefix, paginated. Listed roles
//! leave out the permissions boundary, tags and last use, as IAM's do.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Page, RoleShape, internal, path_prefix_param, render_page, render_role_members,
};
use crate::store::Role;

#[derive(Debug)]
pub struct Input {
    path_prefix: String,
    page: Page,
}

pub struct Output {
    roles: Vec<Role>,
    marker: Option<String>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.list("Roles", &self.roles, |w, r| {
            render_role_members(w, r, RoleShape::Listed)
        });
        render_page(w, self.marker.as_deref());
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "ListRoles";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let path_prefix = path_prefix_param(&mut v, params);
        let page = Page::from_params(&mut v, params)?;
        v.finish()?;
        Ok(Input { path_prefix, page })
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:ListRoles",
            resource: iam_resource(account, "role/"),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let mut roles = ctx
            .state
            .store
            .list_roles(account)
            .await
            .map_err(internal)?;
        roles.retain(|r| r.path.starts_with(&self.path_prefix));
        let (roles, marker) = self.page.apply(roles, |r| r.name.as_str());
        Ok(Output { roles, marker })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::Epoch;

    fn role(name: &str) -> Role {
        let account = AccountId::parse("123456789012").unwrap();
        Role {
            arn: crate::core::arn::role_arn(&account, "/", name),
            account,
            name: name.into(),
            path: "/".into(),
            role_id: "AROAEXAMPLEEXAMPLE01".into(),
            assume_role_policy: "{\"a\":1}".into(),
            description: None,
            max_session_duration: 3600,
            created: 0 as Epoch,
            tags: vec![crate::store::Tag {
                key: "k".into(),
                value: "v".into(),
            }],
            permissions_boundary: Some("arn:aws:iam::aws:policy/X".into()),
        }
    }

    #[test]
    fn listed_roles_omit_boundary_and_tags() {
        let out = Output {
            roles: vec![role("a")],
            marker: Some("m".into()),
        };
        let mut w = XmlWriter::new();
        out.render(&mut w);
        let xml = w.into_string();
        assert_eq!(
            xml,
            "<Roles><member><Path>/</Path><RoleName>a</RoleName><RoleId>AROAEXAMPLEEXAMPLE01</RoleId><Arn>arn:aws:iam::123456789012:role/a</Arn><CreateDate>1970-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%22a%22%3A1%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></member></Roles><IsTruncated>true</IsTruncated><Marker>m</Marker>"
        );
    }

    #[test]
    fn parses_prefix_and_page() {
        let p = Params::from_pairs([("PathPrefix", "/svc/"), ("MaxItems", "5")]).unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.path_prefix, "/svc/");
        assert_eq!(i.page.max_items, 5);
        assert!(Input::from_params(&Params::from_pairs([("MaxItems", "0")]).unwrap()).is_err());
    }
}
