//! Managed policies, their versions, and attachments to users, groups and roles.
//!
//! Customer managed policies live in `managed_policies` / `policy_versions`.
//! AWS managed policies (`arn:aws:iam::aws:policy/…`) are code, not rows: the
//! store accepts their ARNs in attachments and boundaries without a lookup,
//! and the action layer checks them against the catalogue.

use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::cached::{CachedStore, NameKey};
use super::sql::{
    SqlStore, account_from, db_err, get, key, not_found_if_none, tags_from_json, tags_to_json,
};
use super::{StoreError, StoreResult, Tag};
use crate::core::arn::AccountId;
use crate::core::time::Epoch;

/// A customer managed policy (without its documents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedPolicy {
    pub account: AccountId,
    pub arn: String,
    pub name: String,
    pub path: String,
    pub policy_id: String,
    pub default_version_id: String,
    pub description: Option<String>,
    pub created: Epoch,
    /// When the default version last changed.
    pub updated: Epoch,
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version_id: String,
    pub document: String,
    pub is_default: bool,
    pub created: Epoch,
}

/// What a managed policy can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    User,
    Group,
    Role,
}

impl EntityKind {
    /// The `policy_attachments.entity_kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Group => "group",
            EntityKind::Role => "role",
        }
    }

    fn table(self) -> &'static str {
        match self {
            EntityKind::User => "users",
            EntityKind::Group => "iam_groups",
            EntityKind::Role => "roles",
        }
    }

    fn id_column(self) -> &'static str {
        match self {
            EntityKind::User => "user_id",
            EntityKind::Group => "group_id",
            EntityKind::Role => "role_id",
        }
    }
}

/// How an entity uses a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyUse {
    /// Attached as a permissions policy.
    Attached,
    /// Set as the entity's permissions boundary.
    Boundary,
}

/// One entity using a policy (ListEntitiesForPolicy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEntity {
    pub kind: EntityKind,
    pub name: String,
    pub id: String,
    pub path: String,
    pub usage: PolicyUse,
}

/// How often one policy is used in an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyUsage {
    pub attachments: usize,
    pub boundaries: usize,
}

#[async_trait]
pub trait PolicyStore: Send + Sync {
    /// Create the policy with `document` as its default version `v1`.
    /// `AlreadyExists` for a name taken in the account (case-insensitive),
    /// `Limit` past `max_policies` customer policies in the account.
    async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
        max_policies: usize,
    ) -> StoreResult<()>;
    async fn get_policy(&self, arn: &str) -> StoreResult<Option<ManagedPolicy>>;
    /// The account's customer policies ordered by name (case-insensitive).
    async fn list_policies(&self, account: &AccountId) -> StoreResult<Vec<ManagedPolicy>>;
    /// `Conflict` while attached, used as a boundary, or with non-default versions.
    async fn delete_policy(&self, arn: &str) -> StoreResult<()>;

    /// A new version numbered past every version the policy ever had.
    /// `Limit` when the policy already has `max_versions`.
    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_default: bool,
        now: Epoch,
        max_versions: usize,
    ) -> StoreResult<PolicyVersion>;
    async fn get_policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<Option<PolicyVersion>>;
    /// Newest first; `NotFound` for an unknown policy.
    async fn list_policy_versions(&self, arn: &str) -> StoreResult<Vec<PolicyVersion>>;
    /// `Conflict` for the default version, `NotFound` for an unknown one.
    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> StoreResult<()>;
    async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        now: Epoch,
    ) -> StoreResult<()>;
    /// The document of the policy's default version (authorization reads this).
    async fn default_document(&self, arn: &str) -> StoreResult<Option<String>>;

    /// Attach `policy_arn` to the entity; attaching twice is a no-op.
    /// `NotFound` when the entity (or a customer policy) does not exist,
    /// `Limit` past `max_attached` policies on the entity.
    async fn attach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
        max_attached: usize,
    ) -> StoreResult<()>;
    /// `NotFound` when the entity does not exist; `Ok(false)` when the policy
    /// was not attached to it.
    async fn detach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
    ) -> StoreResult<bool>;
    /// ARNs attached to the entity, sorted; `NotFound` for an unknown entity.
    async fn list_attached_policies(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
    ) -> StoreResult<Vec<String>>;
    /// Users, groups and roles of the account that attach the policy or use
    /// it as their permissions boundary.
    async fn list_entities_for_policy(
        &self,
        account: &AccountId,
        policy_arn: &str,
    ) -> StoreResult<Vec<PolicyEntity>>;
    /// Attachment and boundary counts of every policy used in the account.
    async fn policy_usage(&self, account: &AccountId) -> StoreResult<HashMap<String, PolicyUsage>>;
    /// Set or clear the permissions boundary of a user or role (`Group` is
    /// refused with `Backend`). `NotFound` for an unknown entity or customer policy.
    async fn set_permissions_boundary(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: Option<&str>,
    ) -> StoreResult<()>;
}

