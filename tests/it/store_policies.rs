//! Policy-store conformance: managed policies, versions, attachments and
//! boundaries on every backend from `backends()`, directly and through the cache.

use std::sync::Arc;

use stsgate::core::arn::AccountId;
use stsgate::store::cached::CachedStore;
use stsgate::store::{
    AccessKey, EntityKind, KeyStatus, ManagedPolicy, PolicyStore, PolicyUsage, PolicyUse, Role,
    Store, StoreError, User,
};

use crate::support::{TestDb, backends};

const DOC1: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
const DOC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}"#;
const AWS_READ: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

fn account() -> AccountId {
    AccountId::parse("123456789012").unwrap()
}

fn other_account() -> AccountId {
    AccountId::parse("210987654321").unwrap()
}

fn policy_in(account: &AccountId, path: &str, name: &str) -> ManagedPolicy {
    ManagedPolicy {
        account: account.clone(),
        arn: format!("arn:aws:iam::{account}:policy{path}{name}"),
        name: name.into(),
        path: path.into(),
        policy_id: format!("ANPA{}{}", account, name.to_uppercase()),
        default_version_id: "v1".into(),
        description: Some(format!("policy {name}")),
        created: 1_700_000_000,
        updated: 1_700_000_000,
        tags: vec![stsgate::store::Tag {
            key: "Team".into(),
            value: "blue".into(),
        }],
    }
}

fn policy(name: &str) -> ManagedPolicy {
    policy_in(&account(), "/", name)
}

fn role(name: &str) -> Role {
    Role {
        account: account(),
        name: name.into(),
        path: "/svc/".into(),
        role_id: format!("AROA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{}:role/svc/{name}", account()),
        assume_role_policy: r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
        description: None,
        max_session_duration: 3600,
        created: 1_700_000_000,
        tags: vec![],
        permissions_boundary: None,
    }
}

/// The account with its administrator `Admin` (the only user this branch can create).
async fn bootstrap(store: &dyn Store) {
    let admin = User {
        account: account(),
        name: "Admin".into(),
        path: "/".into(),
        user_id: "AIDAADMINADMINADMIN1".into(),
        arn: format!("arn:aws:iam::{}:user/Admin", account()),
        created: 1_700_000_000,
        tags: vec![],
        is_admin: true,
        permissions_boundary: None,
    };
    let key = AccessKey {
        access_key_id: "AKIAADMINADMINADMIN1".into(),
        account: account(),
        user_name: "Admin".into(),
        user_id: admin.user_id.clone(),
        secret_sealed: vec![1, 2, 3],
        status: KeyStatus::Active,
        created: 1_700_000_000,
    };
    store.bootstrap(&admin, &key).await.unwrap();
}

/// A group `/ops/NAME`, created through the identity family's store API.
async fn insert_group(db: &TestDb, name: &str) {
    let store = db.open_store().await;
    let group = stsgate::store::Group {
        account: account(),
        name: name.to_string(),
        path: "/ops/".into(),
        group_id: format!("AGPA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{}:group/ops/{name}", account()),
        created: 1_700_000_000,
    };
    store.create_group(&group, 300).await.unwrap();
}

