//! SAML providers and the assertion replay cache.

use async_trait::async_trait;
use sqlx::any::AnyRow;

use super::cached::{CachedStore, bounded_insert};
use super::sql::{
    SqlStore, account_from, count_in, db_err, get, list_from_json, list_to_json, tags_from_json,
    tags_to_json,
};
use super::{StoreError, StoreResult, Tag};
use crate::core::arn::AccountId;
use crate::core::time::Epoch;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamlProvider {
    pub account: AccountId,
    pub arn: String,
    pub name: String,
    pub metadata: String,
    pub entity_id: String,
    /// Signing certificates, base64 DER as in the metadata.
    pub certs: Vec<String>,
    pub valid_until: Epoch,
    pub created: Epoch,
    pub tags: Vec<Tag>,
    pub encryption_mode: String,
    /// Assertion-decryption keys (at most two), sealed under the master key.
    pub private_keys: Vec<SamlPrivateKey>,
    pub allow_sha1: bool,
    /// Let the API redeem one assertion more than once within its validity.
    pub allow_reuse: bool,
}

/// stsgate's own SP signing key (PKCS#8, sealed under the master key) and
/// its certificate (base64 DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpKeyRecord {
    pub sealed_key: Vec<u8>,
    pub cert: String,
    pub created: Epoch,
}

/// One assertion-decryption key: PKCS#8 DER sealed with the master key
/// (AAD = `provider ARN` + `/` + key id), base64 in the JSON column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SamlPrivateKey {
    pub key_id: String,
    pub created: Epoch,
    pub sealed: String,
}

impl SamlPrivateKey {
    /// The additional authenticated data its sealed key is bound to.
    pub fn aad(provider_arn: &str, key_id: &str) -> Vec<u8> {
        format!("{provider_arn}/{key_id}").into_bytes()
    }
}

fn keys_to_json(keys: &[SamlPrivateKey]) -> String {
    serde_json::to_string(keys).unwrap_or_else(|_| "[]".to_string())
}

fn keys_from_json(text: &str) -> StoreResult<Vec<SamlPrivateKey>> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Backend(format!("bad private_keys column: {e}")))
}

#[async_trait]
pub trait SamlStore: Send + Sync {
    async fn sp_signing_key(&self) -> StoreResult<Option<SpKeyRecord>>;
    /// Store the SP key unless one exists (the first node to create one
    /// wins); callers read it back with `sp_signing_key`.
    async fn add_sp_signing_key(&self, key: &SpKeyRecord) -> StoreResult<()>;
    async fn create_saml_provider(&self, p: &SamlProvider, max: usize) -> StoreResult<()>;
    async fn get_saml_provider(&self, arn: &str) -> StoreResult<Option<SamlProvider>>;
    async fn list_saml_providers(&self, account: &AccountId) -> StoreResult<Vec<SamlProvider>>;
    async fn update_saml_provider(&self, p: &SamlProvider) -> StoreResult<()>;
    async fn delete_saml_provider(&self, arn: &str) -> StoreResult<()>;
    /// Record a redeemed assertion. `true` when it was not seen before; one
    /// statement, so two nodes racing on the same assertion cannot both win.
    /// Expired entries are pruned on the way.
    async fn record_assertion(
        &self,
        provider_arn: &str,
        assertion_id: &str,
        expires: Epoch,
        now: Epoch,
    ) -> StoreResult<bool>;
}

const COLUMNS: &str = "account_id, arn, name, metadata, entity_id, certs, valid_until, created, tags, encryption_mode, private_keys, allow_sha1, allow_reuse";

fn provider_from(row: &AnyRow) -> StoreResult<SamlProvider> {
    Ok(SamlProvider {
        account: account_from(&get::<String>(row, "account_id")?)?,
        arn: get(row, "arn")?,
        name: get(row, "name")?,
        metadata: get(row, "metadata")?,
        entity_id: get(row, "entity_id")?,
        certs: list_from_json(&get::<String>(row, "certs")?)?,
        valid_until: get(row, "valid_until")?,
        created: get(row, "created")?,
        tags: tags_from_json(&get::<String>(row, "tags")?)?,
        encryption_mode: get(row, "encryption_mode")?,
        private_keys: keys_from_json(&get::<String>(row, "private_keys")?)?,
        allow_sha1: get::<i64>(row, "allow_sha1")? != 0,
        allow_reuse: get::<i64>(row, "allow_reuse")? != 0,
    })
}

