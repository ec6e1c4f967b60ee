//! Users, groups, access keys, user and group inline policies, account aliases.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe};

use super::cached::{CachedStore, name_key};
use super::sql::{
    SqlStore, access_key_from, account_from, count_in, db_err, get, key, policy_from, tags_to_json,
    user_from,
};
use super::{
    AccessKey, InlinePolicy, KeyStatus, StoreError, StoreResult, Tag, User, non_whitespace_len,
};
use crate::core::arn::{AccountId, user_arn};
use crate::core::time::Epoch;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub account: AccountId,
    pub name: String,
    pub path: String,
    pub group_id: String,
    pub arn: String,
    pub created: Epoch,
}

/// When and where a long-term access key last authenticated a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessKeyLastUsed {
    pub used: Epoch,
    /// The signing name of the service called (`sts`, `iam`).
    pub service: String,
    pub region: String,
}

#[async_trait]
pub trait IdentityStore: Send + Sync {
    // Users (`Store::get_user` looks one up).
    /// `AlreadyExists` for a taken name (case-insensitive), `Limit` past `max_users`.
    async fn create_user(&self, user: &User, max_users: usize) -> StoreResult<()>;
    /// All users of the account ordered by name (case-insensitive order).
    async fn list_users(&self, account: &AccountId) -> StoreResult<Vec<User>>;
    /// Rename and/or move a user; its ARN follows. Access keys, group
    /// memberships, inline policies and attachments follow a rename.
    /// `AlreadyExists` when the new name belongs to another user.
    async fn update_user(
        &self,
        account: &AccountId,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()>;
    /// Replace the user's tags wholesale.
    async fn set_user_tags(&self, account: &AccountId, name: &str, tags: &[Tag])
    -> StoreResult<()>;
    async fn set_user_boundary(
        &self,
        account: &AccountId,
        name: &str,
        boundary: Option<&str>,
    ) -> StoreResult<()>;
    /// `Conflict` while access keys, inline or attached policies or group
    /// memberships remain.
    async fn delete_user(&self, account: &AccountId, name: &str) -> StoreResult<()>;

    // Groups.
    /// `AlreadyExists` for a taken name, `Limit` past `max_groups`.
    async fn create_group(&self, group: &Group, max_groups: usize) -> StoreResult<()>;
    async fn get_group(&self, account: &AccountId, name: &str) -> StoreResult<Option<Group>>;
    /// All groups of the account ordered by name.
    async fn list_groups(&self, account: &AccountId) -> StoreResult<Vec<Group>>;
    /// `Conflict` while members, inline or attached policies remain.
    async fn delete_group(&self, account: &AccountId, name: &str) -> StoreResult<()>;
    /// Idempotent; `NotFound` when the group or user is missing, `Limit` when
    /// the user is already in `max_groups_per_user` groups.
    async fn add_user_to_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
        max_groups_per_user: usize,
    ) -> StoreResult<()>;
    /// `NotFound` when the user is not a member.
    async fn remove_user_from_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
    ) -> StoreResult<()>;
    /// The user's groups ordered by name; `NotFound` for a missing user.
    async fn list_groups_for_user(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<Group>>;
    /// The group's members ordered by name; `NotFound` for a missing group.
    async fn list_group_members(&self, account: &AccountId, group: &str) -> StoreResult<Vec<User>>;

    // Access keys (`Store::get_access_key` looks one up by id).
    /// `NotFound` for a missing user, `Limit` past `max_per_user` keys.
    async fn create_access_key(&self, key: &AccessKey, max_per_user: usize) -> StoreResult<()>;
    /// The user's keys ordered by creation; `NotFound` for a missing user.
    async fn list_access_keys(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<AccessKey>>;
    /// `NotFound` unless the key exists and belongs to the user.
    async fn update_access_key_status(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
        status: KeyStatus,
    ) -> StoreResult<()>;
    /// `NotFound` unless the key exists and belongs to the user.
    async fn delete_access_key(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
    ) -> StoreResult<()>;
    /// Remember the key's last use. Callers throttle: this is not meant to run
    /// once per request.
    async fn record_access_key_use(
        &self,
        access_key_id: &str,
        used: &AccessKeyLastUsed,
    ) -> StoreResult<()>;
    /// `None` when the key was never used (or does not exist).
    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<AccessKeyLastUsed>>;

    // User inline policies.
    /// Insert or replace; `Limit` when the user's aggregate non-whitespace
    /// size would pass `max_aggregate`; `NotFound` for a missing user.
    async fn put_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()>;
    async fn get_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>>;
    /// Ordered by name; `NotFound` for a missing user.
    async fn list_user_policies(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<InlinePolicy>>;
    async fn delete_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<()>;

    // Group inline policies (same contract as the user ones).
    async fn put_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()>;
    async fn get_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>>;
    async fn list_group_policies(
        &self,
        account: &AccountId,
        group: &str,
    ) -> StoreResult<Vec<InlinePolicy>>;
    async fn delete_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<()>;

    // Account aliases.
    /// Set the account's one alias (replacing any other it had);
    /// `AlreadyExists` when another account holds it.
    async fn create_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()>;
    async fn list_account_aliases(&self, account: &AccountId) -> StoreResult<Vec<String>>;
    /// `NotFound` unless the account holds this alias.
    async fn delete_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()>;
}

// ---------------------------------------------------------------- SQL

const USER_COLUMNS: &str =
    "account_id, name, path, user_id, arn, created, tags, is_admin, permissions_boundary";
const GROUP_COLUMNS: &str = "account_id, name, path, group_id, arn, created";
const KEY_COLUMNS: &str =
    "access_key_id, account_id, user_name, user_id, secret_sealed, status, created";

fn group_from(row: &AnyRow) -> StoreResult<Group> {
    Ok(Group {
        account: account_from(&get::<String>(row, "account_id")?)?,
        name: get(row, "name")?,
        path: get(row, "path")?,
        group_id: get(row, "group_id")?,
        arn: get(row, "arn")?,
        created: get(row, "created")?,
    })
}

/// `COUNT(*)` of a query whose parameters are all text.
async fn user_in(conn: &mut AnyConnection, account: &AccountId, name: &str) -> StoreResult<User> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 AND name_key = $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(account.as_str())
        .bind(key(name))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    row.as_ref()
        .map(user_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

async fn group_in(conn: &mut AnyConnection, account: &AccountId, name: &str) -> StoreResult<Group> {
    let sql =
        format!("SELECT {GROUP_COLUMNS} FROM iam_groups WHERE account_id = $1 AND name_key = $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(account.as_str())
        .bind(key(name))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    row.as_ref()
        .map(group_from)
        .transpose()?
        .ok_or(StoreError::NotFound)
}

/// Fail with `Conflict(message)` when `sql` counts anything.
async fn refuse_if_any(
    conn: &mut AnyConnection,
    sql: &str,
    binds: &[&str],
    message: &str,
) -> StoreResult<()> {
    if count_in(conn, sql, binds).await? > 0 {
        Err(StoreError::Conflict(message.to_string()))
    } else {
        Ok(())
    }
}

/// The inline-policy tables of users and groups share one shape.
#[derive(Clone, Copy)]
struct PolicyTable {
    table: &'static str,
    owner: &'static str,
    /// "user" or "group", for the quota message.
    kind: &'static str,
}

const USER_POLICIES: PolicyTable = PolicyTable {
    table: "user_policies",
    owner: "user_key",
    kind: "user",
};
const GROUP_POLICIES: PolicyTable = PolicyTable {
    table: "group_policies",
    owner: "group_key",
    kind: "group",
};

impl SqlStore {
    /// The stored name of the owner (user or group), or `NotFound`.
    async fn owner_name(
        &self,
        conn: &mut AnyConnection,
        t: PolicyTable,
        account: &AccountId,
        owner: &str,
    ) -> StoreResult<String> {
        if t.kind == "user" {
            Ok(user_in(conn, account, owner).await?.name)
        } else {
            Ok(group_in(conn, account, owner).await?.name)
        }
    }

    async fn put_inline(
        &self,
        t: PolicyTable,
        account: &AccountId,
        owner: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let owner_name = self.owner_name(&mut tx, t, account, owner).await?;
        let sql = format!(
            "SELECT document FROM {} WHERE account_id = $1 AND {} = $2 AND name_key <> $3",
            t.table, t.owner
        );
        let others = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(owner))
            .bind(key(&policy.name))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        let mut total = non_whitespace_len(&policy.document);
        for row in &others {
            total += non_whitespace_len(&get::<String>(row, "document")?);
        }
        if total > max_aggregate {
            return Err(StoreError::Limit(format!(
                "Maximum policy size of {max_aggregate} bytes exceeded for {} {owner_name}",
                t.kind
            )));
        }
        let sql = format!(
            "DELETE FROM {} WHERE account_id = $1 AND {} = $2 AND name_key = $3",
            t.table, t.owner
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(owner))
            .bind(key(&policy.name))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let sql = format!(
            "INSERT INTO {} (account_id, {}, name_key, name, document) VALUES ($1, $2, $3, $4, $5)",
            t.table, t.owner
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(owner))
            .bind(key(&policy.name))
            .bind(policy.name.as_str())
            .bind(policy.document.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_inline(
        &self,
        t: PolicyTable,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        let sql = format!(
            "SELECT name, document FROM {} WHERE account_id = $1 AND {} = $2 AND name_key = $3",
            t.table, t.owner
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(owner))
            .bind(key(name))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(policy_from).transpose()
    }

    async fn list_inline(
        &self,
        t: PolicyTable,
        account: &AccountId,
        owner: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        self.owner_name(&mut conn, t, account, owner).await?;
        let sql = format!(
            "SELECT name, document FROM {} WHERE account_id = $1 AND {} = $2 ORDER BY name_key",
            t.table, t.owner
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(owner))
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        rows.iter().map(policy_from).collect()
    }

    async fn delete_inline(
        &self,
        t: PolicyTable,
        account: &AccountId,
        owner: &str,
        name: &str,
    ) -> StoreResult<()> {
        let sql = format!(
            "DELETE FROM {} WHERE account_id = $1 AND {} = $2 AND name_key = $3",
            t.table, t.owner
        );
        self.write_one(
            sqlx::query(AssertSqlSafe(sql))
                .bind(account.as_str())
                .bind(key(owner))
                .bind(key(name)),
        )
        .await
    }
}

#[async_trait]
impl IdentityStore for SqlStore {
    async fn create_user(&self, user: &User, max_users: usize) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let acct = user.account.as_str();
        let name_key = key(&user.name);
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM users WHERE account_id = $1 AND name_key = $2",
            &[acct, &name_key],
        )
        .await?
            > 0
        {
            return Err(StoreError::AlreadyExists);
        }
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM users WHERE account_id = $1",
            &[acct],
        )
        .await?
            >= max_users
        {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for UsersPerAccount: {max_users}"
            )));
        }
        sqlx::query(
            "INSERT INTO users (account_id, name_key, name, path, user_id, arn, created, tags, is_admin, \
             permissions_boundary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(acct)
        .bind(name_key)
        .bind(user.name.as_str())
        .bind(user.path.as_str())
        .bind(user.user_id.as_str())
        .bind(user.arn.as_str())
        .bind(user.created)
        .bind(tags_to_json(&user.tags))
        .bind(i64::from(user.is_admin))
        .bind(user.permissions_boundary.clone())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn list_users(&self, account: &AccountId) -> StoreResult<Vec<User>> {
        let sql =
            format!("SELECT {USER_COLUMNS} FROM users WHERE account_id = $1 ORDER BY name_key");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(user_from).collect()
    }

    async fn update_user(
        &self,
        account: &AccountId,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = user_in(&mut tx, account, name).await?;
        let acct = account.as_str();
        let old_key = key(&user.name);
        let target_name = new_name.unwrap_or(&user.name);
        let target_key = key(target_name);
        let target_path = new_path.unwrap_or(&user.path);
        if target_key != old_key
            && count_in(
                &mut tx,
                "SELECT COUNT(*) FROM users WHERE account_id = $1 AND name_key = $2",
                &[acct, &target_key],
            )
            .await?
                > 0
        {
            return Err(StoreError::AlreadyExists);
        }
        sqlx::query(
            "UPDATE users SET name_key = $3, name = $4, path = $5, arn = $6 \
             WHERE account_id = $1 AND name_key = $2",
        )
        .bind(acct)
        .bind(old_key.as_str())
        .bind(target_key.as_str())
        .bind(target_name)
        .bind(target_path)
        .bind(user_arn(account, target_path, target_name))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        // Everything that names the user follows the rename.
        let follow: [(&str, &str); 4] = [
            (
                "UPDATE access_keys SET user_name = $3 WHERE account_id = $1 AND LOWER(user_name) = $2",
                target_name,
            ),
            (
                "UPDATE group_members SET user_key = $3 WHERE account_id = $1 AND user_key = $2",
                &target_key,
            ),
            (
                "UPDATE user_policies SET user_key = $3 WHERE account_id = $1 AND user_key = $2",
                &target_key,
            ),
            (
                "UPDATE policy_attachments SET entity_key = $3 \
                 WHERE account_id = $1 AND entity_kind = 'user' AND entity_key = $2",
                &target_key,
            ),
        ];
        for (sql, value) in follow {
            sqlx::query(sql)
                .bind(acct)
                .bind(old_key.as_str())
                .bind(value)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn set_user_tags(
        &self,
        account: &AccountId,
        name: &str,
        tags: &[Tag],
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query("UPDATE users SET tags = $3 WHERE account_id = $1 AND name_key = $2")
                .bind(account.as_str())
                .bind(key(name))
                .bind(tags_to_json(tags)),
        )
        .await
    }

    async fn set_user_boundary(
        &self,
        account: &AccountId,
        name: &str,
        boundary: Option<&str>,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
            "UPDATE users SET permissions_boundary = $3 WHERE account_id = $1 AND name_key = $2",
        )
        .bind(account.as_str())
        .bind(key(name))
        .bind(boundary.map(str::to_string)),
        )
        .await
    }

    async fn delete_user(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = user_in(&mut tx, account, name).await?;
        let acct = account.as_str();
        let k = key(&user.name);
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM access_keys WHERE account_id = $1 AND LOWER(user_name) = $2",
            &[acct, &k],
            "Cannot delete entity, must delete access keys first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM user_policies WHERE account_id = $1 AND user_key = $2",
            &[acct, &k],
            "Cannot delete entity, must delete policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = 'user' AND entity_key = $2",
            &[acct, &k],
            "Cannot delete entity, must detach all policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM group_members WHERE account_id = $1 AND user_key = $2",
            &[acct, &k],
            "Cannot delete entity, must remove user from all groups first.",
        )
        .await?;
        sqlx::query("DELETE FROM users WHERE account_id = $1 AND name_key = $2")
            .bind(acct)
            .bind(k)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn create_group(&self, group: &Group, max_groups: usize) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let acct = group.account.as_str();
        let name_key = key(&group.name);
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM iam_groups WHERE account_id = $1 AND name_key = $2",
            &[acct, &name_key],
        )
        .await?
            > 0
        {
            return Err(StoreError::AlreadyExists);
        }
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM iam_groups WHERE account_id = $1",
            &[acct],
        )
        .await?
            >= max_groups
        {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for GroupsPerAccount: {max_groups}"
            )));
        }
        sqlx::query(
            "INSERT INTO iam_groups (account_id, name_key, name, path, group_id, arn, created) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(acct)
        .bind(name_key)
        .bind(group.name.as_str())
        .bind(group.path.as_str())
        .bind(group.group_id.as_str())
        .bind(group.arn.as_str())
        .bind(group.created)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_group(&self, account: &AccountId, name: &str) -> StoreResult<Option<Group>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        match group_in(&mut conn, account, name).await {
            Ok(g) => Ok(Some(g)),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn list_groups(&self, account: &AccountId) -> StoreResult<Vec<Group>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM iam_groups WHERE account_id = $1 ORDER BY name_key"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(group_from).collect()
    }

    async fn delete_group(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let group = group_in(&mut tx, account, name).await?;
        let acct = account.as_str();
        let k = key(&group.name);
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM group_members WHERE account_id = $1 AND group_key = $2",
            &[acct, &k],
            "Cannot delete entity, must remove users from group first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM group_policies WHERE account_id = $1 AND group_key = $2",
            &[acct, &k],
            "Cannot delete entity, must delete policies first.",
        )
        .await?;
        refuse_if_any(
            &mut tx,
            "SELECT COUNT(*) FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = 'group' AND entity_key = $2",
            &[acct, &k],
            "Cannot delete entity, must detach all policies first.",
        )
        .await?;
        sqlx::query("DELETE FROM iam_groups WHERE account_id = $1 AND name_key = $2")
            .bind(acct)
            .bind(k)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn add_user_to_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
        max_groups_per_user: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let g = key(&group_in(&mut tx, account, group).await?.name);
        let u = key(&user_in(&mut tx, account, user).await?.name);
        let acct = account.as_str();
        if count_in(&mut tx,
            "SELECT COUNT(*) FROM group_members WHERE account_id = $1 AND group_key = $2 AND user_key = $3",
            &[acct, &g, &u],
        )
        .await?
            > 0
        {
            return Ok(());
        }
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM group_members WHERE account_id = $1 AND user_key = $2",
            &[acct, &u],
        )
        .await?
            >= max_groups_per_user
        {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for GroupsPerUser: {max_groups_per_user}"
            )));
        }
        sqlx::query(
            "INSERT INTO group_members (account_id, group_key, user_key) VALUES ($1, $2, $3)",
        )
        .bind(acct)
        .bind(g)
        .bind(u)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn remove_user_from_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
            "DELETE FROM group_members WHERE account_id = $1 AND group_key = $2 AND user_key = $3",
        )
        .bind(account.as_str())
        .bind(key(group))
        .bind(key(user)),
        )
        .await
    }

    async fn list_groups_for_user(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<Group>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        user_in(&mut conn, account, user).await?;
        let rows = sqlx::query(
            "SELECT g.account_id, g.name, g.path, g.group_id, g.arn, g.created \
             FROM iam_groups g JOIN group_members m \
             ON m.account_id = g.account_id AND m.group_key = g.name_key \
             WHERE m.account_id = $1 AND m.user_key = $2 ORDER BY g.name_key",
        )
        .bind(account.as_str())
        .bind(key(user))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(group_from).collect()
    }

    async fn list_group_members(&self, account: &AccountId, group: &str) -> StoreResult<Vec<User>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        group_in(&mut conn, account, group).await?;
        let rows = sqlx::query(
            "SELECT u.account_id, u.name, u.path, u.user_id, u.arn, u.created, u.tags, u.is_admin, \
             u.permissions_boundary FROM users u JOIN group_members m \
             ON m.account_id = u.account_id AND m.user_key = u.name_key \
             WHERE m.account_id = $1 AND m.group_key = $2 ORDER BY u.name_key",
        )
        .bind(account.as_str())
        .bind(key(group))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(user_from).collect()
    }

    async fn create_access_key(&self, record: &AccessKey, max_per_user: usize) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let user = user_in(&mut tx, &record.account, &record.user_name).await?;
        if count_in(
            &mut tx,
            "SELECT COUNT(*) FROM access_keys WHERE account_id = $1 AND LOWER(user_name) = $2",
            &[record.account.as_str(), &key(&user.name)],
        )
        .await?
            >= max_per_user
        {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for AccessKeysPerUser: {max_per_user}"
            )));
        }
        sqlx::query(
            "INSERT INTO access_keys (access_key_id, account_id, user_name, user_id, secret_sealed, status, created) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(record.access_key_id.as_str())
        .bind(record.account.as_str())
        .bind(user.name.as_str())
        .bind(user.user_id.as_str())
        .bind(record.secret_sealed.clone())
        .bind(record.status.as_str())
        .bind(record.created)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn list_access_keys(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<AccessKey>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        user_in(&mut conn, account, user).await?;
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM access_keys WHERE account_id = $1 AND LOWER(user_name) = $2 \
             ORDER BY created, access_key_id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(user))
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
        rows.iter().map(access_key_from).collect()
    }

    async fn update_access_key_status(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
        status: KeyStatus,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
                "UPDATE access_keys SET status = $4 \
             WHERE account_id = $1 AND LOWER(user_name) = $2 AND access_key_id = $3",
            )
            .bind(account.as_str())
            .bind(key(user))
            .bind(access_key_id)
            .bind(status.as_str()),
        )
        .await
    }

    async fn delete_access_key(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
                "DELETE FROM access_keys \
             WHERE account_id = $1 AND LOWER(user_name) = $2 AND access_key_id = $3",
            )
            .bind(account.as_str())
            .bind(key(user))
            .bind(access_key_id),
        )
        .await
    }

    async fn record_access_key_use(
        &self,
        access_key_id: &str,
        used: &AccessKeyLastUsed,
    ) -> StoreResult<()> {
        // Deliberately not a `begin_write`: nothing cached depends on last
        // use, and bumping the change counter for it would flush every node's
        // cache each time any key is used.
        sqlx::query(
            "UPDATE access_keys SET last_used = $2, last_used_service = $3, last_used_region = $4 \
             WHERE access_key_id = $1",
        )
        .bind(access_key_id)
        .bind(used.used)
        .bind(used.service.as_str())
        .bind(used.region.as_str())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<AccessKeyLastUsed>> {
        let row = sqlx::query(
            "SELECT last_used, last_used_service, last_used_region FROM access_keys \
             WHERE access_key_id = $1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let used: Option<i64> = get(&row, "last_used")?;
        let service: Option<String> = get(&row, "last_used_service")?;
        let region: Option<String> = get(&row, "last_used_region")?;
        Ok(match (used, service, region) {
            (Some(used), Some(service), Some(region)) => Some(AccessKeyLastUsed {
                used,
                service,
                region,
            }),
            _ => None,
        })
    }

    async fn put_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        self.put_inline(USER_POLICIES, account, user, policy, max_aggregate)
            .await
    }

    async fn get_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        self.get_inline(USER_POLICIES, account, user, name).await
    }

    async fn list_user_policies(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        self.list_inline(USER_POLICIES, account, user).await
    }

    async fn delete_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<()> {
        self.delete_inline(USER_POLICIES, account, user, name).await
    }

    async fn put_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        self.put_inline(GROUP_POLICIES, account, group, policy, max_aggregate)
            .await
    }

    async fn get_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        self.get_inline(GROUP_POLICIES, account, group, name).await
    }

    async fn list_group_policies(
        &self,
        account: &AccountId,
        group: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        self.list_inline(GROUP_POLICIES, account, group).await
    }

    async fn delete_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<()> {
        self.delete_inline(GROUP_POLICIES, account, group, name)
            .await
    }

    async fn create_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT account_id FROM account_aliases WHERE alias = $1")
            .bind(alias)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if let Some(row) = row {
            return if get::<String>(&row, "account_id")? == account.as_str() {
                Ok(())
            } else {
                Err(StoreError::AlreadyExists)
            };
        }
        sqlx::query("DELETE FROM account_aliases WHERE account_id = $1")
            .bind(account.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT INTO account_aliases (alias, account_id) VALUES ($1, $2)")
            .bind(alias)
            .bind(account.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn list_account_aliases(&self, account: &AccountId) -> StoreResult<Vec<String>> {
        let rows =
            sqlx::query("SELECT alias FROM account_aliases WHERE account_id = $1 ORDER BY alias")
                .bind(account.as_str())
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.iter().map(|r| get(r, "alias")).collect()
    }

    async fn delete_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()> {
        self.write_one(
            sqlx::query("DELETE FROM account_aliases WHERE account_id = $1 AND alias = $2")
                .bind(account.as_str())
                .bind(alias),
        )
        .await
    }
}

// ---------------------------------------------------------------- cache

/// Reads are cached where authentication and authorization read on every
/// request (users, access keys — in `cached.rs` — and the policies reached
/// from a user); every write drops all caches.
#[async_trait]
impl IdentityStore for CachedStore {
    async fn create_user(&self, user: &User, max_users: usize) -> StoreResult<()> {
        let r = self.inner.create_user(user, max_users).await;
        self.after_write(r)
    }

    async fn list_users(&self, account: &AccountId) -> StoreResult<Vec<User>> {
        self.inner.list_users(account).await
    }

    async fn update_user(
        &self,
        account: &AccountId,
        name: &str,
        new_name: Option<&str>,
        new_path: Option<&str>,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .update_user(account, name, new_name, new_path)
            .await;
        self.after_write(r)
    }

    async fn set_user_tags(
        &self,
        account: &AccountId,
        name: &str,
        tags: &[Tag],
    ) -> StoreResult<()> {
        let r = self.inner.set_user_tags(account, name, tags).await;
        self.after_write(r)
    }

    async fn set_user_boundary(
        &self,
        account: &AccountId,
        name: &str,
        boundary: Option<&str>,
    ) -> StoreResult<()> {
        let r = self.inner.set_user_boundary(account, name, boundary).await;
        self.after_write(r)
    }

    async fn delete_user(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let r = self.inner.delete_user(account, name).await;
        self.after_write(r)
    }

    async fn create_group(&self, group: &Group, max_groups: usize) -> StoreResult<()> {
        let r = self.inner.create_group(group, max_groups).await;
        self.after_write(r)
    }

    async fn get_group(&self, account: &AccountId, name: &str) -> StoreResult<Option<Group>> {
        self.inner.get_group(account, name).await
    }

    async fn list_groups(&self, account: &AccountId) -> StoreResult<Vec<Group>> {
        self.inner.list_groups(account).await
    }

    async fn delete_group(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let r = self.inner.delete_group(account, name).await;
        self.after_write(r)
    }

    async fn add_user_to_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
        max_groups_per_user: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .add_user_to_group(account, group, user, max_groups_per_user)
            .await;
        self.after_write(r)
    }

    async fn remove_user_from_group(
        &self,
        account: &AccountId,
        group: &str,
        user: &str,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .remove_user_from_group(account, group, user)
            .await;
        self.after_write(r)
    }

    async fn list_groups_for_user(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<Group>> {
        self.read_through(
            name_key(account, user),
            |c| &c.user_groups,
            |c| &mut c.user_groups,
            self.inner.list_groups_for_user(account, user),
        )
        .await
    }

    async fn list_group_members(&self, account: &AccountId, group: &str) -> StoreResult<Vec<User>> {
        self.inner.list_group_members(account, group).await
    }

    async fn create_access_key(&self, key: &AccessKey, max_per_user: usize) -> StoreResult<()> {
        let r = self.inner.create_access_key(key, max_per_user).await;
        self.after_write(r)
    }

    async fn list_access_keys(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<AccessKey>> {
        self.inner.list_access_keys(account, user).await
    }

    async fn update_access_key_status(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
        status: KeyStatus,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .update_access_key_status(account, user, access_key_id, status)
            .await;
        self.after_write(r)
    }

    async fn delete_access_key(
        &self,
        account: &AccountId,
        user: &str,
        access_key_id: &str,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .delete_access_key(account, user, access_key_id)
            .await;
        self.after_write(r)
    }

    async fn record_access_key_use(
        &self,
        access_key_id: &str,
        used: &AccessKeyLastUsed,
    ) -> StoreResult<()> {
        // Nothing cached holds last use: no invalidation.
        self.inner.record_access_key_use(access_key_id, used).await
    }

    async fn access_key_last_used(
        &self,
        access_key_id: &str,
    ) -> StoreResult<Option<AccessKeyLastUsed>> {
        self.inner.access_key_last_used(access_key_id).await
    }

    async fn put_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .put_user_policy(account, user, policy, max_aggregate)
            .await;
        self.after_write(r)
    }

    async fn get_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        self.inner.get_user_policy(account, user, name).await
    }

    async fn list_user_policies(
        &self,
        account: &AccountId,
        user: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        self.read_through(
            name_key(account, user),
            |c| &c.user_policies,
            |c| &mut c.user_policies,
            self.inner.list_user_policies(account, user),
        )
        .await
    }

    async fn delete_user_policy(
        &self,
        account: &AccountId,
        user: &str,
        name: &str,
    ) -> StoreResult<()> {
        let r = self.inner.delete_user_policy(account, user, name).await;
        self.after_write(r)
    }

    async fn put_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .put_group_policy(account, group, policy, max_aggregate)
            .await;
        self.after_write(r)
    }

    async fn get_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        self.inner.get_group_policy(account, group, name).await
    }

    async fn list_group_policies(
        &self,
        account: &AccountId,
        group: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        self.read_through(
            name_key(account, group),
            |c| &c.group_policies,
            |c| &mut c.group_policies,
            self.inner.list_group_policies(account, group),
        )
        .await
    }

    async fn delete_group_policy(
        &self,
        account: &AccountId,
        group: &str,
        name: &str,
    ) -> StoreResult<()> {
        let r = self.inner.delete_group_policy(account, group, name).await;
        self.after_write(r)
    }

    async fn create_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()> {
        let r = self.inner.create_account_alias(account, alias).await;
        self.after_write(r)
    }

    async fn list_account_aliases(&self, account: &AccountId) -> StoreResult<Vec<String>> {
        self.inner.list_account_aliases(account).await
    }

    async fn delete_account_alias(&self, account: &AccountId, alias: &str) -> StoreResult<()> {
        let r = self.inner.delete_account_alias(account, alias).await;
        self.after_write(r)
    }
}
