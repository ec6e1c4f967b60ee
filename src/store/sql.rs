//! The SQL store: one body of code over sqlx's Any driver that runs on both
//! embedded SQLite (the default) and PostgreSQL (shared by several nodes).
//!
//! Every write transaction starts by bumping the single change-counter row.
//! That first write takes the database's write lock (SQLite) or the row lock
//! (PostgreSQL), so writes are serialised: the checks a write makes (quota,
//! uniqueness, "already bootstrapped") cannot race with another writer, and a
//! failed write rolls the counter back with everything else.

use std::path::Path;

use async_trait::async_trait;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use sqlx::any::{AnyPoolOptions, AnyRow, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, AnyConnection, AnyPool, Row, SqlSafeStr, Transaction};

use crate::core::arn::AccountId;
use crate::store::{
    AccessKey, InlinePolicy, KeyStatus, OidcProvider, Role, RoleUpdate, SealingKeyRecord, Store,
    StoreError, StoreResult, Tag, User, non_whitespace_len,
};

/// Migrations in order: (version, description, SQLite SQL, PostgreSQL SQL).
/// Append new ones; never edit one that has shipped.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../../migrations/sqlite/0001_init.sql"),
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "attachments",
        include_str!("../../migrations/sqlite/0002_attachments.sql"),
        include_str!("../../migrations/postgres/0002_attachments.sql"),
    ),
    (
        3,
        "identity",
        include_str!("../../migrations/sqlite/0003_identity.sql"),
        include_str!("../../migrations/postgres/0003_identity.sql"),
    ),
    (
        4,
        "managed_policies",
        include_str!("../../migrations/sqlite/0004_managed_policies.sql"),
        include_str!("../../migrations/postgres/0004_managed_policies.sql"),
    ),
    (
        5,
        "saml",
        include_str!("../../migrations/sqlite/0005_saml.sql"),
        include_str!("../../migrations/postgres/0005_saml.sql"),
    ),
    (
        7,
        "sp_key",
        include_str!("../../migrations/sqlite/0007_sp_key.sql"),
        include_str!("../../migrations/postgres/0007_sp_key.sql"),
    ),
];

/// Characters that would end or confuse the path part of an `sqlite://` URL.
const SQLITE_PATH: &AsciiSet = &CONTROLS.add(b'%').add(b'?').add(b'#').add(b' ');

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Backend {
    Sqlite,
    Postgres,
}

pub struct SqlStore {
    pub(super) pool: AnyPool,
    pub(super) backend: Backend,
}

impl SqlStore {
    /// `None` opens (creating it if needed) `data_dir/stsgate.db`;
    /// `postgres://…`/`postgresql://…` connects to PostgreSQL; `sqlite:…` opens
    /// that SQLite database (created if missing). Runs pending migrations.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<SqlStore, StoreError> {
        install_default_drivers();
        let (url, backend) = match database_url {
            None => {
                tokio::fs::create_dir_all(data_dir).await.map_err(|e| {
                    StoreError::Backend(format!(
                        "cannot create data dir {}: {e}",
                        data_dir.display()
                    ))
                })?;
                let path = data_dir.join("stsgate.db");
                let path = path.to_string_lossy();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    utf8_percent_encode(&path, SQLITE_PATH)
                );
                (url, Backend::Sqlite)
            }
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                (url.to_string(), Backend::Postgres)
            }
            Some(url) if url.starts_with("sqlite:") => {
                let url = if url.contains('?') || url.contains(":memory:") {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                };
                (url, Backend::Sqlite)
            }
            Some(url) => {
                // Only the scheme: the URL may carry a password.
                let scheme = url.split(':').next().unwrap_or("");
                return Err(StoreError::Backend(format!(
                    "unsupported database URL scheme {scheme:?} (expected postgres:// or sqlite:)"
                )));
            }
        };
        let max_connections = match backend {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .connect(&url)
            .await
            .map_err(db_err)?;
        if backend == Backend::Sqlite {
            // WAL lets readers proceed during a write; the setting persists in
            // the file. sqlx already sets a 5 s busy timeout and foreign keys.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(db_err)?;
        }
        let store = SqlStore { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Close the pool; later calls fail with `Backend`.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn migrate(&self) -> StoreResult<()> {
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, description, sqlite, postgres)| {
                let sql = match self.backend {
                    Backend::Sqlite => *sqlite,
                    Backend::Postgres => *postgres,
                };
                Migration::new(
                    *version,
                    (*description).into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        let migrator = Migrator::with_migrations(migrations);
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// A transaction that already holds the write lock and has bumped the
    /// change counter (see the module comment).
    pub(super) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("UPDATE change_counter SET value = value + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        Ok(tx)
    }

    /// Run one statement in its own write transaction; `NotFound` when it
    /// touched no row (the entity does not exist), and nothing is committed.
    pub(super) async fn write_one<'q>(
        &self,
        statement: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = statement.execute(&mut *tx).await.map_err(db_err)?;
        not_found_if_none(done.rows_affected())?;
        tx.commit().await.map_err(db_err)
    }
}

pub(super) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::AlreadyExists;
    }
    StoreError::Backend(e.to_string())
}