const POLICY_COLUMNS: &str = "account_id, arn, name, path, policy_id, default_version_id, \
                              description, created, updated, tags";

fn policy_from(row: &AnyRow) -> StoreResult<ManagedPolicy> {
    Ok(ManagedPolicy {
        account: account_from(&get::<String>(row, "account_id")?)?,
        arn: get(row, "arn")?,
        name: get(row, "name")?,
        path: get(row, "path")?,
        policy_id: get(row, "policy_id")?,
        default_version_id: get(row, "default_version_id")?,
        description: get(row, "description")?,
        created: get(row, "created")?,
        updated: get(row, "updated")?,
        tags: tags_from_json(&get::<String>(row, "tags")?)?,
    })
}

fn version_from(row: &AnyRow, default_version: &str) -> StoreResult<PolicyVersion> {
    let version_id: String = get(row, "version_id")?;
    Ok(PolicyVersion {
        is_default: version_id == default_version,
        version_id,
        document: get(row, "document")?,
        created: get(row, "created")?,
    })
}

/// AWS managed policies are not rows; everything else must be one.
fn is_aws_managed(arn: &str) -> bool {
    arn.starts_with("arn:aws:iam::aws:policy/")
}

fn count(row: &AnyRow) -> StoreResult<usize> {
    let n: i64 = row.try_get(0).map_err(db_err)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// (default version id, next version number) of a customer policy, or `NotFound`.
async fn policy_state(conn: &mut AnyConnection, arn: &str) -> StoreResult<(String, i64)> {
    let row =
        sqlx::query("SELECT default_version_id, next_version FROM managed_policies WHERE arn = $1")
            .bind(arn)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_err)?
            .ok_or(StoreError::NotFound)?;
    Ok((get(&row, "default_version_id")?, get(&row, "next_version")?))
}

async fn entity_exists(
    conn: &mut AnyConnection,
    account: &AccountId,
    kind: EntityKind,
    name: &str,
) -> StoreResult<()> {
    let sql = format!(
        "SELECT 1 FROM {} WHERE account_id = $1 AND name_key = $2",
        kind.table()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account.as_str())
        .bind(key(name))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    row.map(|_| ()).ok_or(StoreError::NotFound)
}

async fn customer_policy_exists(conn: &mut AnyConnection, arn: &str) -> StoreResult<()> {
    if is_aws_managed(arn) {
        return Ok(());
    }
    policy_state(conn, arn).await.map(|_| ())
}

