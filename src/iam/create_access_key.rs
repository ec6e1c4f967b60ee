//! CreateAccessKey: a new long-term key for the named (or calling) user. The
//! secret is sealed under the master key at rest and leaves the process only
//! in this answer.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::app::SysRandom;
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::ids::{IdKind, new_id, new_secret};
use crate::core::query::Params;
use crate::core::secret::Secret;
use crate::core::time::iso8601;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_ACCESS_KEYS_PER_USER, implicit_user_authorization, implicit_user_name, load_user,
    optional_user_name_param, store_error,
};
use crate::principal::Principal;
use crate::store::{AccessKey, KeyStatus};

#[derive(Debug)]
pub struct Input {
    user: Option<String>,
}

pub struct Output {
    key: AccessKey,
    secret: Secret,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("AccessKey")
            .leaf("UserName", &self.key.user_name)
            .leaf("AccessKeyId", &self.key.access_key_id)
            .leaf("Status", self.key.status.as_str())
            .leaf("SecretAccessKey", self.secret.expose())
            .leaf("CreateDate", &iso8601(self.key.created))
            .close("AccessKey");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateAccessKey";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let user = optional_user_name_param(&mut v, params);
        v.finish()?;
        Ok(Input { user })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        implicit_user_authorization("iam:CreateAccessKey", None, self.user.as_deref())
    }

    fn authorization_for(&self, caller: Option<&Principal>) -> Authorization {
        implicit_user_authorization("iam:CreateAccessKey", caller, self.user.as_deref())
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let name = implicit_user_name(ctx, self.user.as_deref())?;
        let user = load_user(ctx, &name).await?;
        let mut rng = SysRandom;
        let access_key_id = new_id(IdKind::LongTermKey, &mut rng);
        let secret = Secret::new(new_secret(&mut rng));
        let key = AccessKey {
            secret_sealed: ctx.state.master.seal(
                &mut rng,
                access_key_id.as_bytes(),
                secret.expose().as_bytes(),
            ),
            access_key_id,
            account: user.account.clone(),
            user_name: user.name.clone(),
            user_id: user.user_id.clone(),
            status: KeyStatus::Active,
            created: ctx.now,
        };
        ctx.state
            .store
            .create_access_key(&key, MAX_ACCESS_KEYS_PER_USER)
            .await
            .map_err(|e| store_error(e, Entity::User(&name)))?;
        tracing::info!(user = %user.arn, access_key_id = %key.access_key_id, "access key created");
        Ok(Output { key, secret })
    }
}
