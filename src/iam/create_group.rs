//! CreateGroup: a group of users with an optional path.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::app::SysRandom;
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::ids::{IdKind, new_id};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_GROUPS, group_name_param, path_param, render_group_members, store_error,
};
use crate::store::Group;

#[derive(Debug)]
pub struct Input {
    path: String,
    name: String,
}

pub struct Output(Group);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("Group");
        render_group_members(w, &self.0);
        w.close("Group");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateGroup";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let path = path_param(&mut v, params);
        let name = group_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { path, name })
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreateGroup",
            resource: iam_resource(account, &format!("group{}{}", self.path, self.name)),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let group = Group {
            account: account.clone(),
            arn: format!("arn:aws:iam::{account}:group{}{}", self.path, self.name),
            group_id: new_id(IdKind::Group, &mut SysRandom),
            name: self.name,
            path: self.path,
            created: ctx.now,
        };
        ctx.state
            .store
            .create_group(&group, MAX_GROUPS)
            .await
            .map_err(|e| store_error(e, Entity::Group(&group.name)))?;
        tracing::info!(group = %group.arn, "group created");
        Ok(Output(group))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_group() {
        let mut w = XmlWriter::new();
        Output(Group {
            account: AccountId::parse("123456789012").unwrap(),
            name: "devs".into(),
            path: "/".into(),
            group_id: "AGPAEXAMPLEEXAMPLE01".into(),
            arn: "arn:aws:iam::123456789012:group/devs".into(),
            created: 0,
        })
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<Group><Path>/</Path><GroupName>devs</GroupName><GroupId>AGPAEXAMPLEEXAMPLE01</GroupId><Arn>arn:aws:iam::123456789012:group/devs</Arn><CreateDate>1970-01-01T00:00:00Z</CreateDate></Group>"
        );
        assert!(Input::from_params(&Params::default()).is_err());
    }
}