#[tokio::test]
async fn policies_create_get_list_delete() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let p = policy_in(&account(), "/team/", "Reader");
        store.create_policy(&p, DOC1, 1500).await.unwrap();
        assert_eq!(
            store.get_policy(&p.arn).await.unwrap(),
            Some(p.clone()),
            "{b}"
        );
        assert_eq!(
            store.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC1),
            "{b}"
        );
        // Names are unique per account whatever the path and case.
        assert_eq!(
            store
                .create_policy(&policy_in(&account(), "/", "READER"), DOC1, 1500)
                .await,
            Err(StoreError::AlreadyExists),
            "{b}"
        );
        store
            .create_policy(&policy_in(&other_account(), "/", "Reader"), DOC1, 1500)
            .await
            .unwrap();
        store
            .create_policy(&policy("alpha"), DOC1, 1500)
            .await
            .unwrap();
        let listed: Vec<String> = store
            .list_policies(&account())
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(listed, ["alpha", "Reader"], "{b}");
        match store.create_policy(&policy("third"), DOC1, 2).await {
            Err(StoreError::Limit(m)) => {
                assert_eq!(m, "Cannot exceed quota for PoliciesPerAccount: 2", "{b}")
            }
            other => panic!("{b}: {other:?}"),
        }

        store.delete_policy(&p.arn).await.unwrap();
        assert_eq!(store.get_policy(&p.arn).await.unwrap(), None, "{b}");
        assert_eq!(store.default_document(&p.arn).await.unwrap(), None, "{b}");
        assert_eq!(
            store.delete_policy(&p.arn).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        // The name is free again.
        store.create_policy(&p, DOC2, 1500).await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn versions_numbering_defaults_and_limits() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        let p = policy("Versioned");
        store.create_policy(&p, DOC1, 1500).await.unwrap();

        let v2 = store
            .create_policy_version(&p.arn, DOC2, false, 1_700_000_100, 5)
            .await
            .unwrap();
        assert_eq!(
            (v2.version_id.as_str(), v2.is_default),
            ("v2", false),
            "{b}"
        );
        assert_eq!(
            store.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC1),
            "{b}"
        );
        let v3 = store
            .create_policy_version(&p.arn, DOC2, true, 1_700_000_200, 5)
            .await
            .unwrap();
        assert!(v3.is_default, "{b}");
        let got = store.get_policy(&p.arn).await.unwrap().unwrap();
        assert_eq!(got.default_version_id, "v3", "{b}");
        assert_eq!(got.updated, 1_700_000_200, "{b}");
        assert_eq!(
            store.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC2),
            "{b}"
        );

        let listed = store.list_policy_versions(&p.arn).await.unwrap();
        let ids: Vec<(&str, bool)> = listed
            .iter()
            .map(|v| (v.version_id.as_str(), v.is_default))
            .collect();
        assert_eq!(ids, [("v3", true), ("v2", false), ("v1", false)], "{b}");
        let v1 = store
            .get_policy_version(&p.arn, "v1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((v1.document.as_str(), v1.is_default), (DOC1, false), "{b}");
        assert_eq!(
            store.get_policy_version(&p.arn, "v9").await.unwrap(),
            None,
            "{b}"
        );

        for _ in 0..2 {
            store
                .create_policy_version(&p.arn, DOC1, false, 1_700_000_300, 5)
                .await
                .unwrap();
        }
        match store
            .create_policy_version(&p.arn, DOC1, false, 1_700_000_300, 5)
            .await
        {
            Err(StoreError::Limit(m)) => assert_eq!(
                m,
                "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.",
                "{b}"
            ),
            other => panic!("{b}: {other:?}"),
        }

        assert_eq!(
            store.delete_policy_version(&p.arn, "v3").await,
            Err(StoreError::Conflict(
                "Cannot delete the default version of a policy.".into()
            )),
            "{b}"
        );
        store.delete_policy_version(&p.arn, "v5").await.unwrap();
        assert_eq!(
            store.delete_policy_version(&p.arn, "v5").await,
            Err(StoreError::NotFound),
            "{b}"
        );
        // Version numbers are never reused.
        let v6 = store
            .create_policy_version(&p.arn, DOC1, false, 1_700_000_400, 5)
            .await
            .unwrap();
        assert_eq!(v6.version_id, "v6", "{b}");

        store
            .set_default_policy_version(&p.arn, "v1", 1_700_000_500)
            .await
            .unwrap();
        assert_eq!(
            store.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC1),
            "{b}"
        );
        assert_eq!(
            store
                .set_default_policy_version(&p.arn, "v5", 1_700_000_500)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        let missing = "arn:aws:iam::123456789012:policy/missing";
        assert_eq!(
            store.list_policy_versions(missing).await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert!(matches!(
            store.create_policy_version(missing, DOC1, true, 0, 5).await,
            Err(StoreError::NotFound)
        ));

        // Non-default versions block deletion of the policy.
        assert!(
            matches!(store.delete_policy(&p.arn).await, Err(StoreError::Conflict(m)) if m.contains("more than one version")),
            "{b}"
        );
        for v in ["v2", "v3", "v4", "v6"] {
            store.delete_policy_version(&p.arn, v).await.unwrap();
        }
        store.delete_policy(&p.arn).await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn attachments_to_users_groups_and_roles() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        bootstrap(store.as_ref()).await;
        store.create_role(&role("app"), 1000).await.unwrap();
        insert_group(&db, "Ops").await;
        let p = policy("Custom");
        store.create_policy(&p, DOC1, 1500).await.unwrap();
        let acct = account();

        for (kind, name) in [
            (EntityKind::User, "admin"),
            (EntityKind::Group, "OPS"),
            (EntityKind::Role, "App"),
        ] {
            store
                .attach_policy(&acct, kind, name, &p.arn, 10)
                .await
                .unwrap();
            store
                .attach_policy(&acct, kind, name, AWS_READ, 10)
                .await
                .unwrap();
            // Attaching twice is a no-op, even at the limit.
            store
                .attach_policy(&acct, kind, name, AWS_READ, 2)
                .await
                .unwrap();
            match store
                .attach_policy(
                    &acct,
                    kind,
                    name,
                    "arn:aws:iam::aws:policy/IAMFullAccess",
                    2,
                )
                .await
            {
                Err(StoreError::Limit(m)) => {
                    assert!(
                        m.starts_with("Cannot exceed quota for PoliciesPer"),
                        "{b}: {m}"
                    );
                    assert!(m.ends_with(": 2"), "{b}: {m}");
                }
                other => panic!("{b}: {other:?}"),
            }
            let mut expected = vec![p.arn.clone(), AWS_READ.to_string()];
            if kind == EntityKind::User {
                // Bootstrap attached AdministratorAccess to the admin in its transaction.
                expected.push(stsgate::store::BOOTSTRAP_ADMIN_POLICY.to_string());
            }
            expected.sort();
            assert_eq!(
                store
                    .list_attached_policies(&acct, kind, name)
                    .await
                    .unwrap(),
                expected,
                "{b} {kind:?}"
            );
        }
        assert_eq!(
            store
                .attach_policy(&acct, EntityKind::Role, "ghost", AWS_READ, 10)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store
                .attach_policy(
                    &acct,
                    EntityKind::Role,
                    "app",
                    "arn:aws:iam::123456789012:policy/ghost",
                    10
                )
                .await,
            Err(StoreError::NotFound),
            "{b}: customer policies must exist"
        );
        assert_eq!(
            store
                .list_attached_policies(&acct, EntityKind::Group, "ghost")
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );

        let usage = store.policy_usage(&acct).await.unwrap();
        assert_eq!(
            usage.get(&p.arn),
            Some(&PolicyUsage {
                attachments: 3,
                boundaries: 0
            }),
            "{b}"
        );
        assert!(
            store
                .policy_usage(&other_account())
                .await
                .unwrap()
                .is_empty()
        );
        let entities = store.list_entities_for_policy(&acct, &p.arn).await.unwrap();
        let seen: Vec<(EntityKind, &str, &str, &str)> = entities
            .iter()
            .map(|e| (e.kind, e.name.as_str(), e.id.as_str(), e.path.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                (EntityKind::Group, "Ops", "AGPAOPS", "/ops/"),
                (EntityKind::User, "Admin", "AIDAADMINADMINADMIN1", "/"),
                (EntityKind::Role, "app", "AROAAPP", "/svc/"),
            ],
            "{b}"
        );
        assert!(entities.iter().all(|e| e.usage == PolicyUse::Attached));

        assert!(
            matches!(store.delete_policy(&p.arn).await, Err(StoreError::Conflict(m)) if m == "Cannot delete a policy attached to entities."),
            "{b}"
        );
        assert!(
            matches!(store.delete_role(&acct, "app").await, Err(StoreError::Conflict(m)) if m.contains("detach")),
            "{b}"
        );

        for (kind, name) in [
            (EntityKind::User, "Admin"),
            (EntityKind::Group, "ops"),
            (EntityKind::Role, "app"),
        ] {
            assert!(
                store
                    .detach_policy(&acct, kind, name, &p.arn)
                    .await
                    .unwrap()
            );
            assert!(
                !store
                    .detach_policy(&acct, kind, name, &p.arn)
                    .await
                    .unwrap()
            );
            assert!(
                store
                    .detach_policy(&acct, kind, name, AWS_READ)
                    .await
                    .unwrap()
            );
        }
        assert_eq!(
            store
                .detach_policy(&acct, EntityKind::User, "ghost", AWS_READ)
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        store.delete_policy(&p.arn).await.unwrap();
        store.delete_role(&acct, "app").await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn permissions_boundaries_of_users_and_roles() {
    for db in backends().await {
        let store = db.open_store().await;
        let b = db.backend;
        bootstrap(store.as_ref()).await;
        store.create_role(&role("app"), 1000).await.unwrap();
        let p = policy("Cap");
        store.create_policy(&p, DOC1, 1500).await.unwrap();
        let acct = account();

        store
            .set_permissions_boundary(&acct, EntityKind::Role, "APP", Some(&p.arn))
            .await
            .unwrap();
        store
            .set_permissions_boundary(&acct, EntityKind::User, "admin", Some(&p.arn))
            .await
            .unwrap();
        store
            .set_permissions_boundary(&acct, EntityKind::User, "admin", Some(&p.arn))
            .await
            .unwrap();
        assert_eq!(
            store
                .get_role(&acct, "app")
                .await
                .unwrap()
                .unwrap()
                .permissions_boundary
                .as_deref(),
            Some(p.arn.as_str()),
            "{b}"
        );
        assert_eq!(
            store.policy_usage(&acct).await.unwrap().get(&p.arn),
            Some(&PolicyUsage {
                attachments: 0,
                boundaries: 2
            }),
            "{b}"
        );
        let entities = store.list_entities_for_policy(&acct, &p.arn).await.unwrap();
        assert_eq!(entities.len(), 2, "{b}");
        assert!(entities.iter().all(|e| e.usage == PolicyUse::Boundary));
        assert!(
            matches!(
                store.delete_policy(&p.arn).await,
                Err(StoreError::Conflict(_))
            ),
            "{b}: a boundary in use blocks deletion"
        );

        assert_eq!(
            store
                .set_permissions_boundary(&acct, EntityKind::Role, "ghost", Some(AWS_READ))
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        assert_eq!(
            store
                .set_permissions_boundary(
                    &acct,
                    EntityKind::Role,
                    "app",
                    Some("arn:aws:iam::123456789012:policy/ghost")
                )
                .await,
            Err(StoreError::NotFound),
            "{b}"
        );
        store
            .set_permissions_boundary(&acct, EntityKind::Role, "app", Some(AWS_READ))
            .await
            .unwrap();
        store
            .set_permissions_boundary(&acct, EntityKind::User, "Admin", None)
            .await
            .unwrap();
        assert!(
            !store
                .policy_usage(&acct)
                .await
                .unwrap()
                .contains_key(&p.arn)
        );
        assert_eq!(
            store.policy_usage(&acct).await.unwrap().get(AWS_READ),
            Some(&PolicyUsage {
                attachments: 0,
                boundaries: 1
            }),
            "{b}"
        );
        store.delete_policy(&p.arn).await.unwrap();
        db.cleanup().await;
    }
}

#[tokio::test]
async fn cached_policy_reads_follow_writes() {
    for db in backends().await {
        let sql = db.open_sql().await;
        let b = db.backend;
        let cache = CachedStore::new(sql.clone());
        bootstrap(&cache).await;
        cache.create_role(&role("app"), 1000).await.unwrap();
        let p = policy("Cached");
        cache.create_policy(&p, DOC1, 1500).await.unwrap();
        let acct = account();

        assert_eq!(
            cache.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC1)
        );
        assert!(
            cache
                .list_attached_policies(&acct, EntityKind::Role, "app")
                .await
                .unwrap()
                .is_empty()
        );
        cache
            .create_policy_version(&p.arn, DOC2, true, 1_700_000_100, 5)
            .await
            .unwrap();
        cache
            .attach_policy(&acct, EntityKind::Role, "app", &p.arn, 10)
            .await
            .unwrap();
        assert_eq!(
            cache.default_document(&p.arn).await.unwrap().as_deref(),
            Some(DOC2),
            "{b}"
        );
        assert_eq!(
            cache
                .list_attached_policies(&acct, EntityKind::Role, "APP")
                .await
                .unwrap(),
            std::slice::from_ref(&p.arn),
            "{b}"
        );

        // A write another node makes is seen after the change-counter poll.
        let other: Arc<dyn Store> = sql.clone();
        other
            .detach_policy(&acct, EntityKind::Role, "app", &p.arn)
            .await
            .unwrap();
        assert_eq!(
            cache
                .list_attached_policies(&acct, EntityKind::Role, "app")
                .await
                .unwrap()
                .len(),
            1,
            "{b}: still cached"
        );
        cache.refresh().await.unwrap();
        assert!(
            cache
                .list_attached_policies(&acct, EntityKind::Role, "app")
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        db.cleanup().await;
    }
}