#[async_trait]
impl PolicyStore for SqlStore {
    async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
        max_policies: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let taken =
            sqlx::query("SELECT 1 FROM managed_policies WHERE account_id = $1 AND name_key = $2")
                .bind(policy.account.as_str())
                .bind(key(&policy.name))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let n = sqlx::query("SELECT COUNT(*) FROM managed_policies WHERE account_id = $1")
            .bind(policy.account.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if count(&n)? >= max_policies {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for PoliciesPerAccount: {max_policies}"
            )));
        }
        sqlx::query(
            "INSERT INTO managed_policies (arn, account_id, name_key, name, path, policy_id, \
             default_version_id, next_version, description, created, updated, tags) \
             VALUES ($1, $2, $3, $4, $5, $6, 'v1', 2, $7, $8, $9, $10)",
        )
        .bind(policy.arn.as_str())
        .bind(policy.account.as_str())
        .bind(key(&policy.name))
        .bind(policy.name.as_str())
        .bind(policy.path.as_str())
        .bind(policy.policy_id.as_str())
        .bind(policy.description.clone())
        .bind(policy.created)
        .bind(policy.updated)
        .bind(tags_to_json(&policy.tags))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO policy_versions (policy_arn, version_id, version_num, document, created) \
             VALUES ($1, 'v1', 1, $2, $3)",
        )
        .bind(policy.arn.as_str())
        .bind(document)
        .bind(policy.created)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_policy(&self, arn: &str) -> StoreResult<Option<ManagedPolicy>> {
        let sql = format!("SELECT {POLICY_COLUMNS} FROM managed_policies WHERE arn = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(policy_from).transpose()
    }

    async fn list_policies(&self, account: &AccountId) -> StoreResult<Vec<ManagedPolicy>> {
        let sql = format!(
            "SELECT {POLICY_COLUMNS} FROM managed_policies WHERE account_id = $1 ORDER BY name_key"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(policy_from).collect()
    }

    async fn delete_policy(&self, arn: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        policy_state(&mut tx, arn).await?;
        let attached = sqlx::query("SELECT COUNT(*) FROM policy_attachments WHERE policy_arn = $1")
            .bind(arn)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let boundaries = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM users WHERE permissions_boundary = $1) \
             + (SELECT COUNT(*) FROM roles WHERE permissions_boundary = $1)",
        )
        .bind(arn)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if count(&attached)? > 0 || count(&boundaries)? > 0 {
            return Err(StoreError::Conflict(
                "Cannot delete a policy attached to entities.".into(),
            ));
        }
        let versions = sqlx::query("SELECT COUNT(*) FROM policy_versions WHERE policy_arn = $1")
            .bind(arn)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if count(&versions)? > 1 {
            return Err(StoreError::Conflict(
                "This policy has more than one version. Before you delete a policy, you must \
                 delete the policy's versions. The default version is deleted with the policy."
                    .into(),
            ));
        }
        sqlx::query("DELETE FROM policy_versions WHERE policy_arn = $1")
            .bind(arn)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM managed_policies WHERE arn = $1")
            .bind(arn)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_default: bool,
        now: Epoch,
        max_versions: usize,
    ) -> StoreResult<PolicyVersion> {
        let mut tx = self.begin_write().await?;
        let (_, next) = policy_state(&mut tx, arn).await?;
        let n = sqlx::query("SELECT COUNT(*) FROM policy_versions WHERE policy_arn = $1")
            .bind(arn)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if count(&n)? >= max_versions {
            return Err(StoreError::Limit(format!(
                "A managed policy can have up to {max_versions} versions. Before you create a \
                 new version, you must delete an existing version."
            )));
        }
        let version_id = format!("v{next}");
        sqlx::query(
            "INSERT INTO policy_versions (policy_arn, version_id, version_num, document, created) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(arn)
        .bind(version_id.as_str())
        .bind(next)
        .bind(document)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if set_default {
            sqlx::query(
                "UPDATE managed_policies SET next_version = $2, default_version_id = $3, \
                 updated = $4 WHERE arn = $1",
            )
            .bind(arn)
            .bind(next + 1)
            .bind(version_id.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        } else {
            sqlx::query("UPDATE managed_policies SET next_version = $2 WHERE arn = $1")
                .bind(arn)
                .bind(next + 1)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(PolicyVersion {
            version_id,
            document: document.to_string(),
            is_default: set_default,
            created: now,
        })
    }

    async fn get_policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<Option<PolicyVersion>> {
        let row = sqlx::query(
            "SELECT v.version_id, v.document, v.created, p.default_version_id \
             FROM policy_versions v JOIN managed_policies p ON p.arn = v.policy_arn \
             WHERE v.policy_arn = $1 AND v.version_id = $2",
        )
        .bind(arn)
        .bind(version_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        match row {
            Some(row) => {
                let default: String = get(&row, "default_version_id")?;
                version_from(&row, &default).map(Some)
            }
            None => Ok(None),
        }
    }

    async fn list_policy_versions(&self, arn: &str) -> StoreResult<Vec<PolicyVersion>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        let (default, _) = policy_state(&mut conn, arn).await?;
        let rows = sqlx::query(
            "SELECT version_id, document, created FROM policy_versions WHERE policy_arn = $1 \
             ORDER BY version_num DESC",
        )
        .bind(arn)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| version_from(r, &default)).collect()
    }

    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let (default, _) = policy_state(&mut tx, arn).await?;
        if default == version_id {
            return Err(StoreError::Conflict(
                "Cannot delete the default version of a policy.".into(),
            ));
        }
        let done =
            sqlx::query("DELETE FROM policy_versions WHERE policy_arn = $1 AND version_id = $2")
                .bind(arn)
                .bind(version_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        not_found_if_none(done.rows_affected())?;
        tx.commit().await.map_err(db_err)
    }

    async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        now: Epoch,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        policy_state(&mut tx, arn).await?;
        let exists =
            sqlx::query("SELECT 1 FROM policy_versions WHERE policy_arn = $1 AND version_id = $2")
                .bind(arn)
                .bind(version_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "UPDATE managed_policies SET default_version_id = $2, updated = $3 WHERE arn = $1",
        )
        .bind(arn)
        .bind(version_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn default_document(&self, arn: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT v.document FROM managed_policies p JOIN policy_versions v \
             ON v.policy_arn = p.arn AND v.version_id = p.default_version_id WHERE p.arn = $1",
        )
        .bind(arn)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| get(&r, "document")).transpose()
    }

    async fn attach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
        max_attached: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        entity_exists(&mut tx, account, kind, entity).await?;
        customer_policy_exists(&mut tx, policy_arn).await?;
        let attached: Vec<String> = sqlx::query(
            "SELECT policy_arn FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = $2 AND entity_key = $3",
        )
        .bind(account.as_str())
        .bind(kind.as_str())
        .bind(key(entity))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| get(r, "policy_arn"))
        .collect::<StoreResult<_>>()?;
        if attached.iter().any(|a| a == policy_arn) {
            return Ok(());
        }
        if attached.len() >= max_attached {
            let quota = match kind {
                EntityKind::User => "PoliciesPerUser",
                EntityKind::Group => "PoliciesPerGroup",
                EntityKind::Role => "PoliciesPerRole",
            };
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for {quota}: {max_attached}"
            )));
        }
        sqlx::query(
            "INSERT INTO policy_attachments (account_id, entity_kind, entity_key, policy_arn) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(account.as_str())
        .bind(kind.as_str())
        .bind(key(entity))
        .bind(policy_arn)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn detach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        entity_exists(&mut tx, account, kind, entity).await?;
        let done = sqlx::query(
            "DELETE FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = $2 AND entity_key = $3 AND policy_arn = $4",
        )
        .bind(account.as_str())
        .bind(kind.as_str())
        .bind(key(entity))
        .bind(policy_arn)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn list_attached_policies(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
    ) -> StoreResult<Vec<String>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        entity_exists(&mut conn, account, kind, entity).await?;
        let rows = sqlx::query(
            "SELECT policy_arn FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = $2 AND entity_key = $3 ORDER BY policy_arn",
        )
        .bind(account.as_str())
        .bind(kind.as_str())
        .bind(key(entity))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| get(r, "policy_arn")).collect()
    }

    async fn list_entities_for_policy(
        &self,
        account: &AccountId,
        policy_arn: &str,
    ) -> StoreResult<Vec<PolicyEntity>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        let mut out = Vec::new();
        for kind in [EntityKind::Group, EntityKind::User, EntityKind::Role] {
            let (table, id) = (kind.table(), kind.id_column());
            let sql = format!(
                "SELECT e.name, e.path, e.{id} AS id FROM policy_attachments a JOIN {table} e \
                 ON e.account_id = a.account_id AND e.name_key = a.entity_key \
                 WHERE a.account_id = $1 AND a.entity_kind = $2 AND a.policy_arn = $3 \
                 ORDER BY e.name_key"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(account.as_str())
                .bind(kind.as_str())
                .bind(policy_arn)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
            for r in &rows {
                out.push(entity_from(r, kind, PolicyUse::Attached)?);
            }
            if kind == EntityKind::Group {
                continue;
            }
            let sql = format!(
                "SELECT name, path, {id} AS id FROM {table} \
                 WHERE account_id = $1 AND permissions_boundary = $2 ORDER BY name_key"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(account.as_str())
                .bind(policy_arn)
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
            for r in &rows {
                out.push(entity_from(r, kind, PolicyUse::Boundary)?);
            }
        }
        Ok(out)
    }

    async fn policy_usage(&self, account: &AccountId) -> StoreResult<HashMap<String, PolicyUsage>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        let mut usage: HashMap<String, PolicyUsage> = HashMap::new();
        let rows = sqlx::query(
            "SELECT policy_arn, COUNT(*) AS n FROM policy_attachments WHERE account_id = $1 \
             GROUP BY policy_arn",
        )
        .bind(account.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        for r in &rows {
            let n: i64 = get(r, "n")?;
            usage.entry(get(r, "policy_arn")?).or_default().attachments =
                usize::try_from(n).unwrap_or(0);
        }
        for table in ["users", "roles"] {
            let sql = format!(
                "SELECT permissions_boundary AS arn, COUNT(*) AS n FROM {table} \
                 WHERE account_id = $1 AND permissions_boundary IS NOT NULL \
                 GROUP BY permissions_boundary"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(account.as_str())
                .fetch_all(&mut *conn)
                .await
                .map_err(db_err)?;
            for r in &rows {
                let n: i64 = get(r, "n")?;
                usage.entry(get(r, "arn")?).or_default().boundaries +=
                    usize::try_from(n).unwrap_or(0);
            }
        }
        Ok(usage)
    }

    async fn set_permissions_boundary(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: Option<&str>,
    ) -> StoreResult<()> {
        if kind == EntityKind::Group {
            return Err(StoreError::Backend(
                "groups have no permissions boundary".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        if let Some(arn) = policy_arn {
            customer_policy_exists(&mut tx, arn).await?;
        }
        let sql = format!(
            "UPDATE {} SET permissions_boundary = $3 WHERE account_id = $1 AND name_key = $2",
            kind.table()
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(entity))
            .bind(policy_arn.map(str::to_string))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        not_found_if_none(done.rows_affected())?;
        tx.commit().await.map_err(db_err)
    }
}

fn entity_from(row: &AnyRow, kind: EntityKind, usage: PolicyUse) -> StoreResult<PolicyEntity> {
    Ok(PolicyEntity {
        kind,
        name: get(row, "name")?,
        id: get(row, "id")?,
        path: get(row, "path")?,
        usage,
    })
}

/// Cached policy reads: the default documents and attachment lists the
/// authorizer needs on every request. Cleared with every other cache.
#[derive(Default)]
pub(super) struct PolicyCaches {
    documents: HashMap<String, Option<String>>,
    attached: HashMap<(NameKey, EntityKind), Vec<String>>,
}

impl PolicyCaches {
    pub(super) fn clear(&mut self) {
        self.documents.clear();
        self.attached.clear();
    }
}

/// Past this many entries a map is cleared before inserting (as in `cached.rs`).
const MAX_CACHED: usize = 10_000;

fn bounded<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, k: K, v: V) {
    if map.len() >= MAX_CACHED {
        map.clear();
    }
    map.insert(k, v);
}

#[async_trait]
impl PolicyStore for CachedStore {
    async fn create_policy(
        &self,
        policy: &ManagedPolicy,
        document: &str,
        max_policies: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .create_policy(policy, document, max_policies)
            .await;
        self.after_write(r)
    }

    async fn get_policy(&self, arn: &str) -> StoreResult<Option<ManagedPolicy>> {
        self.inner.get_policy(arn).await
    }

    async fn list_policies(&self, account: &AccountId) -> StoreResult<Vec<ManagedPolicy>> {
        self.inner.list_policies(account).await
    }

    async fn delete_policy(&self, arn: &str) -> StoreResult<()> {
        let r = self.inner.delete_policy(arn).await;
        self.after_write(r)
    }

    async fn create_policy_version(
        &self,
        arn: &str,
        document: &str,
        set_default: bool,
        now: Epoch,
        max_versions: usize,
    ) -> StoreResult<PolicyVersion> {
        let r = self
            .inner
            .create_policy_version(arn, document, set_default, now, max_versions)
            .await;
        self.after_write(r)
    }

    async fn get_policy_version(
        &self,
        arn: &str,
        version_id: &str,
    ) -> StoreResult<Option<PolicyVersion>> {
        self.inner.get_policy_version(arn, version_id).await
    }

    async fn list_policy_versions(&self, arn: &str) -> StoreResult<Vec<PolicyVersion>> {
        self.inner.list_policy_versions(arn).await
    }

    async fn delete_policy_version(&self, arn: &str, version_id: &str) -> StoreResult<()> {
        let r = self.inner.delete_policy_version(arn, version_id).await;
        self.after_write(r)
    }

    async fn set_default_policy_version(
        &self,
        arn: &str,
        version_id: &str,
        now: Epoch,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .set_default_policy_version(arn, version_id, now)
            .await;
        self.after_write(r)
    }

    async fn default_document(&self, arn: &str) -> StoreResult<Option<String>> {
        if let Some(hit) = self.read().policies.documents.get(arn) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let doc = self.inner.default_document(arn).await?;
        self.fill(generation, |c| {
            bounded(&mut c.policies.documents, arn.to_string(), doc.clone())
        });
        Ok(doc)
    }

    async fn attach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
        max_attached: usize,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .attach_policy(account, kind, entity, policy_arn, max_attached)
            .await;
        self.after_write(r)
    }

    async fn detach_policy(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: &str,
    ) -> StoreResult<bool> {
        let r = self
            .inner
            .detach_policy(account, kind, entity, policy_arn)
            .await;
        self.after_write(r)
    }

    async fn list_attached_policies(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
    ) -> StoreResult<Vec<String>> {
        let k = ((account.clone(), entity.to_lowercase()), kind);
        if let Some(hit) = self.read().policies.attached.get(&k) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let arns = self
            .inner
            .list_attached_policies(account, kind, entity)
            .await?;
        self.fill(generation, |c| {
            bounded(&mut c.policies.attached, k, arns.clone())
        });
        Ok(arns)
    }

    async fn list_entities_for_policy(
        &self,
        account: &AccountId,
        policy_arn: &str,
    ) -> StoreResult<Vec<PolicyEntity>> {
        self.inner
            .list_entities_for_policy(account, policy_arn)
            .await
    }

    async fn policy_usage(&self, account: &AccountId) -> StoreResult<HashMap<String, PolicyUsage>> {
        self.inner.policy_usage(account).await
    }

    async fn set_permissions_boundary(
        &self,
        account: &AccountId,
        kind: EntityKind,
        entity: &str,
        policy_arn: Option<&str>,
    ) -> StoreResult<()> {
        let r = self
            .inner
            .set_permissions_boundary(account, kind, entity, policy_arn)
            .await;
        self.after_write(r)
    }
}