#[async_trait]
impl SamlStore for SqlStore {
    async fn sp_signing_key(&self) -> StoreResult<Option<SpKeyRecord>> {
        let row = sqlx::query("SELECT sealed_key, cert, created FROM sp_signing_key WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|row| {
            Ok(SpKeyRecord {
                sealed_key: get(&row, "sealed_key")?,
                cert: get(&row, "cert")?,
                created: get(&row, "created")?,
            })
        })
        .transpose()
    }

    async fn add_sp_signing_key(&self, key: &SpKeyRecord) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sp_signing_key (id, sealed_key, cert, created) VALUES (1, $1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(key.sealed_key.clone())
        .bind(key.cert.as_str())
        .bind(key.created)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn create_saml_provider(&self, p: &SamlProvider, max: usize) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT 1 FROM saml_providers WHERE arn = $1")
            .bind(p.arn.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if taken.is_some() {
            return Err(StoreError::AlreadyExists);
        }
        let count = count_in(
            &mut tx,
            "SELECT COUNT(*) FROM saml_providers WHERE account_id = $1",
            &[p.account.as_str()],
        )
        .await?;
        if count >= max {
            return Err(StoreError::Limit(format!(
                "Cannot exceed quota for SAMLProvidersPerAccount: {max}"
            )));
        }
        sqlx::query(
            "INSERT INTO saml_providers (account_id, arn, name, metadata, entity_id, certs, valid_until, created, tags, encryption_mode, private_keys, allow_sha1, allow_reuse) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(p.account.as_str())
        .bind(p.arn.as_str())
        .bind(p.name.as_str())
        .bind(p.metadata.as_str())
        .bind(p.entity_id.as_str())
        .bind(list_to_json(&p.certs))
        .bind(p.valid_until)
        .bind(p.created)
        .bind(tags_to_json(&p.tags))
        .bind(p.encryption_mode.as_str())
        .bind(keys_to_json(&p.private_keys))
        .bind(i64::from(p.allow_sha1))
        .bind(i64::from(p.allow_reuse))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_saml_provider(&self, arn: &str) -> StoreResult<Option<SamlProvider>> {
        let sql = format!("SELECT {COLUMNS} FROM saml_providers WHERE arn = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(arn)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(provider_from).transpose()
    }

    async fn list_saml_providers(&self, account: &AccountId) -> StoreResult<Vec<SamlProvider>> {
        let sql =
            format!("SELECT {COLUMNS} FROM saml_providers WHERE account_id = $1 ORDER BY arn");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(provider_from).collect()
    }

    async fn update_saml_provider(&self, p: &SamlProvider) -> StoreResult<()> {
        self.write_one(
            sqlx::query(
            "UPDATE saml_providers SET metadata = $2, entity_id = $3, certs = $4, valid_until = $5, tags = $6, \
             encryption_mode = $7, private_keys = $8, allow_sha1 = $9, allow_reuse = $10 WHERE arn = $1",
        )
        .bind(p.arn.as_str())
        .bind(p.metadata.as_str())
        .bind(p.entity_id.as_str())
        .bind(list_to_json(&p.certs))
        .bind(p.valid_until)
        .bind(tags_to_json(&p.tags))
        .bind(p.encryption_mode.as_str())
        .bind(keys_to_json(&p.private_keys))
        .bind(i64::from(p.allow_sha1))
        .bind(i64::from(p.allow_reuse)),
        )
        .await
    }

    async fn delete_saml_provider(&self, arn: &str) -> StoreResult<()> {
        self.write_one(sqlx::query("DELETE FROM saml_providers WHERE arn = $1").bind(arn))
            .await
    }

    async fn record_assertion(
        &self,
        provider_arn: &str,
        assertion_id: &str,
        expires: Epoch,
        now: Epoch,
    ) -> StoreResult<bool> {
        // Not a change to cached data: no change-counter bump, so redeeming
        // assertions does not flush every node's cache.
        sqlx::query("DELETE FROM saml_replay WHERE expires < $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        let done = sqlx::query(
            "INSERT INTO saml_replay (provider_arn, assertion_id, expires) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
        )
        .bind(provider_arn)
        .bind(assertion_id)
        .bind(expires)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }
}

// Providers are read on every AssumeRoleWithSAML and cached like OIDC
// providers; other nodes see a change once the invalidation poll runs.
#[async_trait]
impl SamlStore for CachedStore {
    // Read once per node and kept by the web layer: not cached here.
    async fn sp_signing_key(&self) -> StoreResult<Option<SpKeyRecord>> {
        self.inner.sp_signing_key().await
    }

    async fn add_sp_signing_key(&self, key: &SpKeyRecord) -> StoreResult<()> {
        let r = self.inner.add_sp_signing_key(key).await;
        self.after_write(r)
    }

    async fn create_saml_provider(&self, p: &SamlProvider, max: usize) -> StoreResult<()> {
        let r = self.inner.create_saml_provider(p, max).await;
        self.after_write(r)
    }

    async fn get_saml_provider(&self, arn: &str) -> StoreResult<Option<SamlProvider>> {
        if let Some(hit) = self.read().saml_providers.get(arn) {
            return Ok(hit.clone());
        }
        let generation = self.generation();
        let found = self.inner.get_saml_provider(arn).await?;
        self.fill(generation, |c| {
            bounded_insert(&mut c.saml_providers, arn.to_string(), found.clone())
        });
        Ok(found)
    }

    async fn list_saml_providers(&self, account: &AccountId) -> StoreResult<Vec<SamlProvider>> {
        self.inner.list_saml_providers(account).await
    }

    async fn update_saml_provider(&self, p: &SamlProvider) -> StoreResult<()> {
        let r = self.inner.update_saml_provider(p).await;
        self.after_write(r)
    }

    async fn delete_saml_provider(&self, arn: &str) -> StoreResult<()> {
        let r = self.inner.delete_saml_provider(arn).await;
        self.after_write(r)
    }

    async fn record_assertion(
        &self,
        provider_arn: &str,
        assertion_id: &str,
        expires: Epoch,
        now: Epoch,
    ) -> StoreResult<bool> {
        self.inner
            .record_assertion(provider_arn, assertion_id, expires, now)
            .await
    }
}
