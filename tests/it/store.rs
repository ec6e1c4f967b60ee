//! Store conformance: every test runs against each backend from `backends()`
//! (SQLite always, PostgreSQL when STSGATE_TEST_DATABASE_URL is set), and the
//! cache layer is checked on top of each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use stsgate::core::arn::AccountId;
use stsgate::store::cached::CachedStore;
use stsgate::store::{
    AccessKey, InlinePolicy, KeyStatus, OidcProvider, Role, RoleUpdate, SealingKeyRecord, Store,
    StoreError, Tag, User,
};

use crate::support::{TestDb, backends};

fn account() -> AccountId {
    AccountId::parse("123456789012").unwrap()
}

fn other_account() -> AccountId {
    AccountId::parse("210987654321").unwrap()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag {
        key: k.into(),
        value: v.into(),
    }
}

fn role_in(account: &AccountId, name: &str) -> Role {
    Role {
        account: account.clone(),
        name: name.into(),
        path: "/app/".into(),
        role_id: format!("AROA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{account}:role/app/{name}"),
        assume_role_policy: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
        description: Some(format!("role {name}")),
        max_session_duration: 3600,
        created: 1_700_000_000,
        tags: vec![tag("team", "blue"), tag("Env", "")],
        permissions_boundary: None,
    }
}

fn role(name: &str) -> Role {
    role_in(&account(), name)
}

fn admin_in(account: &AccountId) -> User {
    User {
        account: account.clone(),
        name: "Admin".into(),
        path: "/".into(),
        user_id: format!("AIDA{account}"),
        arn: format!("arn:aws:iam::{account}:user/Admin"),
        created: 1_700_000_000,
        tags: vec![tag("owner", "ops")],
        is_admin: true,
        permissions_boundary: None,
    }
}

fn key_for(user: &User, id: &str) -> AccessKey {
    AccessKey {
        access_key_id: id.into(),
        account: user.account.clone(),
        user_name: user.name.clone(),
        user_id: user.user_id.clone(),
        secret_sealed: vec![0, 1, 2, 255, 254, 0],
        status: KeyStatus::Active,
        created: 1_700_000_001,
    }
}

fn provider(host: &str) -> OidcProvider {
    OidcProvider {
        account: account(),
        arn: format!("arn:aws:iam::{}:oidc-provider/{host}", account()),
        url: format!("https://{host}"),
        client_ids: vec!["sts.amazonaws.com".into(), "app".into()],
        thumbprints: vec!["9e99a48a9960b14926bb7f3b02e22da2b0ab7280".into()],
        created: 1_700_000_002,
        tags: vec![tag("idp", host)],
    }
}

fn policy(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: document.into(),
    }
}

fn names(roles: &[Role]) -> Vec<&str> {
    roles.iter().map(|r| r.name.as_str()).collect()
}

