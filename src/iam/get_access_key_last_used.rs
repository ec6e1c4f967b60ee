//! GetAccessKeyLastUsed: when, where and for which service a key last
//! authenticated; `N/A` before its first use, as AWS answers.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::time::iso8601;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{Entity, internal, store_error};
use crate::store::{AccessKeyLastUsed, StoreError};

#[derive(Debug)]
pub struct Input {
    access_key_id: String,
}

pub struct Output {
    user: String,
    last_used: Option<AccessKeyLastUsed>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("UserName", &self.user).open("AccessKeyLastUsed");
        match &self.last_used {
            Some(u) => {
                w.leaf("LastUsedDate", &iso8601(u.used))
                    .leaf("ServiceName", &u.service)
                    .leaf("Region", &u.region);
            }
            None => {
                w.leaf("ServiceName", "N/A").leaf("Region", "N/A");
            }
        }
        w.close("AccessKeyLastUsed");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetAccessKeyLastUsed";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let access_key_id = v
            .required(params, "AccessKeyId", &validate::ACCESS_KEY_ID)
            .to_string();
        v.finish()?;
        Ok(Input { access_key_id })
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        // The owning user is unknown until the key is looked up.
        Authorization::Allow {
            action: "iam:GetAccessKeyLastUsed",
            resource: iam_resource(account, "user/*"),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let not_found =
            || store_error(StoreError::NotFound, Entity::AccessKey(&self.access_key_id));
        let key = ctx
            .state
            .store
            .get_access_key(&self.access_key_id)
            .await
            .map_err(internal)?
            .filter(|k| &k.account == account)
            .ok_or_else(not_found)?;
        let last_used = ctx
            .state
            .store
            .access_key_last_used(&key.access_key_id)
            .await
            .map_err(internal)?;
        Ok(Output {
            user: key.user_name,
            last_used,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_used_is_not_applicable() {
        let mut w = XmlWriter::new();
        Output {
            user: "bob".into(),
            last_used: None,
        }
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<UserName>bob</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>"
        );
    }
}
