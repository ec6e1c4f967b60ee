//! Identity store conformance (users, groups, access keys, user/group inline
//! policies, aliases) on every backend, directly and through the cache.

use std::sync::Arc;

use stsgate::core::arn::AccountId;
use stsgate::store::cached::CachedStore;
use stsgate::store::{
    AccessKey, AccessKeyLastUsed, Group, InlinePolicy, KeyStatus, Store, StoreError, Tag, User,
};

use crate::support::backends;

const ACCT: &str = "123456789012";

fn account() -> AccountId {
    AccountId::parse(ACCT).unwrap()
}

fn user(name: &str) -> User {
    User {
        account: account(),
        name: name.into(),
        path: "/".into(),
        user_id: format!("AIDA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{ACCT}:user/{name}"),
        created: 1_700_000_000,
        tags: Vec::new(),
        is_admin: false,
        permissions_boundary: None,
    }
}

fn group(name: &str) -> Group {
    Group {
        account: account(),
        name: name.into(),
        path: "/g/".into(),
        group_id: format!("AGPA{}", name.to_uppercase()),
        arn: format!("arn:aws:iam::{ACCT}:group/g/{name}"),
        created: 1_700_000_000,
    }
}

fn key(u: &User, id: &str) -> AccessKey {
    AccessKey {
        access_key_id: id.into(),
        account: account(),
        user_name: u.name.clone(),
        user_id: u.user_id.clone(),
        secret_sealed: vec![1, 2, 3],
        status: KeyStatus::Active,
        created: 1_700_000_001,
    }
}

fn doc(sid: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Action":"s3:*","Resource":"*"}}]}}"#
    )
}

fn policy(name: &str, document: &str) -> InlinePolicy {
    InlinePolicy {
        name: name.into(),
        document: document.into(),
    }
}

/// A store with its account bootstrapped, raw and cached.
async fn stores(db: &crate::support::TestDb) -> Vec<(String, Arc<dyn Store>)> {
    let raw: Arc<dyn Store> = db.open_store().await;
    let mut admin = user("Admin");
    admin.is_admin = true;
    raw.bootstrap(&admin, &key(&admin, "AKIAADMIN0000000"))
        .await
        .unwrap();
    let cached: Arc<dyn Store> = Arc::new(CachedStore::new(raw.clone()));
    vec![
        (format!("{} raw", db.backend), raw),
        (format!("{} cached", db.backend), cached),
    ]
}

fn is_conflict(e: StoreError, needle: &str) -> bool {
    matches!(e, StoreError::Conflict(m) if m.contains(needle))
}