#[tokio::test]
async fn roles_create_get_list_update_delete() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let r = role("MyRole");
        store.create_role(&r, 1000).await.unwrap();

        assert_eq!(
            store.get_role(&account(), "MyRole").await.unwrap(),
            Some(r.clone()),
            "{b}"
        );
        assert_eq!(
            store.get_role(&account(), "MYROLE").await.unwrap(),
            Some(r.clone()),
            "{b}"
        );
        assert_eq!(
            store.get_role(&account(), "other").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.get_role(&other_account(), "MyRole").await.unwrap(),
            None,
            "{b}"
        );

        store.create_role(&role("beta"), 1000).await.unwrap();
        store.create_role(&role("Alpha"), 1000).await.unwrap();
        store
            .create_role(&role_in(&other_account(), "Zed"), 1000)
            .await
            .unwrap();
        let listed = store.list_roles(&account()).await.unwrap();
        assert_eq!(names(&listed), ["Alpha", "beta", "MyRole"], "{b}");
        assert_eq!(store.count_roles(&account()).await.unwrap(), 3, "{b}");
        assert_eq!(store.count_roles(&other_account()).await.unwrap(), 1, "{b}");

        // Partial updates leave the other field alone.
        let only_description = RoleUpdate {
            description: Some("new words".into()),
            max_session_duration: None,
        };
        store
            .update_role(&account(), "myrole", &only_description)
            .await
            .unwrap();
        let got = store.get_role(&account(), "MyRole").await.unwrap().unwrap();
        assert_eq!(got.description.as_deref(), Some("new words"), "{b}");
        assert_eq!(got.max_session_duration, 3600, "{b}");
        let only_duration = RoleUpdate {
            description: None,
            max_session_duration: Some(43200),
        };
        store
            .update_role(&account(), "MyRole", &only_duration)
            .await
            .unwrap();
        let got = store.get_role(&account(), "MyRole").await.unwrap().unwrap();
        assert_eq!(got.description.as_deref(), Some("new words"), "{b}");
        assert_eq!(got.max_session_duration, 43200, "{b}");

        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#;
        store
            .update_assume_role_policy(&account(), "MYROLE", trust)
            .await
            .unwrap();
        let new_tags = vec![tag("k", "v")];
        store
            .set_role_tags(&account(), "myRole", &new_tags)
            .await
            .unwrap();
        let got = store.get_role(&account(), "MyRole").await.unwrap().unwrap();
        assert_eq!(got.assume_role_policy, trust, "{b}");
        assert_eq!(got.tags, new_tags, "{b}");
        assert_eq!(got.name, "MyRole", "{b}: the stored case is kept");
        store
            .set_role_tags(&account(), "MyRole", &[])
            .await
            .unwrap();
        let got = store.get_role(&account(), "MyRole").await.unwrap().unwrap();
        assert!(got.tags.is_empty(), "{b}");

        store.delete_role(&account(), "MYROLE").await.unwrap();
        assert_eq!(
            store.get_role(&account(), "MyRole").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            names(&store.list_roles(&account()).await.unwrap()),
            ["Alpha", "beta"],
            "{b}"
        );

        let missing = "MyRole";
        assert_eq!(
            store.delete_role(&account(), missing).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store
                .update_role(&account(), missing, &only_description)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store
                .update_assume_role_policy(&account(), missing, trust)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store.set_role_tags(&account(), missing, &new_tags).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn role_lists_sort_by_bytes_of_the_lower_cased_name() {
    for db in backends().await {
        let store = db.open_store().await;
        for name in ["ab", "A.z", "a_b", "a-c", "B", "a+"] {
            store.create_role(&role(name), 100).await.unwrap();
        }
        let listed = store.list_roles(&account()).await.unwrap();
        // Locale collations would ignore the punctuation; IAM markers need a
        // stable order on every backend.
        assert_eq!(
            names(&listed),
            ["a+", "a-c", "A.z", "a_b", "ab", "B"],
            "{}",
            db.backend
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn role_duplicates_and_quota_are_refused_without_writing() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        store.create_role(&role("Dup"), 2).await.unwrap();
        let before = store.change_counter().await.unwrap();

        let mut same_name = role("dUP");
        same_name.role_id = "AROADIFFERENT".into();
        assert_eq!(
            store.create_role(&same_name, 2).await,
            Err(StoreError::AlreadyExists),
            "{b}"
        );

        store.create_role(&role("Second"), 2).await.unwrap();
        let after_second = store.change_counter().await.unwrap();
        assert!(after_second > before, "{b}");
        assert_eq!(
            store.create_role(&role("Third"), 2).await,
            Err(StoreError::Limit(
                "Cannot exceed quota for RolesPerAccount: 2".into()
            )),
            "{b}"
        );
        // The quota is per account.
        store
            .create_role(&role_in(&other_account(), "Third"), 2)
            .await
            .unwrap();
        let after_other = store.change_counter().await.unwrap();

        // A unique violation caught by the database itself (same role id).
        let mut clash = role("Fourth");
        clash.role_id = role("Dup").role_id;
        assert_eq!(
            store.create_role(&clash, 100).await,
            Err(StoreError::AlreadyExists),
            "{b}"
        );

        assert_eq!(
            store.change_counter().await.unwrap(),
            after_other,
            "{b}: failed writes"
        );
        assert_eq!(
            names(&store.list_roles(&account()).await.unwrap()),
            ["Dup", "Second"],
            "{b}"
        );
        assert_eq!(
            store.get_role(&account(), "Fourth").await.unwrap(),
            None,
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_creates_respect_the_quota() {
    for db in backends().await {
        let store = db.open_store().await;
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move { store.create_role(&role(&format!("r{i}")), 3).await })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(StoreError::Limit(_)) => {}
                Err(e) => panic!("{}: unexpected {e:?}", db.backend),
            }
        }
        assert_eq!(ok, 3, "{}", db.backend);
        assert_eq!(
            store.count_roles(&account()).await.unwrap(),
            3,
            "{}",
            db.backend
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn role_policies_put_replace_get_list_delete() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        store.create_role(&role("MyRole"), 10).await.unwrap();
        let a = account();

        store
            .put_role_policy(&a, "myrole", &policy("Zeta", "{}"), 10240)
            .await
            .unwrap();
        store
            .put_role_policy(&a, "MyRole", &policy("alpha", r#"{"a":1}"#), 10240)
            .await
            .unwrap();
        assert_eq!(
            store.get_role_policy(&a, "MYROLE", "ZETA").await.unwrap(),
            Some(policy("Zeta", "{}")),
            "{b}"
        );
        assert_eq!(
            store.get_role_policy(&a, "MyRole", "nope").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.get_role_policy(&a, "NoRole", "Zeta").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.list_role_policies(&a, "MyRole").await.unwrap(),
            vec![policy("alpha", r#"{"a":1}"#), policy("Zeta", "{}")],
            "{b}"
        );

        // Same name (any case) replaces.
        store
            .put_role_policy(&a, "MyRole", &policy("zeta", r#"{"z":2}"#), 10240)
            .await
            .unwrap();
        assert_eq!(
            store.list_role_policies(&a, "MyRole").await.unwrap(),
            vec![policy("alpha", r#"{"a":1}"#), policy("zeta", r#"{"z":2}"#)],
            "{b}"
        );

        assert_eq!(
            store.delete_role(&a, "MyRole").await,
            Err(StoreError::Conflict(
                "Cannot delete entity, must delete policies first.".into()
            )),
            "{b}"
        );
        assert!(store.get_role(&a, "MyRole").await.unwrap().is_some(), "{b}");

        store
            .delete_role_policy(&a, "MYROLE", "ALPHA")
            .await
            .unwrap();
        assert_eq!(
            store.delete_role_policy(&a, "MyRole", "alpha").await,
            Err(StoreError::NotFound),
            "{b}"
        );
        store
            .delete_role_policy(&a, "MyRole", "zeta")
            .await
            .unwrap();
        assert!(
            store
                .list_role_policies(&a, "MyRole")
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        store.delete_role(&a, "MyRole").await.unwrap();

        assert_eq!(
            store
                .put_role_policy(&a, "MyRole", &policy("p", "{}"), 10240)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store.list_role_policies(&a, "MyRole").await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store.delete_role_policy(&a, "MyRole", "p").await,
            Err(StoreError::NotFound),
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn role_policy_aggregate_size_counts_non_whitespace_only() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let a = account();
        store.create_role(&role("Sized"), 10).await.unwrap();
        let thirty = "x".repeat(30);
        let twenty = format!("{}   \n\t {}", "y".repeat(10), "y".repeat(10));

        store
            .put_role_policy(&a, "Sized", &policy("one", &thirty), 50)
            .await
            .unwrap();
        store
            .put_role_policy(&a, "Sized", &policy("two", &twenty), 50)
            .await
            .unwrap();
        let before = store.change_counter().await.unwrap();
        assert_eq!(
            store
                .put_role_policy(&a, "sized", &policy("three", "z"), 50)
                .await,
            Err(StoreError::Limit(
                "Maximum policy size of 50 bytes exceeded for role Sized".into()
            )),
            "{b}"
        );
        // Replacing counts the new document instead of the old one.
        assert_eq!(
            store
                .put_role_policy(&a, "Sized", &policy("ONE", &"w".repeat(31)), 50)
                .await,
            Err(StoreError::Limit(
                "Maximum policy size of 50 bytes exceeded for role Sized".into()
            )),
            "{b}"
        );
        assert_eq!(
            store.change_counter().await.unwrap(),
            before,
            "{b}: refused writes"
        );
        assert_eq!(
            store.get_role_policy(&a, "Sized", "one").await.unwrap(),
            Some(policy("one", &thirty)),
            "{b}: the refused replacement left the old document"
        );
        store
            .put_role_policy(&a, "Sized", &policy("ONE", &"w".repeat(20)), 50)
            .await
            .unwrap();
        store
            .put_role_policy(&a, "Sized", &policy("three", &"v".repeat(10)), 50)
            .await
            .unwrap();
        assert_eq!(
            store.list_role_policies(&a, "Sized").await.unwrap().len(),
            3,
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn oidc_providers_crud() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let p = provider("token.example.com");
        store.create_oidc_provider(&p, 2).await.unwrap();
        assert_eq!(
            store.get_oidc_provider(&p.arn).await.unwrap(),
            Some(p.clone()),
            "{b}"
        );
        assert_eq!(
            store
                .get_oidc_provider("arn:aws:iam::123456789012:oidc-provider/x")
                .await
                .unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.create_oidc_provider(&p, 2).await,
            Err(StoreError::AlreadyExists),
            "{b}"
        );

        let q = provider("accounts.example.com");
        store.create_oidc_provider(&q, 2).await.unwrap();
        assert_eq!(
            store
                .create_oidc_provider(&provider("third.example.com"), 2)
                .await,
            Err(StoreError::Limit(
                "Cannot exceed quota for OpenIdConnectProvidersPerAccount: 2".into()
            )),
            "{b}"
        );
        assert_eq!(
            store.list_oidc_providers(&account()).await.unwrap(),
            vec![q.clone(), p.clone()],
            "{b}"
        );
        assert!(
            store
                .list_oidc_providers(&other_account())
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );

        let mut changed = p.clone();
        changed.client_ids = vec!["only-one".into()];
        changed.thumbprints = vec![];
        changed.tags = vec![tag("a", "b"), tag("c", "d")];
        store.update_oidc_provider(&changed).await.unwrap();
        assert_eq!(
            store.get_oidc_provider(&p.arn).await.unwrap(),
            Some(changed.clone()),
            "{b}"
        );

        store.delete_oidc_provider(&p.arn).await.unwrap();
        assert_eq!(store.get_oidc_provider(&p.arn).await.unwrap(), None, "{b}");
        assert_eq!(
            store.delete_oidc_provider(&p.arn).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store.update_oidc_provider(&changed).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store.list_oidc_providers(&account()).await.unwrap(),
            vec![q],
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bootstrap_once_then_already_bootstrapped() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        assert!(store.accounts().await.unwrap().is_empty(), "{b}");
        assert_eq!(
            store.get_access_key("AKIAADMIN").await.unwrap(),
            None,
            "{b}"
        );

        let admin = admin_in(&account());
        let key = key_for(&admin, "AKIAADMIN");
        store.bootstrap(&admin, &key).await.unwrap();
        assert_eq!(store.accounts().await.unwrap(), vec![account()], "{b}");
        assert_eq!(
            store.get_user(&account(), "admin").await.unwrap(),
            Some(admin.clone()),
            "{b}"
        );
        assert_eq!(
            store.get_user(&account(), "nobody").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.get_user(&other_account(), "Admin").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(
            store.get_access_key("AKIAADMIN").await.unwrap(),
            Some(key.clone()),
            "{b}"
        );
        assert_eq!(
            store.get_access_key("akiaadmin").await.unwrap(),
            None,
            "{b}: ids are exact"
        );

        let before = store.change_counter().await.unwrap();
        let second = admin_in(&other_account());
        assert_eq!(
            store
                .bootstrap(&second, &key_for(&second, "AKIASECOND"))
                .await,
            Err(StoreError::AlreadyBootstrapped),
            "{b}"
        );
        assert_eq!(store.accounts().await.unwrap(), vec![account()], "{b}");
        assert_eq!(
            store.get_access_key("AKIASECOND").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(store.change_counter().await.unwrap(), before, "{b}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_bootstraps_only_one_wins() {
    for db in backends().await {
        let store = db.open_store().await;
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let account = AccountId::parse(&format!("{:012}", 100 + i)).unwrap();
                    let admin = admin_in(&account);
                    store
                        .bootstrap(&admin, &key_for(&admin, &format!("AKIA{i}")))
                        .await
                })
            })
            .collect();
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(StoreError::AlreadyBootstrapped) => {}
                Err(e) => panic!("{}: unexpected {e:?}", db.backend),
            }
        }
        assert_eq!(ok, 1, "{}", db.backend);
        assert_eq!(store.accounts().await.unwrap().len(), 1, "{}", db.backend);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn failed_bootstrap_leaves_nothing_behind() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let before = store.change_counter().await.unwrap();
        let admin = admin_in(&account());
        // The key names an account that the bootstrap does not create, so the
        // last insert fails after the account and user rows were written.
        let mut key = key_for(&admin, "AKIABROKEN");
        key.account = other_account();
        assert!(
            matches!(
                store.bootstrap(&admin, &key).await,
                Err(StoreError::Backend(_))
            ),
            "{b}"
        );
        assert!(store.accounts().await.unwrap().is_empty(), "{b}");
        assert_eq!(
            store.get_user(&account(), "Admin").await.unwrap(),
            None,
            "{b}"
        );
        assert_eq!(store.change_counter().await.unwrap(), before, "{b}");
        // And the store is still usable: a correct bootstrap works.
        store
            .bootstrap(&admin, &key_for(&admin, "AKIAGOOD"))
            .await
            .unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn sealing_keys_ordered_by_creation() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        assert!(store.sealing_keys().await.unwrap().is_empty(), "{b}");
        let newer = SealingKeyRecord {
            key_id: "k2".into(),
            sealed_key: vec![9; 60],
            created: 200,
        };
        let older = SealingKeyRecord {
            key_id: "k1".into(),
            sealed_key: vec![0, 7, 0],
            created: 100,
        };
        store.add_sealing_key(&newer).await.unwrap();
        store.add_sealing_key(&older).await.unwrap();
        assert_eq!(
            store.sealing_keys().await.unwrap(),
            vec![older.clone(), newer.clone()],
            "{b}"
        );
        assert_eq!(
            store.add_sealing_key(&older).await,
            Err(StoreError::AlreadyExists),
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn change_counter_moves_on_every_write_and_only_then() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let a = account();
        let mut last = store.change_counter().await.unwrap();
        let mut step = |label: &str, now: i64| {
            assert!(now > last, "{b}: {label} did not move the counter");
            last = now;
        };
        let admin = admin_in(&a);
        store
            .bootstrap(&admin, &key_for(&admin, "AKIA1"))
            .await
            .unwrap();
        step("bootstrap", store.change_counter().await.unwrap());
        store.create_role(&role("R"), 10).await.unwrap();
        step("create_role", store.change_counter().await.unwrap());
        store
            .update_role(&a, "R", &RoleUpdate::default())
            .await
            .unwrap();
        step("update_role", store.change_counter().await.unwrap());
        store
            .update_assume_role_policy(&a, "R", "{}")
            .await
            .unwrap();
        step(
            "update_assume_role_policy",
            store.change_counter().await.unwrap(),
        );
        store
            .set_role_tags(&a, "R", &[tag("a", "b")])
            .await
            .unwrap();
        step("set_role_tags", store.change_counter().await.unwrap());
        store
            .put_role_policy(&a, "R", &policy("p", "{}"), 100)
            .await
            .unwrap();
        step("put_role_policy", store.change_counter().await.unwrap());
        store.delete_role_policy(&a, "R", "p").await.unwrap();
        step("delete_role_policy", store.change_counter().await.unwrap());
        store.delete_role(&a, "R").await.unwrap();
        step("delete_role", store.change_counter().await.unwrap());
        let p = provider("idp.example.com");
        store.create_oidc_provider(&p, 10).await.unwrap();
        step(
            "create_oidc_provider",
            store.change_counter().await.unwrap(),
        );
        store.update_oidc_provider(&p).await.unwrap();
        step(
            "update_oidc_provider",
            store.change_counter().await.unwrap(),
        );
        store.delete_oidc_provider(&p.arn).await.unwrap();
        step(
            "delete_oidc_provider",
            store.change_counter().await.unwrap(),
        );
        let k = SealingKeyRecord {
            key_id: "k".into(),
            sealed_key: vec![1],
            created: 1,
        };
        store.add_sealing_key(&k).await.unwrap();
        step("add_sealing_key", store.change_counter().await.unwrap());

        // Reads leave it alone.
        let now = store.change_counter().await.unwrap();
        store.list_roles(&a).await.unwrap();
        store.get_user(&a, "Admin").await.unwrap();
        store.sealing_keys().await.unwrap();
        assert_eq!(store.change_counter().await.unwrap(), now, "{b}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn data_persists_across_reopen() {
    for db in backends().await {
        let b = db.backend;
        let first = db.open_sql().await;
        assert_eq!(first.backend(), b);
        let admin = admin_in(&account());
        first
            .bootstrap(&admin, &key_for(&admin, "AKIAP"))
            .await
            .unwrap();
        first.create_role(&role("Kept"), 10).await.unwrap();
        first
            .put_role_policy(&account(), "Kept", &policy("p", "{}"), 100)
            .await
            .unwrap();
        first
            .create_oidc_provider(&provider("kept.example.com"), 10)
            .await
            .unwrap();
        let counter = first.change_counter().await.unwrap();
        if b == "sqlite" {
            // WAL mode: readers do not block behind the (rare) writer.
            assert!(db.dir.join("stsgate.db-wal").exists(), "not in WAL mode");
        }
        first.close().await;

        // Migrations run again on open and must be a no-op.
        let second = db.open_sql().await;
        assert_eq!(second.accounts().await.unwrap(), vec![account()], "{b}");
        assert_eq!(
            second.get_role(&account(), "kept").await.unwrap(),
            Some(role("Kept")),
            "{b}"
        );
        assert_eq!(
            second.list_role_policies(&account(), "Kept").await.unwrap(),
            vec![policy("p", "{}")],
            "{b}"
        );
        assert_eq!(
            second
                .get_access_key("AKIAP")
                .await
                .unwrap()
                .map(|k| k.user_name),
            Some("Admin".into())
        );
        assert_eq!(
            second.list_oidc_providers(&account()).await.unwrap().len(),
            1,
            "{b}"
        );
        assert_eq!(second.change_counter().await.unwrap(), counter, "{b}");
        second.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn sqlite_url_and_bad_scheme() {
    let db = TestDb::sqlite().await;
    tokio::fs::create_dir_all(&db.dir).await.unwrap();
    let url = format!("sqlite://{}", db.dir.join("explicit.db").display());
    let store = stsgate::store::sql::SqlStore::open(Some(&url), &db.dir)
        .await
        .unwrap();
    assert_eq!(store.backend(), "sqlite");
    store.create_role(&role("x"), 1).await.unwrap();
    store.close().await;
    assert!(db.dir.join("explicit.db").exists());
    assert!(!db.dir.join("stsgate.db").exists());

    match stsgate::store::sql::SqlStore::open(Some("mysql://root:hunter2@db/x"), &db.dir).await {
        Err(StoreError::Backend(m)) => {
            assert!(m.contains("\"mysql\""), "{m}");
            assert!(!m.contains("hunter2"), "the password leaked: {m}");
        }
        Err(e) => panic!("unexpected {e:?}"),
        Ok(_) => panic!("mysql URL accepted"),
    }
    db.cleanup().await;
}

// ---- The cache layer ----

/// Fill every cached read, then return what was read.
async fn warm(cache: &CachedStore) -> (Option<Role>, Vec<InlinePolicy>, Option<OidcProvider>) {
    let a = account();
    let r = cache.get_role(&a, "Cached").await.unwrap();
    let p = cache.list_role_policies(&a, "Cached").await.unwrap();
    let o = cache
        .get_oidc_provider(&provider("c.example.com").arn)
        .await
        .unwrap();
    cache.get_user(&a, "Admin").await.unwrap();
    cache.get_access_key("AKIAC").await.unwrap();
    cache.sealing_keys().await.unwrap();
    (r, p, o)
}

async fn seed(store: &dyn Store) {
    let admin = admin_in(&account());
    store
        .bootstrap(&admin, &key_for(&admin, "AKIAC"))
        .await
        .unwrap();
    store.create_role(&role("Cached"), 10).await.unwrap();
    store
        .put_role_policy(&account(), "Cached", &policy("p", "{}"), 100)
        .await
        .unwrap();
    store
        .create_oidc_provider(&provider("c.example.com"), 10)
        .await
        .unwrap();
    let k = SealingKeyRecord {
        key_id: "k".into(),
        sealed_key: vec![1, 2],
        created: 5,
    };
    store.add_sealing_key(&k).await.unwrap();
}

#[tokio::test]
async fn warm_cache_reads_do_not_touch_the_database() {
    for db in backends().await {
        let b = db.backend;
        let sql = db.open_sql().await;
        seed(sql.as_ref()).await;
        let cache = CachedStore::new(sql.clone());
        let warmed = warm(&cache).await;
        // A name that does not exist is cached as absent too.
        assert_eq!(
            cache.get_role(&account(), "ghost").await.unwrap(),
            None,
            "{b}"
        );

        sql.close().await;
        assert!(
            matches!(
                sql.get_role(&account(), "Cached").await,
                Err(StoreError::Backend(_))
            ),
            "{b}: the database is really closed"
        );
        let a = account();
        assert_eq!(cache.get_role(&a, "CACHED").await.unwrap(), warmed.0, "{b}");
        assert_eq!(cache.get_role(&a, "ghost").await.unwrap(), None, "{b}");
        assert_eq!(
            cache.list_role_policies(&a, "cached").await.unwrap(),
            warmed.1,
            "{b}"
        );
        assert_eq!(
            cache
                .get_oidc_provider(&provider("c.example.com").arn)
                .await
                .unwrap(),
            warmed.2,
            "{b}"
        );
        assert!(
            cache.get_user(&a, "ADMIN").await.unwrap().unwrap().is_admin,
            "{b}"
        );
        assert_eq!(
            cache
                .get_access_key("AKIAC")
                .await
                .unwrap()
                .map(|k| k.secret_sealed),
            Some(vec![0, 1, 2, 255, 254, 0]),
            "{b}"
        );
        assert_eq!(cache.sealing_keys().await.unwrap().len(), 1, "{b}");
        // And after invalidation the cache really goes back to the database.
        cache.invalidate_all();
        assert!(
            matches!(
                cache.get_role(&a, "Cached").await,
                Err(StoreError::Backend(_))
            ),
            "{b}"
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn writes_through_the_cache_are_visible_at_once() {
    for db in backends().await {
        let b = db.backend;
        let sql = db.open_sql().await;
        seed(sql.as_ref()).await;
        let cache = CachedStore::new(sql.clone());
        warm(&cache).await;
        let a = account();

        let update = RoleUpdate {
            description: Some("changed".into()),
            max_session_duration: None,
        };
        cache.update_role(&a, "Cached", &update).await.unwrap();
        let got = cache.get_role(&a, "Cached").await.unwrap().unwrap();
        assert_eq!(got.description.as_deref(), Some("changed"), "{b}");

        cache
            .put_role_policy(&a, "Cached", &policy("q", "{}"), 100)
            .await
            .unwrap();
        assert_eq!(
            cache.list_role_policies(&a, "Cached").await.unwrap().len(),
            2,
            "{b}"
        );

        let mut p = provider("c.example.com");
        p.client_ids = vec!["new".into()];
        cache.update_oidc_provider(&p).await.unwrap();
        assert_eq!(
            cache.get_oidc_provider(&p.arn).await.unwrap(),
            Some(p.clone()),
            "{b}"
        );

        cache.create_role(&role("Fresh"), 10).await.unwrap();
        assert!(cache.get_role(&a, "Fresh").await.unwrap().is_some(), "{b}");

        let k = SealingKeyRecord {
            key_id: "k2".into(),
            sealed_key: vec![3],
            created: 6,
        };
        cache.add_sealing_key(&k).await.unwrap();
        assert_eq!(cache.sealing_keys().await.unwrap().len(), 2, "{b}");

        cache.delete_role_policy(&a, "Cached", "q").await.unwrap();
        cache.delete_role_policy(&a, "Cached", "p").await.unwrap();
        cache.delete_role(&a, "Cached").await.unwrap();
        assert_eq!(cache.get_role(&a, "Cached").await.unwrap(), None, "{b}");
        cache.delete_oidc_provider(&p.arn).await.unwrap();
        assert_eq!(cache.get_oidc_provider(&p.arn).await.unwrap(), None, "{b}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn refresh_sees_another_nodes_writes() {
    for db in backends().await {
        let b = db.backend;
        let node_a = db.open_sql().await;
        let node_b = db.open_sql().await;
        seed(node_a.as_ref()).await;
        let cache = CachedStore::new(node_a.clone());
        assert!(
            cache.refresh().await.unwrap(),
            "{b}: the first refresh drops the caches"
        );
        warm(&cache).await;
        assert!(!cache.refresh().await.unwrap(), "{b}: nothing changed");

        let update = RoleUpdate {
            description: Some("from node b".into()),
            max_session_duration: None,
        };
        node_b
            .update_role(&account(), "Cached", &update)
            .await
            .unwrap();
        let stale = cache.get_role(&account(), "Cached").await.unwrap().unwrap();
        assert_eq!(
            stale.description.as_deref(),
            Some("role Cached"),
            "{b}: still cached"
        );

        assert!(cache.refresh().await.unwrap(), "{b}");
        let fresh = cache.get_role(&account(), "Cached").await.unwrap().unwrap();
        assert_eq!(fresh.description.as_deref(), Some("from node b"), "{b}");
        db.cleanup().await;
    }
}

#[tokio::test]
async fn invalidation_task_picks_up_another_nodes_writes() {
    for db in backends().await {
        let b = db.backend;
        let node_a = db.open_sql().await;
        let node_b = db.open_sql().await;
        seed(node_a.as_ref()).await;
        let cache = Arc::new(CachedStore::new(node_a.clone()));
        let mut invalidated = cache.invalidations();
        let task = cache.spawn_invalidation(Duration::from_millis(20));
        // The first poll establishes the baseline.
        tokio::time::timeout(Duration::from_secs(10), invalidated.changed())
            .await
            .expect("first poll")
            .unwrap();
        warm(&cache).await;

        let p = provider("c.example.com");
        node_b.delete_oidc_provider(&p.arn).await.unwrap();
        tokio::time::timeout(Duration::from_secs(10), invalidated.changed())
            .await
            .unwrap_or_else(|_| panic!("{b}: the poll never noticed node b's write"))
            .unwrap();
        assert_eq!(cache.get_oidc_provider(&p.arn).await.unwrap(), None, "{b}");
        task.abort();
        db.cleanup().await;
    }
}
