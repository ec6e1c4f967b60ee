//! `stsgate bootstrap`: create the account and its administrator once.

use crate::app::SysRandom;
use crate::core::arn::{AccountId, user_arn};
use crate::core::ids::{IdKind, new_id, new_secret};
use crate::core::seal::SealKey;
use crate::core::secret::Secret;
use crate::core::time::Epoch;
use crate::store::{AccessKey, KeyStatus, Store, StoreError, User};

/// What bootstrap prints, once.
#[derive(Debug, serde::Serialize)]
pub struct BootstrapOutput {
    pub account_id: String,
    pub user_name: String,
    pub user_arn: String,
    pub access_key_id: String,
    #[serde(serialize_with = "expose")]
    pub secret_access_key: Secret,
}

fn expose<S: serde::Serializer>(s: &Secret, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose())
}

#[derive(Debug)]
pub enum BootstrapError {
    AlreadyBootstrapped(Vec<AccountId>),
    Store(String),
}

/// Create the account, an administrator user and its access key. The
/// administrator's power is an ordinary attachment of AdministratorAccess
/// (`store::BOOTSTRAP_ADMIN_POLICY`), made in the same transaction, so the
/// one evaluator decides its calls like anyone else's. The secret is sealed
/// under the master key before it is stored; only the return value carries it
/// in the clear.
pub async fn bootstrap(
    store: &dyn Store,
    master: &SealKey,
    account: &AccountId,
    user_name: &str,
    now: Epoch,
) -> Result<BootstrapOutput, BootstrapError> {
    let mut rng = SysRandom;
    let user = User {
        account: account.clone(),
        name: user_name.to_string(),
        path: "/".to_string(),
        user_id: new_id(IdKind::User, &mut rng),
        arn: user_arn(account, "/", user_name),
        created: now,
        tags: Vec::new(),
        is_admin: true,
        permissions_boundary: None,
    };
    let access_key_id = new_id(IdKind::LongTermKey, &mut rng);
    let secret = Secret::new(new_secret(&mut rng));
    let key = AccessKey {
        secret_sealed: master.seal(
            &mut rng,
            access_key_id.as_bytes(),
            secret.expose().as_bytes(),
        ),
        access_key_id: access_key_id.clone(),
        account: account.clone(),
        user_name: user.name.clone(),
        user_id: user.user_id.clone(),
        status: KeyStatus::Active,
        created: now,
    };
    match store.bootstrap(&user, &key).await {
        Ok(()) => Ok(BootstrapOutput {
            account_id: account.to_string(),
            user_name: user.name,
            user_arn: user.arn,
            access_key_id,
            secret_access_key: secret,
        }),
        Err(StoreError::AlreadyBootstrapped) => Err(BootstrapError::AlreadyBootstrapped(
            store.accounts().await.unwrap_or_default(),
        )),
        Err(e) => Err(BootstrapError::Store(e.to_string())),
    }
}
