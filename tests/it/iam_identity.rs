//! IAM identity scenarios over HTTP on every backend: users, groups,
//! membership, access keys and their last use, user/group inline policies,
//! account aliases.

use crate::harness::{Creds, TestServer, error_code, xml_field};
use crate::iam::{IamClient, Reply};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn all(body: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    body.split(&open)
        .skip(1)
        .filter_map(|s| s.split(&close).next().map(str::to_string))
        .collect()
}

async fn lifecycle(server: &TestServer, c: &IamClient) {
    // Users: create, case-insensitive names, get, implicit caller.
    let r = c
        .call(
            "CreateUser",
            &[
                ("UserName", "alice"),
                ("Path", "/eng/"),
                ("Tags.member.1.Key", "team"),
                ("Tags.member.1.Value", "blue"),
            ],
        )
        .await;
    r.assert_ok();
    let user_id = r.text("UserId").unwrap();
    assert!(
        user_id.starts_with("AIDA") && user_id.len() == 20,
        "{user_id}"
    );
    assert_eq!(
        r.text("Arn").as_deref(),
        Some("arn:aws:iam::123456789012:user/eng/alice")
    );
    c.call("CreateUser", &[("UserName", "ALICE")])
        .await
        .assert_error(409, "EntityAlreadyExists");
    let r = c.call("GetUser", &[("UserName", "Alice")]).await;
    r.assert_ok();
    assert_eq!(r.text("Key").as_deref(), Some("team"));
    let me = c.call("GetUser", &[]).await;
    me.assert_ok();
    assert_eq!(me.text("UserName").as_deref(), Some("admin"));
    c.call("GetUser", &[("UserName", "nobody")])
        .await
        .assert_error(404, "NoSuchEntity");

    // Groups and membership.
    let r = c.call("CreateGroup", &[("GroupName", "devs")]).await;
    r.assert_ok();
    assert!(r.text("GroupId").unwrap().starts_with("AGPA"));
    c.call(
        "AddUserToGroup",
        &[("GroupName", "devs"), ("UserName", "alice")],
    )
    .await
    .assert_ok();
    c.call(
        "AddUserToGroup",
        &[("GroupName", "DEVS"), ("UserName", "alice")],
    )
    .await
    .assert_ok();
    let r = c.call("GetGroup", &[("GroupName", "devs")]).await;
    r.assert_ok();
    assert_eq!(all(&r.body, "UserName"), vec!["alice"]);
    for i in 0..9 {
        let g = format!("g{i}");
        c.call("CreateGroup", &[("GroupName", &g)])
            .await
            .assert_ok();
        c.call(
            "AddUserToGroup",
            &[("GroupName", &g), ("UserName", "alice")],
        )
        .await
        .assert_ok();
    }
    c.call("CreateGroup", &[("GroupName", "eleventh")])
        .await
        .assert_ok();
    let r = c
        .call(
            "AddUserToGroup",
            &[("GroupName", "eleventh"), ("UserName", "alice")],
        )
        .await;
    r.assert_error(409, "LimitExceeded");
    assert!(r.body.contains("Cannot exceed quota for GroupsPerUser: 10"));
    let r = c.call("ListGroupsForUser", &[("UserName", "alice")]).await;
    r.assert_ok();
    assert_eq!(all(&r.body, "GroupName").len(), 10);
    c.call("DeleteGroup", &[("GroupName", "devs")])
        .await
        .assert_error(409, "DeleteConflict");

    // Access keys.
    let r = c.call("CreateAccessKey", &[("UserName", "alice")]).await;
    r.assert_ok();
    let akid = r.text("AccessKeyId").unwrap();
    let secret = r.text("SecretAccessKey").unwrap();
    assert!(akid.starts_with("AKIA") && secret.len() == 40);
    assert_eq!(r.text("Status").as_deref(), Some("Active"));
    c.call("CreateAccessKey", &[("UserName", "alice")])
        .await
        .assert_ok();
    let r = c.call("CreateAccessKey", &[("UserName", "alice")]).await;
    r.assert_error(409, "LimitExceeded");
    let r = c.call("ListAccessKeys", &[("UserName", "alice")]).await;
    r.assert_ok();
    let listed = all(&r.body, "AccessKeyId");
    assert_eq!(listed.len(), 2);
    assert!(listed.contains(&akid));
    assert!(!r.body.contains("SecretAccessKey") && !r.body.contains(&secret));

    // Never used yet.
    let r = c
        .call("GetAccessKeyLastUsed", &[("AccessKeyId", &akid)])
        .await;
    r.assert_ok();
    assert_eq!(r.text("UserName").as_deref(), Some("alice"));
    assert_eq!(r.text("ServiceName").as_deref(), Some("N/A"));
    assert_eq!(r.text("Region").as_deref(), Some("N/A"));
    assert!(r.text("LastUsedDate").is_none());

    // The new key authenticates…
    let alice = Creds {
        akid: akid.clone(),
        secret: secret.clone(),
        token: None,
    };
    let (status, body) = server
        .signed(
            &alice,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        xml_field(&body, "Arn").as_deref(),
        Some("arn:aws:iam::123456789012:user/eng/alice")
    );
    assert_eq!(xml_field(&body, "UserId"), Some(user_id.clone()));
    // …but a new user may do nothing in IAM.
    let alice_iam = IamClient::new(&server.base, &akid, &secret);
    alice_iam
        .call("ListUsers", &[])
        .await
        .assert_error(403, "AccessDenied");
    let r = c
        .call("GetAccessKeyLastUsed", &[("AccessKeyId", &akid)])
        .await;
    r.assert_ok();
    assert_eq!(r.text("ServiceName").as_deref(), Some("sts"));
    assert_eq!(r.text("Region").as_deref(), Some("us-east-1"));
    assert!(r.text("LastUsedDate").is_some());

    // Inactive keys stop authenticating at once; reactivated, they work again.
    c.call(
        "UpdateAccessKey",
        &[
            ("UserName", "alice"),
            ("AccessKeyId", &akid),
            ("Status", "Inactive"),
        ],
    )
    .await
    .assert_ok();
    let (status, body) = server
        .signed(
            &alice,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "InvalidClientTokenId");
    c.call(
        "UpdateAccessKey",
        &[
            ("UserName", "admin"),
            ("AccessKeyId", &akid),
            ("Status", "Active"),
        ],
    )
    .await
    .assert_error(404, "NoSuchEntity");

    // Inline policies.
    c.call(
        "PutUserPolicy",
        &[
            ("UserName", "alice"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ],
    )
    .await
    .assert_ok();
    let r = c
        .call(
            "GetUserPolicy",
            &[("UserName", "alice"), ("PolicyName", "ALL")],
        )
        .await;
    r.assert_ok();
    assert_eq!(
        r.text("PolicyDocument").as_deref(),
        Some(
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
        )
    );
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
        "a".repeat(2000)
    );
    let r = c
        .call(
            "PutUserPolicy",
            &[
                ("UserName", "alice"),
                ("PolicyName", "big"),
                ("PolicyDocument", &big),
            ],
        )
        .await;
    r.assert_error(409, "LimitExceeded");
    assert!(
        r.body
            .contains("Maximum policy size of 2048 bytes exceeded for user alice"),
        "{}",
        r.body
    );
    c.call(
        "PutUserPolicy",
        &[
            ("UserName", "alice"),
            ("PolicyName", "bad"),
            ("PolicyDocument", "{}"),
        ],
    )
    .await
    .assert_error(400, "MalformedPolicyDocument");
    let r = c.call("ListUserPolicies", &[("UserName", "alice")]).await;
    r.assert_ok();
    assert_eq!(all(&r.body, "member"), vec!["all"]);
    c.call(
        "PutGroupPolicy",
        &[
            ("GroupName", "devs"),
            ("PolicyName", "gp"),
            ("PolicyDocument", ALLOW_ALL),
        ],
    )
    .await
    .assert_ok();
    let r = c
        .call(
            "GetGroupPolicy",
            &[("GroupName", "devs"), ("PolicyName", "gp")],
        )
        .await;
    r.assert_ok();
    assert_eq!(r.text("GroupName").as_deref(), Some("devs"));
    let r = c.call("ListGroupPolicies", &[("GroupName", "devs")]).await;
    assert_eq!(all(&r.body, "member"), vec!["gp"]);

    // DeleteUser is refused until keys, policies and memberships are gone.
    let delete = || c.call("DeleteUser", &[("UserName", "alice")]);
    delete().await.assert_error(409, "DeleteConflict");
    let r = c.call("ListAccessKeys", &[("UserName", "alice")]).await;
    for id in all(&r.body, "AccessKeyId") {
        c.call(
            "DeleteAccessKey",
            &[("UserName", "alice"), ("AccessKeyId", &id)],
        )
        .await
        .assert_ok();
    }
    delete().await.assert_error(409, "DeleteConflict");
    c.call(
        "DeleteUserPolicy",
        &[("UserName", "alice"), ("PolicyName", "all")],
    )
    .await
    .assert_ok();
    c.call(
        "DeleteUserPolicy",
        &[("UserName", "alice"), ("PolicyName", "all")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    let r = delete().await;
    r.assert_error(409, "DeleteConflict");
    assert!(r.body.contains("groups"), "{}", r.body);
    let r = c.call("ListGroupsForUser", &[("UserName", "alice")]).await;
    for g in all(&r.body, "GroupName") {
        c.call(
            "RemoveUserFromGroup",
            &[("GroupName", &g), ("UserName", "alice")],
        )
        .await
        .assert_ok();
    }
    c.call(
        "RemoveUserFromGroup",
        &[("GroupName", "devs"), ("UserName", "alice")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    delete().await.assert_ok();
    delete().await.assert_error(404, "NoSuchEntity");
    c.call("DeleteGroup", &[("GroupName", "devs")])
        .await
        .assert_error(409, "DeleteConflict");
    c.call(
        "DeleteGroupPolicy",
        &[("GroupName", "devs"), ("PolicyName", "gp")],
    )
    .await
    .assert_ok();
    c.call("DeleteGroup", &[("GroupName", "devs")])
        .await
        .assert_ok();
    c.call("GetGroup", &[("GroupName", "devs")])
        .await
        .assert_error(404, "NoSuchEntity");
}

async fn rename_tags_and_pagination(c: &IamClient) {
    for name in ["u-c", "u-a", "u-e", "u-b", "u-d"] {
        c.call("CreateUser", &[("UserName", name), ("Path", "/p/")])
            .await
            .assert_ok();
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut params = vec![("PathPrefix", "/p/"), ("MaxItems", "2")];
        if let Some(m) = &marker {
            params.push(("Marker", m.as_str()));
        }
        let r: Reply = c.call("ListUsers", &params).await;
        r.assert_ok();
        assert!(!r.body.contains("<Tags>") && !r.body.contains("PermissionsBoundary"));
        seen.extend(all(&r.body, "UserName"));
        pages += 1;
        if r.text("IsTruncated").as_deref() == Some("true") {
            marker = r.text("Marker");
        } else {
            assert!(r.text("Marker").is_none());
            break;
        }
    }
    assert_eq!(seen, vec!["u-a", "u-b", "u-c", "u-d", "u-e"]);
    assert_eq!(pages, 3);

    c.call(
        "TagUser",
        &[
            ("UserName", "u-a"),
            ("Tags.member.1.Key", "Env"),
            ("Tags.member.1.Value", "dev"),
        ],
    )
    .await
    .assert_ok();
    c.call(
        "UntagUser",
        &[("UserName", "u-a"), ("TagKeys.member.1", "nope")],
    )
    .await
    .assert_ok();
    let r = c.call("ListUserTags", &[("UserName", "u-a")]).await;
    assert_eq!(r.text("Key").as_deref(), Some("Env"));
    c.call(
        "UntagUser",
        &[("UserName", "u-a"), ("TagKeys.member.1", "ENV")],
    )
    .await
    .assert_ok();
    let r = c.call("ListUserTags", &[("UserName", "u-a")]).await;
    assert!(r.text("Key").is_none(), "{}", r.body);

    c.call("CreateAccessKey", &[("UserName", "u-a")])
        .await
        .assert_ok();
    c.call("UpdateUser", &[("UserName", "u-a"), ("NewUserName", "u-b")])
        .await
        .assert_error(409, "EntityAlreadyExists");
    c.call(
        "UpdateUser",
        &[
            ("UserName", "u-a"),
            ("NewUserName", "renamed"),
            ("NewPath", "/q/"),
        ],
    )
    .await
    .assert_ok();
    let r = c.call("GetUser", &[("UserName", "renamed")]).await;
    assert_eq!(
        r.text("Arn").as_deref(),
        Some("arn:aws:iam::123456789012:user/q/renamed")
    );
    let r = c.call("ListAccessKeys", &[("UserName", "renamed")]).await;
    assert_eq!(r.text("UserName").as_deref(), Some("renamed"));
    c.call("CreateUser", &[("UserName", "bad name")])
        .await
        .assert_error(400, "ValidationError");

    // Account aliases.
    c.call("ListAccountAliases", &[]).await.assert_ok();
    c.call("CreateAccountAlias", &[("AccountAlias", "my-corp")])
        .await
        .assert_ok();
    let r = c.call("ListAccountAliases", &[]).await;
    assert_eq!(all(&r.body, "member"), vec!["my-corp"]);
    c.call("CreateAccountAlias", &[("AccountAlias", "My_Corp")])
        .await
        .assert_error(400, "ValidationError");
    c.call("DeleteAccountAlias", &[("AccountAlias", "other")])
        .await
        .assert_error(404, "NoSuchEntity");
    c.call("DeleteAccountAlias", &[("AccountAlias", "my-corp")])
        .await
        .assert_ok();
    let r = c.call("ListAccountAliases", &[]).await;
    assert!(all(&r.body, "member").is_empty());
}

#[tokio::test]
async fn identity_on_every_backend() {
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let c = IamClient::new(&server.base, &admin.akid, &admin.secret);
        lifecycle(&server, &c).await;
        rename_tags_and_pagination(&c).await;
        server.stop().await;
        db.cleanup().await;
    }
}
