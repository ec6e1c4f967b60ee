//! Shared test helpers: fresh databases for every backend the machine offers.
//!
//! `backends()` always yields an SQLite store in a fresh temp dir and, when
//! `STSGATE_TEST_DATABASE_URL` points at a PostgreSQL server, a fresh
//! database on it. Tests loop over them so every behaviour is checked on both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use stsgate::store::Store;
use stsgate::store::sql::SqlStore;

pub const DATABASE_URL_ENV: &str = "STSGATE_TEST_DATABASE_URL";

/// A process-unique lower-case suffix for temp dirs and database names.
pub fn unique_suffix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{:x}_{}",
        std::process::id(),
        nanos,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// One fresh, empty database.
pub struct TestDb {
    /// "sqlite" or "postgres", for assertion messages.
    pub backend: &'static str,
    /// What to pass as `--database-url`: `None` means SQLite in `dir`.
    pub url: Option<String>,
    /// A fresh data dir (also created for Postgres, which ignores it).
    pub dir: PathBuf,
    /// Postgres only: server URL to drop the database through, and its name.
    admin: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("stsgate-test-{}", unique_suffix()));
        TestDb {
            backend: "sqlite",
            url: None,
            dir,
            admin: None,
        }
    }

    /// A new database `stsgate_t_<random>` on the server behind `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestDb {
        let name = format!("stsgate_t_{}", unique_suffix());
        let mut conn = PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {DATABASE_URL_ENV}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let dir = std::env::temp_dir().join(format!("stsgate-test-{}", unique_suffix()));
        TestDb {
            backend: "postgres",
            url: Some(with_database(admin_url, &name)),
            dir,
            admin: Some((admin_url.to_string(), name)),
        }
    }

    pub async fn open_sql(&self) -> Arc<SqlStore> {
        let store = SqlStore::open(self.url.as_deref(), &self.dir)
            .await
            .unwrap_or_else(|e| panic!("open {} store: {e}", self.backend));
        Arc::new(store)
    }

    pub async fn open_store(&self) -> Arc<dyn Store> {
        self.open_sql().await
    }

    /// Drop the database (Postgres) and remove the data dir.
    pub async fn cleanup(self) {
        if let Some((admin_url, name)) = &self.admin
            && let Ok(mut conn) = PgConnection::connect(admin_url).await
        {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await
            .ok();
            conn.close().await.ok();
        }
        tokio::fs::remove_dir_all(&self.dir).await.ok();
    }
}

/// `postgres://user@host:port/db?opts` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    match query {
        Some(q) => format!("{scheme}://{authority}/{name}?{q}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

/// SQLite always; Postgres too when `STSGATE_TEST_DATABASE_URL` is set.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite().await];
    if let Ok(url) = std::env::var(DATABASE_URL_ENV)
        && !url.is_empty()
    {
        dbs.push(TestDb::postgres(&url).await);
    }
    dbs
}
