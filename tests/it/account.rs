//! GetAccountSummary and GetAccountAuthorizationDetails over HTTP on every
//! backend: counts follow the store, quotas follow settings, details carry
//! every relationship that feeds a decision.

use crate::harness::TestServer;
use crate::iam::{IamClient, PERMS, TRUST};

fn summary(body: &str) -> Vec<(String, i64)> {
    body.split("<entry>")
        .skip(1)
        .map(|e| {
            let key = e
                .split("<key>")
                .nth(1)
                .and_then(|s| s.split("</key>").next());
            let value = e
                .split("<value>")
                .nth(1)
                .and_then(|s| s.split("</value>").next());
            (key.unwrap().to_string(), value.unwrap().parse().unwrap())
        })
        .collect()
}

fn get(map: &[(String, i64)], key: &str) -> i64 {
    map.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("{key} missing from {map:?}"))
}

async fn scenario(c: &IamClient) {
    let r = c.call("GetAccountSummary", &[]).await;
    r.assert_ok();
    let before = summary(&r.body);
    assert_eq!(before.len(), 34, "{}", r.body);
    assert_eq!(get(&before, "Users"), 1, "the bootstrap admin");
    assert_eq!(get(&before, "RolesQuota"), 7);
    assert_eq!(get(&before, "AccountAccessKeysPresent"), 0);
    assert_eq!(get(&before, "AccessKeysPerUserQuota"), 2);

    let ok = |r: crate::iam::Reply| {
        r.assert_ok();
    };
    ok(
        c.call("CreateUser", &[("UserName", "dora"), ("Path", "/eng/")])
            .await,
    );
    ok(c.call("CreateGroup", &[("GroupName", "ops")]).await);
    ok(c.call(
        "AddUserToGroup",
        &[("UserName", "dora"), ("GroupName", "ops")],
    )
    .await);
    ok(c.call(
        "CreateRole",
        &[("RoleName", "svc"), ("AssumeRolePolicyDocument", TRUST)],
    )
    .await);
    let r = c
        .call(
            "CreatePolicy",
            &[("PolicyName", "team"), ("PolicyDocument", PERMS)],
        )
        .await;
    r.assert_ok();
    let team = r.text("Arn").unwrap();
    ok(c.call(
        "CreatePolicyVersion",
        &[("PolicyArn", &team), ("PolicyDocument", PERMS)],
    )
    .await);
    ok(c.call(
        "AttachUserPolicy",
        &[("UserName", "dora"), ("PolicyArn", &team)],
    )
    .await);
    ok(c.call(
        "AttachGroupPolicy",
        &[
            ("GroupName", "ops"),
            ("PolicyArn", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
        ],
    )
    .await);
    ok(c.call(
        "PutRolePermissionsBoundary",
        &[("RoleName", "svc"), ("PermissionsBoundary", &team)],
    )
    .await);
    ok(c.call(
        "PutUserPolicy",
        &[
            ("UserName", "dora"),
            ("PolicyName", "own"),
            ("PolicyDocument", PERMS),
        ],
    )
    .await);
    ok(c.call(
        "PutGroupPolicy",
        &[
            ("GroupName", "ops"),
            ("PolicyName", "gp"),
            ("PolicyDocument", PERMS),
        ],
    )
    .await);
    ok(c.call(
        "PutRolePolicy",
        &[
            ("RoleName", "svc"),
            ("PolicyName", "rp"),
            ("PolicyDocument", PERMS),
        ],
    )
    .await);

    let after = summary(&c.call("GetAccountSummary", &[]).await.body);
    assert_eq!(get(&after, "Users"), 2);
    assert_eq!(get(&after, "Groups"), 1);
    assert_eq!(get(&after, "Roles"), get(&before, "Roles") + 1);
    assert_eq!(get(&after, "Policies"), 1);
    assert_eq!(
        get(&after, "PolicyVersionsInUse"),
        get(&before, "PolicyVersionsInUse") + 2,
        "two attachments"
    );

    let r = c.call("GetAccountAuthorizationDetails", &[]).await;
    r.assert_ok();
    let b = &r.body;
    let dora = b
        .split("<member><Path>/eng/</Path><UserName>dora</UserName>")
        .nth(1)
        .and_then(|s| s.split("</member><member><Path>").next())
        .unwrap_or_else(|| panic!("dora missing: {b}"));
    assert!(
        dora.contains(
            "<UserPolicyList><member><PolicyName>own</PolicyName><PolicyDocument>%7B%22Version%22"
        ),
        "{dora}"
    );
    assert!(
        dora.contains("<GroupList><member>ops</member></GroupList>"),
        "{dora}"
    );
    assert!(dora.contains(&format!("<AttachedManagedPolicies><member><PolicyName>team</PolicyName><PolicyArn>{team}</PolicyArn></member></AttachedManagedPolicies>")), "{dora}");
    assert!(b.contains("<GroupName>ops</GroupName>"));
    assert!(b.contains("<GroupPolicyList><member><PolicyName>gp</PolicyName>"));
    assert!(b.contains("<PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn>"));
    assert!(b.contains("<RoleName>svc</RoleName>"));
    assert!(
        b.contains("<InstanceProfileList/><RolePolicyList><member><PolicyName>rp</PolicyName>")
    );
    assert!(b.contains(&format!(
        "<PermissionsBoundaryArn>{team}</PermissionsBoundaryArn>"
    )));
    // Customer policy with both versions and their documents; the used AWS
    // policy too, the unused ones not.
    let policy = b
        .split("<Policies>")
        .nth(1)
        .unwrap_or_else(|| panic!("no Policies: {b}"));
    assert!(policy.contains("<PolicyName>team</PolicyName>"));
    assert!(policy.contains("<AttachmentCount>1</AttachmentCount><PermissionsBoundaryUsageCount>1</PermissionsBoundaryUsageCount>"), "{policy}");
    assert!(
        policy.contains("<VersionId>v2</VersionId><IsDefaultVersion>false</IsDefaultVersion>"),
        "{policy}"
    );
    assert!(
        policy.contains("<VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion>"),
        "{policy}"
    );
    assert!(policy.contains("<PolicyName>ReadOnlyAccess</PolicyName>"));
    // The admin holds AdministratorAccess, so it is used; S3 full access is not.
    assert!(policy.contains("<PolicyName>AdministratorAccess</PolicyName>"));
    assert!(!policy.contains("<PolicyName>AmazonS3FullAccess</PolicyName>"));
    assert!(policy.contains("<Document>%7B%22Version%22"));

    // Filters narrow the lists; the others come back empty.
    let r = c
        .call(
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "LocalManagedPolicy")],
        )
        .await;
    r.assert_ok();
    assert!(r.body.contains("<UserDetailList/><GroupDetailList/><RoleDetailList/><Policies><member><PolicyName>team</PolicyName>"), "{}", r.body);
    assert!(!r.body.contains("ReadOnlyAccess"));
    c.call(
        "GetAccountAuthorizationDetails",
        &[("Filter.member.1", "Users")],
    )
    .await
    .assert_error(400, "ValidationError");
}

#[tokio::test]
async fn account_summary_and_authorization_details_on_every_backend() {
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |s| s.max_roles_per_account = 7).await;
        let admin = server.admin_creds();
        let c = IamClient::new(&server.base, &admin.akid, &admin.secret);
        scenario(&c).await;
        server.stop().await;
        db.cleanup().await;
    }
}