pub(super) fn key(name: &str) -> String {
    name.to_lowercase()
}

pub(super) fn tags_to_json(tags: &[Tag]) -> String {
    let pairs: Vec<(&str, &str)> = tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

pub(super) fn tags_from_json(s: &str) -> StoreResult<Vec<Tag>> {
    let pairs: Vec<(String, String)> = serde_json::from_str(s)
        .map_err(|e| StoreError::Backend(format!("corrupt tags column: {e}")))?;
    Ok(pairs
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect())
}

pub(super) fn list_to_json(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

pub(super) fn list_from_json(s: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(s).map_err(|e| StoreError::Backend(format!("corrupt list column: {e}")))
}

pub(super) fn account_from(s: &str) -> StoreResult<AccountId> {
    AccountId::parse(s).ok_or_else(|| StoreError::Backend(format!("corrupt account id {s:?}")))
}

pub(super) fn get<'r, T>(row: &'r AnyRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(column).map_err(db_err)
}

const ROLE_COLUMNS: &str = "account_id, name, path, role_id, arn, assume_role_policy, description, \
                            max_session_duration, created, tags, permissions_boundary";

fn role_from(row: &AnyRow) -> StoreResult<Role> {
    Ok(Role {
        account: account_from(&get::<String>(row, "account_id")?)?,
        name: get(row, "name")?,
        path: get(row, "path")?,
        role_id: get(row, "role_id")?,
        arn: get(row, "arn")?,
        assume_role_policy: get(row, "assume_role_policy")?,
        description: get(row, "description")?,
        max_session_duration: get(row, "max_session_duration")?,
        created: get(row, "created")?,
        tags: tags_from_json(&get::<String>(row, "tags")?)?,
        permissions_boundary: get(row, "permissions_boundary")?,
    })
}

pub(super) fn user_from(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        account: account_from(&get::<String>(row, "account_id")?)?,
        name: get(row, "name")?,
        path: get(row, "path")?,
        user_id: get(row, "user_id")?,
        arn: get(row, "arn")?,
        created: get(row, "created")?,
        tags: tags_from_json(&get::<String>(row, "tags")?)?,
        is_admin: get::<i64>(row, "is_admin")? != 0,
        permissions_boundary: get(row, "permissions_boundary")?,
    })
}

pub(super) fn access_key_from(row: &AnyRow) -> StoreResult<AccessKey> {
    let status = match get::<String>(row, "status")?.as_str() {
        "Active" => KeyStatus::Active,
        "Inactive" => KeyStatus::Inactive,
        other => return Err(StoreError::Backend(format!("corrupt key status {other:?}"))),
    };
    Ok(AccessKey {
        access_key_id: get(row, "access_key_id")?,
        account: account_from(&get::<String>(row, "account_id")?)?,
        user_name: get(row, "user_name")?,
        user_id: get(row, "user_id")?,
        secret_sealed: get(row, "secret_sealed")?,
        status,
        created: get(row, "created")?,
    })
}

const OIDC_COLUMNS: &str = "account_id, arn, url, client_ids, thumbprints, created, tags";

fn oidc_from(row: &AnyRow) -> StoreResult<OidcProvider> {
    Ok(OidcProvider {
        account: account_from(&get::<String>(row, "account_id")?)?,
        arn: get(row, "arn")?,
        url: get(row, "url")?,
        client_ids: list_from_json(&get::<String>(row, "client_ids")?)?,
        thumbprints: list_from_json(&get::<String>(row, "thumbprints")?)?,
        created: get(row, "created")?,
        tags: tags_from_json(&get::<String>(row, "tags")?)?,
    })
}