#[tokio::test]
async fn users_create_list_rename_tag_delete() {
    for db in backends().await {
        let all = stores(&db).await;
        for (i, (b, store)) in all.iter().enumerate() {
            let a = account();
            let name = format!("Bob{i}");
            let mut u = user(&name);
            u.tags = vec![Tag {
                key: "team".into(),
                value: "x".into(),
            }];
            u.permissions_boundary = Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
            store.create_user(&u, 5000).await.unwrap();
            assert_eq!(
                store.get_user(&a, &name.to_lowercase()).await.unwrap(),
                Some(u.clone()),
                "{b}"
            );
            assert_eq!(
                store.create_user(&user(&name.to_uppercase()), 5000).await,
                Err(StoreError::AlreadyExists),
                "{b}"
            );
            let n = store.list_users(&a).await.unwrap().len();
            assert!(matches!(
                store.create_user(&user("over"), n).await,
                Err(StoreError::Limit(m)) if m == format!("Cannot exceed quota for UsersPerAccount: {n}")
            ));

            // Dependants follow a rename.
            store
                .create_group(&group(&format!("G{i}")), 300)
                .await
                .unwrap();
            store
                .add_user_to_group(&a, &format!("G{i}"), &name, 10)
                .await
                .unwrap();
            store
                .create_access_key(&key(&u, &format!("AKIAKEY{i}00000000")), 2)
                .await
                .unwrap();
            store
                .put_user_policy(&a, &name, &policy("p", &doc("a")), 2048)
                .await
                .unwrap();
            // Warm the caches, then rename.
            store.list_user_policies(&a, &name).await.unwrap();
            store.list_groups_for_user(&a, &name).await.unwrap();
            let new_name = format!("Robert{i}");
            store
                .update_user(&a, &name, Some(&new_name), Some("/eng/"))
                .await
                .unwrap();
            assert_eq!(store.get_user(&a, &name).await.unwrap(), None, "{b}");
            let renamed = store.get_user(&a, &new_name).await.unwrap().unwrap();
            assert_eq!(renamed.path, "/eng/");
            assert_eq!(
                renamed.arn,
                format!("arn:aws:iam::{ACCT}:user/eng/{new_name}")
            );
            assert_eq!(renamed.user_id, u.user_id);
            let keys = store.list_access_keys(&a, &new_name).await.unwrap();
            assert_eq!(keys.len(), 1, "{b}");
            assert_eq!(keys[0].user_name, new_name);
            assert_eq!(
                store.list_groups_for_user(&a, &new_name).await.unwrap()[0].name,
                format!("G{i}")
            );
            assert_eq!(
                store.list_user_policies(&a, &new_name).await.unwrap().len(),
                1
            );
            assert_eq!(
                store.list_user_policies(&a, &name).await,
                Err(StoreError::NotFound),
                "{b}"
            );
            assert_eq!(
                store.update_user(&a, &new_name, Some("admin"), None).await,
                Err(StoreError::AlreadyExists)
            );
            // Case-only rename of oneself is allowed.
            store
                .update_user(&a, &new_name, Some(&new_name.to_uppercase()), None)
                .await
                .unwrap();
            let new_name = new_name.to_uppercase();

            store.set_user_tags(&a, &new_name, &[]).await.unwrap();
            store.set_user_boundary(&a, &new_name, None).await.unwrap();
            let got = store.get_user(&a, &new_name).await.unwrap().unwrap();
            assert!(
                got.tags.is_empty() && got.permissions_boundary.is_none(),
                "{b}"
            );

            // Delete refuses while dependants remain, one kind at a time.
            let e = store.delete_user(&a, &new_name).await.unwrap_err();
            assert!(is_conflict(e, "must delete access keys first"), "{b}");
            store
                .delete_access_key(&a, &new_name, &format!("AKIAKEY{i}00000000"))
                .await
                .unwrap();
            let e = store.delete_user(&a, &new_name).await.unwrap_err();
            assert!(is_conflict(e, "must delete policies first"), "{b}");
            store.delete_user_policy(&a, &new_name, "P").await.unwrap();
            let e = store.delete_user(&a, &new_name).await.unwrap_err();
            assert!(
                is_conflict(e, "must remove user from all groups first"),
                "{b}"
            );
            store
                .remove_user_from_group(&a, &format!("g{i}"), &new_name)
                .await
                .unwrap();
            store.delete_user(&a, &new_name).await.unwrap();
            assert_eq!(store.get_user(&a, &new_name).await.unwrap(), None);
            assert_eq!(
                store.delete_user(&a, &new_name).await,
                Err(StoreError::NotFound)
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn groups_and_membership() {
    for db in backends().await {
        let all = stores(&db).await;
        for (i, (b, store)) in all.iter().enumerate() {
            let a = account();
            let u = user(&format!("member{i}"));
            store.create_user(&u, 5000).await.unwrap();
            let g = group(&format!("Devs{i}"));
            store.create_group(&g, 300).await.unwrap();
            assert_eq!(
                store.get_group(&a, &g.name.to_uppercase()).await.unwrap(),
                Some(g.clone()),
                "{b}"
            );
            assert_eq!(
                store.create_group(&g, 300).await,
                Err(StoreError::AlreadyExists)
            );
            let n = store.list_groups(&a).await.unwrap().len();
            assert!(matches!(
                store.create_group(&group("over"), n).await,
                Err(StoreError::Limit(m)) if m.contains("GroupsPerAccount")
            ));
            store
                .add_user_to_group(&a, &g.name, &u.name, 10)
                .await
                .unwrap();
            // Idempotent.
            store
                .add_user_to_group(&a, &g.name, &u.name, 10)
                .await
                .unwrap();
            assert_eq!(
                store.list_group_members(&a, &g.name).await.unwrap(),
                vec![u.clone()]
            );
            assert_eq!(
                store.add_user_to_group(&a, "nope", &u.name, 10).await,
                Err(StoreError::NotFound)
            );
            assert_eq!(
                store.add_user_to_group(&a, &g.name, "nope", 10).await,
                Err(StoreError::NotFound)
            );
            // Groups-per-user quota.
            for j in 0..9 {
                let name = format!("extra{i}-{j}");
                store.create_group(&group(&name), 300).await.unwrap();
                store
                    .add_user_to_group(&a, &name, &u.name, 10)
                    .await
                    .unwrap();
            }
            store
                .create_group(&group(&format!("eleventh{i}")), 300)
                .await
                .unwrap();
            assert_eq!(
                store
                    .add_user_to_group(&a, &format!("eleventh{i}"), &u.name, 10)
                    .await,
                Err(StoreError::Limit(
                    "Cannot exceed quota for GroupsPerUser: 10".into()
                )),
                "{b}"
            );
            let mine = store.list_groups_for_user(&a, &u.name).await.unwrap();
            assert_eq!(mine.len(), 10, "{b}");
            assert_eq!(mine[0].name, g.name);

            store
                .put_group_policy(&a, &g.name, &policy("gp", &doc("g")), 5120)
                .await
                .unwrap();
            let e = store.delete_group(&a, &g.name).await.unwrap_err();
            assert!(is_conflict(e, "must remove users from group first"), "{b}");
            store
                .remove_user_from_group(&a, &g.name, &u.name)
                .await
                .unwrap();
            assert_eq!(
                store.remove_user_from_group(&a, &g.name, &u.name).await,
                Err(StoreError::NotFound)
            );
            assert_eq!(
                store.list_groups_for_user(&a, &u.name).await.unwrap().len(),
                9
            );
            let e = store.delete_group(&a, &g.name).await.unwrap_err();
            assert!(is_conflict(e, "must delete policies first"), "{b}");
            store.delete_group_policy(&a, &g.name, "gp").await.unwrap();
            store.delete_group(&a, &g.name).await.unwrap();
            assert_eq!(store.get_group(&a, &g.name).await.unwrap(), None);
            assert_eq!(
                store.list_group_members(&a, &g.name).await,
                Err(StoreError::NotFound)
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn access_keys_quota_status_and_last_use() {
    for db in backends().await {
        let all = stores(&db).await;
        for (i, (b, store)) in all.iter().enumerate() {
            let a = account();
            let u = user(&format!("keyed{i}"));
            store.create_user(&u, 5000).await.unwrap();
            let k1 = format!("AKIAFIRST{i}0000000");
            let k2 = format!("AKIASECOND{i}000000");
            store.create_access_key(&key(&u, &k1), 2).await.unwrap();
            store.create_access_key(&key(&u, &k2), 2).await.unwrap();
            assert_eq!(
                store
                    .create_access_key(&key(&u, "AKIATHIRD0000000"), 2)
                    .await,
                Err(StoreError::Limit(
                    "Cannot exceed quota for AccessKeysPerUser: 2".into()
                )),
                "{b}"
            );
            assert_eq!(
                store
                    .create_access_key(&key(&user("ghost"), "AKIAGHOST0000000"), 2)
                    .await,
                Err(StoreError::NotFound)
            );
            let listed = store
                .list_access_keys(&a, &u.name.to_uppercase())
                .await
                .unwrap();
            assert_eq!(listed.len(), 2, "{b}");
            // The cache must see the status change at once.
            assert_eq!(
                store.get_access_key(&k1).await.unwrap().unwrap().status,
                KeyStatus::Active
            );
            store
                .update_access_key_status(&a, &u.name, &k1, KeyStatus::Inactive)
                .await
                .unwrap();
            assert_eq!(
                store.get_access_key(&k1).await.unwrap().unwrap().status,
                KeyStatus::Inactive,
                "{b}"
            );
            assert_eq!(
                store
                    .update_access_key_status(&a, "Admin", &k1, KeyStatus::Active)
                    .await,
                Err(StoreError::NotFound),
                "a key is only found under its own user"
            );

            assert_eq!(store.access_key_last_used(&k1).await.unwrap(), None);
            let used = AccessKeyLastUsed {
                used: 1_700_000_100,
                service: "sts".into(),
                region: "us-east-1".into(),
            };
            store.record_access_key_use(&k1, &used).await.unwrap();
            assert_eq!(store.access_key_last_used(&k1).await.unwrap(), Some(used));

            store.delete_access_key(&a, &u.name, &k1).await.unwrap();
            assert_eq!(store.get_access_key(&k1).await.unwrap(), None, "{b}");
            assert_eq!(
                store.delete_access_key(&a, &u.name, &k1).await,
                Err(StoreError::NotFound)
            );
            assert_eq!(
                store.list_access_keys(&a, "ghost").await,
                Err(StoreError::NotFound)
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn inline_policy_quotas() {
    for db in backends().await {
        let all = stores(&db).await;
        for (i, (b, store)) in all.iter().enumerate() {
            let a = account();
            let u = user(&format!("pol{i}"));
            store.create_user(&u, 5000).await.unwrap();
            let g = group(&format!("polg{i}"));
            store.create_group(&g, 300).await.unwrap();
            let d = doc("a");
            let size = stsgate::store::non_whitespace_len(&d);
            store
                .put_user_policy(&a, &u.name, &policy("one", &d), size * 2)
                .await
                .unwrap();
            // Replacing a same-named policy does not count twice.
            store
                .put_user_policy(&a, &u.name, &policy("ONE", &d), size * 2)
                .await
                .unwrap();
            store
                .put_user_policy(&a, &u.name, &policy("two", &d), size * 2)
                .await
                .unwrap();
            assert_eq!(
                store
                    .put_user_policy(&a, &u.name, &policy("three", &d), size * 2)
                    .await,
                Err(StoreError::Limit(format!(
                    "Maximum policy size of {} bytes exceeded for user {}",
                    size * 2,
                    u.name
                ))),
                "{b}"
            );
            let names: Vec<String> = store
                .list_user_policies(&a, &u.name)
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.name)
                .collect();
            assert_eq!(names, vec!["ONE", "two"], "{b}");
            assert_eq!(
                store.get_user_policy(&a, &u.name, "one").await.unwrap(),
                Some(policy("ONE", &d))
            );
            assert_eq!(
                store
                    .put_user_policy(&a, "ghost", &policy("x", &d), 2048)
                    .await,
                Err(StoreError::NotFound)
            );

            store
                .put_group_policy(&a, &g.name, &policy("gp", &d), size)
                .await
                .unwrap();
            assert!(matches!(
                store.put_group_policy(&a, &g.name, &policy("gq", &d), size).await,
                Err(StoreError::Limit(m)) if m.ends_with(&format!("for group {}", g.name))
            ));
            assert_eq!(
                store.list_group_policies(&a, &g.name).await.unwrap().len(),
                1
            );
            store.delete_group_policy(&a, &g.name, "GP").await.unwrap();
            assert!(
                store
                    .list_group_policies(&a, &g.name)
                    .await
                    .unwrap()
                    .is_empty()
            );
            assert_eq!(
                store.delete_group_policy(&a, &g.name, "gp").await,
                Err(StoreError::NotFound),
                "{b}"
            );
            assert_eq!(
                store.get_group_policy(&a, &g.name, "gp").await.unwrap(),
                None
            );
        }
        db.cleanup().await;
    }
}

#[tokio::test]
async fn account_aliases_are_unique_and_single() {
    for db in backends().await {
        let all = stores(&db).await;
        let other = AccountId::parse("210987654321").unwrap();
        for (i, (b, store)) in all.iter().enumerate() {
            let a = account();
            let first = format!("first-{i}");
            store.create_account_alias(&a, &first).await.unwrap();
            store.create_account_alias(&a, &first).await.unwrap();
            assert_eq!(
                store.list_account_aliases(&a).await.unwrap(),
                vec![first.clone()]
            );
            let second = format!("second-{i}");
            store.create_account_alias(&a, &second).await.unwrap();
            assert_eq!(
                store.list_account_aliases(&a).await.unwrap(),
                vec![second.clone()],
                "{b}: one alias per account"
            );
            assert_eq!(
                store.create_account_alias(&other, &second).await,
                Err(StoreError::AlreadyExists),
                "{b}"
            );
            assert_eq!(
                store.delete_account_alias(&a, &first).await,
                Err(StoreError::NotFound)
            );
            store.delete_account_alias(&a, &second).await.unwrap();
            assert!(store.list_account_aliases(&a).await.unwrap().is_empty());
        }
        db.cleanup().await;
    }
}
