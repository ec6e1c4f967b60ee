//! UpdateAccessKey: make a key Active or Inactive; an inactive key no longer
//! authenticates (the cache drops it on the write).

use crate::action::{Action, Authorization, Ctx};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::Service;
use crate::iam::common::{
    Entity, implicit_user_authorization, implicit_user_name, optional_user_name_param, store_error,
};
use crate::principal::Principal;
use crate::store::KeyStatus;

#[derive(Debug)]
pub struct Input {
    user: Option<String>,
    access_key_id: String,
    status: KeyStatus,
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "UpdateAccessKey";
    type Output = ();

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let user = optional_user_name_param(&mut v, params);
        let access_key_id = v
            .required(params, "AccessKeyId", &validate::ACCESS_KEY_ID)
            .to_string();
        let status = match params.get("Status") {
            Some("Active") => Some(KeyStatus::Active),
            Some("Inactive") => Some(KeyStatus::Inactive),
            Some("Expired") => None,
            Some(other) => {
                v.push(format!(
                    "Value '{other}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"
                ));
                None
            }
            None => {
                v.missing("Status");
                None
            }
        };
        v.finish()?;
        let status = status.ok_or_else(|| {
            ApiError::invalid_input("Status Expired cannot be set: use Active or Inactive")
        })?;
        Ok(Input {
            user,
            access_key_id,
            status,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        implicit_user_authorization("iam:UpdateAccessKey", None, self.user.as_deref())
    }

    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        implicit_user_authorization("iam:UpdateAccessKey", caller, self.user.as_deref())
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<()> {
        let account = ctx.account()?;
        let name = implicit_user_name(ctx, self.user.as_deref())?;
        ctx.state
            .store
            .update_access_key_status(account, &name, &self.access_key_id, self.status)
            .await
            .map_err(|e| store_error(e, Entity::AccessKey(&self.access_key_id)))?;
        tracing::info!(account = %account, user = %name, access_key_id = %self.access_key_id, status = self.status.as_str(), "access key updated");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn status_is_an_enum() {
        let p =
            Params::from_pairs([("AccessKeyId", "AKIAEXAMPLEEXAMPLE"), ("Status", "On")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("enum value set"), "{}", e.message);
        let p = Params::from_pairs([("AccessKeyId", "AKIAEXAMPLEEXAMPLE"), ("Status", "Expired")])
            .unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let p = Params::from_pairs([
            ("AccessKeyId", "AKIAEXAMPLEEXAMPLE"),
            ("Status", "Inactive"),
        ])
        .unwrap();
        assert_eq!(Input::from_params(&p).unwrap().status, KeyStatus::Inactive);
    }
}
