//! UpdateUser: rename a user and/or move it to another path. Its access
//! keys, group memberships and policies follow.

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{Entity, path_param, store_error, user_authorization, user_name_param};
use crate::store::StoreError;

#[derive(Debug)]
pub struct Input {
    name: String,
    new_name: Option<String>,
    new_path: Option<String>,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateUser";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = user_name_param(&mut v, params);
        let new_name = v
            .optional(params, "NewUserName", &validate::USER_NAME)
            .map(str::to_string);
        let new_path = match params.get("NewPath") {
            Some(p) => {
                // Reuse the Path rules under the NewPath member name.
                let renamed = Params::from_pairs([("Path", p)])?;
                let mut pv = Validator::new();
                let path = path_param(&mut pv, &renamed);
                if !pv.is_empty() {
                    v.push(format!(
                        "Value '{p}' at 'newPath' failed to satisfy constraint: Member must satisfy regular expression pattern: {}",
                        validate::PATH.pattern
                    ));
                }
                Some(path)
            }
            None => None,
        };
        v.finish()?;
        Ok(Input {
            name,
            new_name,
            new_path,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        user_authorization("iam:UpdateUser", &self.name)
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        ctx.state
            .store
            .update_user(
                account,
                &self.name,
                self.new_name.as_deref(),
                self.new_path.as_deref(),
            )
            .await
            .map_err(|e| match e {
                StoreError::AlreadyExists => store_error(
                    e,
                    Entity::User(self.new_name.as_deref().unwrap_or(&self.name)),
                ),
                other => store_error(other, Entity::User(&self.name)),
            })?;
        tracing::info!(account = %account, user = %self.name, new_name = ?self.new_name, new_path = ?self.new_path, "user updated");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_path_is_checked() {
        let p = Params::from_pairs([("UserName", "a"), ("NewPath", "/x")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert!(e.message.contains("'newPath'"), "{}", e.message);
        let p = Params::from_pairs([("UserName", "a"), ("NewPath", "/x/"), ("NewUserName", "b")])
            .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.new_path.as_deref(), Some("/x/"));
        assert_eq!(i.new_name.as_deref(), Some("b"));
    }
}