pub(super) fn policy_from(row: &AnyRow) -> StoreResult<InlinePolicy> {
    Ok(InlinePolicy {
        name: get(row, "name")?,
        document: get(row, "document")?,
    })
}

/// The stored name of a role, or `NotFound`.
async fn role_name_in(
    conn: &mut AnyConnection,
    account: &AccountId,
    name: &str,
) -> StoreResult<String> {
    let row = sqlx::query("SELECT name FROM roles WHERE account_id = $1 AND name_key = $2")
        .bind(account.as_str())
        .bind(key(name))
        .fetch_optional(&mut *conn)
        .await
        .map_err(db_err)?;
    match row {
        Some(row) => get(&row, "name"),
        None => Err(StoreError::NotFound),
    }
}

/// `SELECT COUNT(*) …` with text parameters `$1, $2, …`.
pub(super) async fn count_in(
    conn: &mut AnyConnection,
    sql: &str,
    binds: &[&str],
) -> StoreResult<usize> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for b in binds {
        q = q.bind(b.to_string());
    }
    let row = q.fetch_one(&mut *conn).await.map_err(db_err)?;
    let n: i64 = row.try_get(0).map_err(db_err)?;
    Ok(usize::try_from(n).unwrap_or(0))
}

pub(super) fn not_found_if_none(rows_affected: u64) -> StoreResult<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn change_counter(&self) -> StoreResult<i64> {
        let row = sqlx::query("SELECT value FROM change_counter WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        get(&row, "value")
    }

    async fn bootstrap(&self, admin: &User, key_record: &AccessKey) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let accounts = sqlx::query("SELECT COUNT(*) FROM accounts")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let n: i64 = accounts.try_get(0).map_err(db_err)?;
        if n > 0 {
            return Err(StoreError::AlreadyBootstrapped);
        }
        sqlx::query("INSERT INTO accounts (account_id, created) VALUES ($1, $2)")
            .bind(admin.account.as_str())
            .bind(admin.created)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO users (account_id, name_key, name, path, user_id, arn, created, tags, is_admin, \
             permissions_boundary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(admin.account.as_str())
        .bind(key(&admin.name))
        .bind(admin.name.as_str())
        .bind(admin.path.as_str())
        .bind(admin.user_id.as_str())
        .bind(admin.arn.as_str())
        .bind(admin.created)
        .bind(tags_to_json(&admin.tags))
        .bind(i64::from(admin.is_admin))
        .bind(admin.permissions_boundary.clone())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO access_keys (access_key_id, account_id, user_name, user_id, secret_sealed, status, created) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(key_record.access_key_id.as_str())
        .bind(key_record.account.as_str())
        .bind(key_record.user_name.as_str())
        .bind(key_record.user_id.as_str())
        .bind(key_record.secret_sealed.clone())
        .bind(key_record.status.as_str())
        .bind(key_record.created)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO policy_attachments (account_id, entity_kind, entity_key, policy_arn) \
             VALUES ($1, 'user', $2, $3)",
        )
        .bind(admin.account.as_str())
        .bind(key(&admin.name))
        .bind(super::BOOTSTRAP_ADMIN_POLICY)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn accounts(&self) -> StoreResult<Vec<AccountId>> {
        let rows = sqlx::query("SELECT account_id FROM accounts ORDER BY account_id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| account_from(&get::<String>(r, "account_id")?))
            .collect()
    }

    async fn get_user(&self, account: &AccountId, name: &str) -> StoreResult<Option<User>> {
        let row = sqlx::query(
            "SELECT account_id, name, path, user_id, arn, created, tags, is_admin, permissions_boundary \
             FROM users WHERE account_id = $1 AND name_key = $2",
        )
        .bind(account.as_str())
        .bind(key(name))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(user_from).transpose()
    }

    async fn get_access_key(&self, access_key_id: &str) -> StoreResult<Option<AccessKey>> {
        let row = sqlx::query(
            "SELECT access_key_id, account_id, user_name, user_id, secret_sealed, status, created \
             FROM access_keys WHERE access_key_id = $1",
        )
        .bind(access_key_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(access_key_from).transpose()
    }

    async fn create_role(&self, role: &Role, max_roles: usize) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT 1 FROM roles WHERE account_id = $1 AND name_key = $2")
            .bind(role.account.as_str())
            .bind(key(&role.name))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let count = count_in(
            &mut tx,
            "SELECT COUNT(*) FROM roles WHERE account_id = $1",
            &[role.account.as_str()],
        )
        .await?;
        if count >= max_roles {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for RolesPerAccount: {max_roles}"
            )));
        }
        sqlx::query(
            "INSERT INTO roles (account_id, name_key, name, path, role_id, arn, assume_role_policy, description, \
             max_session_duration, created, tags, permissions_boundary) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(role.account.as_str())
        .bind(key(&role.name))
        .bind(role.name.as_str())
        .bind(role.path.as_str())
        .bind(role.role_id.as_str())
        .bind(role.arn.as_str())
        .bind(role.assume_role_policy.as_str())
        .bind(role.description.clone())
        .bind(role.max_session_duration)
        .bind(role.created)
        .bind(tags_to_json(&role.tags))
        .bind(role.permissions_boundary.clone())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_role(&self, account: &AccountId, name: &str) -> StoreResult<Option<Role>> {
        let sql =
            format!("SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = $1 AND name_key = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .bind(key(name))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(role_from).transpose()
    }

    async fn list_roles(&self, account: &AccountId) -> StoreResult<Vec<Role>> {
        let sql =
            format!("SELECT {ROLE_COLUMNS} FROM roles WHERE account_id = $1 ORDER BY name_key");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(role_from).collect()
    }

    async fn count_roles(&self, account: &AccountId) -> StoreResult<usize> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        count_in(
            &mut conn,
            "SELECT COUNT(*) FROM roles WHERE account_id = $1",
            &[account.as_str()],
        )
        .await
    }

    async fn update_role(
        &self,
        account: &AccountId,
        name: &str,
        update: &RoleUpdate,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
                "UPDATE roles SET description = COALESCE($3, description), \
             max_session_duration = COALESCE($4, max_session_duration) \
             WHERE account_id = $1 AND name_key = $2",
            )
            .bind(account.as_str())
            .bind(key(name))
            .bind(update.description.clone())
            .bind(update.max_session_duration),
        )
        .await
    }

    async fn update_assume_role_policy(
        &self,
        account: &AccountId,
        name: &str,
        document: &str,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
                "UPDATE roles SET assume_role_policy = $3 WHERE account_id = $1 AND name_key = $2",
            )
            .bind(account.as_str())
            .bind(key(name))
            .bind(document),
        )
        .await
    }

    async fn set_role_tags(
        &self,
        account: &AccountId,
        name: &str,
        tags: &[Tag],
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query("UPDATE roles SET tags = $3 WHERE account_id = $1 AND name_key = $2")
                .bind(account.as_str())
                .bind(key(name))
                .bind(tags_to_json(tags)),
        )
        .await
    }

    async fn delete_role(&self, account: &AccountId, name: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        role_name_in(&mut tx, account, name).await?;
        let policies = sqlx::query(
            "SELECT COUNT(*) FROM role_policies WHERE account_id = $1 AND role_key = $2",
        )
        .bind(account.as_str())
        .bind(key(name))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let n: i64 = policies.try_get(0).map_err(db_err)?;
        if n > 0 {
            return Err(StoreError::Conflict(
                "Cannot delete entity, must delete policies first.".into(),
            ));
        }
        let attached = sqlx::query(
            "SELECT COUNT(*) FROM policy_attachments \
             WHERE account_id = $1 AND entity_kind = 'role' AND entity_key = $2",
        )
        .bind(account.as_str())
        .bind(key(name))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let n: i64 = attached.try_get(0).map_err(db_err)?;
        if n > 0 {
            return Err(StoreError::Conflict(
                "Cannot delete entity, must detach all policies first.".into(),
            ));
        }
        sqlx::query("DELETE FROM roles WHERE account_id = $1 AND name_key = $2")
            .bind(account.as_str())
            .bind(key(name))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn put_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        policy: &InlinePolicy,
        max_aggregate: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let role_name = role_name_in(&mut tx, account, role).await?;
        let others = sqlx::query(
            "SELECT document FROM role_policies WHERE account_id = $1 AND role_key = $2 AND name_key <> $3",
        )
        .bind(account.as_str())
        .bind(key(role))
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
                "Maximum policy size of {max_aggregate} bytes exceeded for role {role_name}"
            )));
        }
        sqlx::query(
            "DELETE FROM role_policies WHERE account_id = $1 AND role_key = $2 AND name_key = $3",
        )
        .bind(account.as_str())
        .bind(key(role))
        .bind(key(&policy.name))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO role_policies (account_id, role_key, name_key, name, document) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account.as_str())
        .bind(key(role))
        .bind(key(&policy.name))
        .bind(policy.name.as_str())
        .bind(policy.document.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<Option<InlinePolicy>> {
        let row = sqlx::query(
            "SELECT name, document FROM role_policies WHERE account_id = $1 AND role_key = $2 AND name_key = $3",
        )
        .bind(account.as_str())
        .bind(key(role))
        .bind(key(name))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(policy_from).transpose()
    }

    async fn list_role_policies(
        &self,
        account: &AccountId,
        role: &str,
    ) -> StoreResult<Vec<InlinePolicy>> {
        // One connection for both reads; a missing role is NotFound, not an empty list.
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        role_name_in(&mut conn, account, role).await?;
        let rows = sqlx::query(
            "SELECT name, document FROM role_policies WHERE account_id = $1 AND role_key = $2 ORDER BY name_key",
        )
        .bind(account.as_str())
        .bind(key(role))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        rows.iter().map(policy_from).collect()
    }

    async fn delete_role_policy(
        &self,
        account: &AccountId,
        role: &str,
        name: &str,
    ) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
            "DELETE FROM role_policies WHERE account_id = $1 AND role_key = $2 AND name_key = $3",
        )
        .bind(account.as_str())
        .bind(key(role))
        .bind(key(name)),
        )
        .await
    }

    async fn create_oidc_provider(
        &self,
        provider: &OidcProvider,
        max_providers: usize,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT 1 FROM oidc_providers WHERE arn = $1")
            .bind(provider.arn.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let count = count_in(
            &mut tx,
            "SELECT COUNT(*) FROM oidc_providers WHERE account_id = $1",
            &[provider.account.as_str()],
        )
        .await?;
        if count >= max_providers {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for OpenIdConnectProvidersPerAccount: {max_providers}"
            )));
        }
        sqlx::query(
            "INSERT INTO oidc_providers (arn, account_id, url, client_ids, thumbprints, created, tags) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(provider.arn.as_str())
        .bind(provider.account.as_str())
        .bind(provider.url.as_str())
        .bind(list_to_json(&provider.client_ids))
        .bind(list_to_json(&provider.thumbprints))
        .bind(provider.created)
        .bind(tags_to_json(&provider.tags))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_oidc_provider(&self, arn: &str) -> StoreResult<Option<OidcProvider>> {
        let sql = format!("SELECT {OIDC_COLUMNS} FROM oidc_providers WHERE arn = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(oidc_from).transpose()
    }

    async fn list_oidc_providers(&self, account: &AccountId) -> StoreResult<Vec<OidcProvider>> {
        let sql =
            format!("SELECT {OIDC_COLUMNS} FROM oidc_providers WHERE account_id = $1 ORDER BY arn");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(oidc_from).collect()
    }

    async fn update_oidc_provider(&self, provider: &OidcProvider) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
            "UPDATE oidc_providers SET client_ids = $2, thumbprints = $3, tags = $4 WHERE arn = $1",
        )
        .bind(provider.arn.as_str())
        .bind(list_to_json(&provider.client_ids))
        .bind(list_to_json(&provider.thumbprints))
        .bind(tags_to_json(&provider.tags)),
        )
        .await
    }

    async fn delete_oidc_provider(&self, arn: &str) -> StoreResult<()> {
        self.write_one(sqlx::query("DELETE FROM oidc_providers WHERE arn = $1").bind(arn))
            .await
    }

    async fn sealing_keys(&self) -> StoreResult<Vec<SealingKeyRecord>> {
        let rows = sqlx::query(
            "SELECT key_id, sealed_key, created FROM sealing_keys ORDER BY created, key_id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|row| {
                Ok(SealingKeyRecord {
                    key_id: get(row, "key_id")?,
                    sealed_key: get(row, "sealed_key")?,
                    created: get(row, "created")?,
                })
            })
            .collect()
    }

    async fn add_sealing_key(&self, record: &SealingKeyRecord) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO sealing_keys (key_id, sealed_key, created) VALUES ($1, $2, $3)")
            .bind(record.key_id.as_str())
            .bind(record.sealed_key.clone())
            .bind(record.created)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }
}
