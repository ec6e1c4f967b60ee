//! Managed-policy scenarios over HTTP on every backend: lifecycle, versions,
//! the AWS catalogue, attachments and their limits, boundaries.

use crate::iam::{IamClient, PERMS, TRUST};

const ACCT: &str = crate::harness::ACCOUNT;
const PERMS2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}"#;
const AWS_READ: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";
const AWS_ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn arn_of(name: &str) -> String {
    format!("arn:aws:iam::{ACCT}:policy/team/{name}")
}

async fn create_policy(c: &IamClient, name: &str) -> String {
    let r = c
        .call(
            "CreatePolicy",
            &[
                ("PolicyName", name),
                ("Path", "/team/"),
                ("PolicyDocument", PERMS),
            ],
        )
        .await;
    r.assert_ok();
    r.text("Arn").unwrap()
}

/// Create, read, version, list and delete a customer managed policy.
async fn policy_lifecycle(c: &IamClient) {
    let r = c
        .call(
            "CreatePolicy",
            &[
                ("PolicyName", "it-read"),
                ("Path", "/team/"),
                ("PolicyDocument", PERMS),
                ("Description", "reads objects"),
                ("Tags.member.1.Key", "Team"),
                ("Tags.member.1.Value", "a"),
            ],
        )
        .await;
    r.assert_ok();
    let arn = arn_of("it-read");
    assert!(
        r.body
            .contains("<CreatePolicyResult><Policy><PolicyName>it-read</PolicyName><PolicyId>ANPA"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(&format!("<Arn>{arn}</Arn><Path>/team/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount><IsAttachable>true</IsAttachable><Description>reads objects</Description><CreateDate>")),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<Tags><member><Key>Team</Key><Value>a</Value></member></Tags>")
    );

    let r = c
        .call(
            "CreatePolicy",
            &[("PolicyName", "IT-READ"), ("PolicyDocument", PERMS)],
        )
        .await;
    r.assert_error(409, "EntityAlreadyExists");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("A policy called IT-READ already exists. Duplicate names are not allowed.")
    );

    let r = c.call("GetPolicy", &[("PolicyArn", &arn)]).await;
    r.assert_ok();
    assert_eq!(r.text("PolicyName").as_deref(), Some("it-read"));
    assert_eq!(r.text("Key").as_deref(), Some("Team"));

    // Versions: v2 not default, v3 default.
    let r = c
        .call(
            "CreatePolicyVersion",
            &[("PolicyArn", &arn), ("PolicyDocument", PERMS2)],
        )
        .await;
    r.assert_ok();
    assert!(
        r.body.contains("<CreatePolicyVersionResult><PolicyVersion><VersionId>v2</VersionId><IsDefaultVersion>false</IsDefaultVersion><CreateDate>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<Document>"), "{}", r.body);
    let r = c
        .call(
            "CreatePolicyVersion",
            &[
                ("PolicyArn", &arn),
                ("PolicyDocument", PERMS2),
                ("SetAsDefault", "true"),
            ],
        )
        .await;
    r.assert_ok();
    assert_eq!(r.text("IsDefaultVersion").as_deref(), Some("true"));
    let r = c.call("GetPolicy", &[("PolicyArn", &arn)]).await;
    assert_eq!(r.text("DefaultVersionId").as_deref(), Some("v3"));

    let r = c
        .call(
            "GetPolicyVersion",
            &[("PolicyArn", &arn), ("VersionId", "v1")],
        )
        .await;
    r.assert_ok();
    let doc = r.text("Document").unwrap();
    assert!(
        doc.starts_with("%7B%22Version%22%3A%222012-10-17%22"),
        "{doc}"
    );
    assert_eq!(decode(&doc), PERMS);
    assert_eq!(r.text("IsDefaultVersion").as_deref(), Some("false"));
    c.call(
        "GetPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v9")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    c.call(
        "GetPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "version1")],
    )
    .await
    .assert_error(400, "ValidationError");

    let r = c.call("ListPolicyVersions", &[("PolicyArn", &arn)]).await;
    r.assert_ok();
    assert!(!r.body.contains("<Document>"), "{}", r.body);
    let order: Vec<&str> = r
        .body
        .match_indices("<VersionId>")
        .map(|(i, _)| &r.body[i + 11..i + 13])
        .collect();
    assert_eq!(order, ["v3", "v2", "v1"], "{}", r.body);
    let r = c
        .call(
            "ListPolicyVersions",
            &[("PolicyArn", &arn), ("MaxItems", "2")],
        )
        .await;
    assert_eq!(r.text("IsTruncated").as_deref(), Some("true"));
    let marker = r.text("Marker").unwrap();
    let r = c
        .call(
            "ListPolicyVersions",
            &[("PolicyArn", &arn), ("Marker", &marker)],
        )
        .await;
    assert_eq!(r.text("VersionId").as_deref(), Some("v1"), "{}", r.body);

    // Up to 5 versions.
    for _ in 0..2 {
        c.call(
            "CreatePolicyVersion",
            &[("PolicyArn", &arn), ("PolicyDocument", PERMS)],
        )
        .await
        .assert_ok();
    }
    let r = c
        .call(
            "CreatePolicyVersion",
            &[("PolicyArn", &arn), ("PolicyDocument", PERMS)],
        )
        .await;
    r.assert_error(409, "LimitExceeded");
    assert_eq!(
        r.text("Message").as_deref(),
        Some(
            "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version."
        )
    );

    // The default version cannot be deleted; nor can a policy with other versions.
    let r = c
        .call(
            "DeletePolicyVersion",
            &[("PolicyArn", &arn), ("VersionId", "v3")],
        )
        .await;
    r.assert_error(409, "DeleteConflict");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("Cannot delete the default version of a policy.")
    );
    c.call("DeletePolicy", &[("PolicyArn", &arn)])
        .await
        .assert_error(409, "DeleteConflict");
    c.call(
        "SetDefaultPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v1")],
    )
    .await
    .assert_ok();
    c.call(
        "SetDefaultPolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v7")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    let r = c
        .call(
            "GetPolicyVersion",
            &[("PolicyArn", &arn), ("VersionId", "v1")],
        )
        .await;
    assert_eq!(r.text("IsDefaultVersion").as_deref(), Some("true"));
    for v in ["v2", "v3", "v4", "v5"] {
        c.call(
            "DeletePolicyVersion",
            &[("PolicyArn", &arn), ("VersionId", v)],
        )
        .await
        .assert_ok();
    }
    c.call(
        "DeletePolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v5")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    // Numbers are not reused after deletions.
    let r = c
        .call(
            "CreatePolicyVersion",
            &[("PolicyArn", &arn), ("PolicyDocument", PERMS)],
        )
        .await;
    assert_eq!(r.text("VersionId").as_deref(), Some("v6"));
    c.call(
        "DeletePolicyVersion",
        &[("PolicyArn", &arn), ("VersionId", "v6")],
    )
    .await
    .assert_ok();

    let r = c
        .call(
            "ListPolicies",
            &[("Scope", "Local"), ("PathPrefix", "/team/")],
        )
        .await;
    r.assert_ok();
    assert!(
        r.body.contains("<PolicyName>it-read</PolicyName>"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("<Tags>"),
        "ListPolicies omits tags: {}",
        r.body
    );
    assert!(!r.body.contains("AdministratorAccess"), "{}", r.body);

    c.call("DeletePolicy", &[("PolicyArn", &arn)])
        .await
        .assert_ok();
    let r = c.call("GetPolicy", &[("PolicyArn", &arn)]).await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message"),
        Some(format!("Policy {arn} was not found."))
    );
}

/// Bad documents, paths and ARNs get AWS's codes.
async fn policy_validation(c: &IamClient) {
    c.call(
        "CreatePolicy",
        &[("PolicyName", "bad"), ("PolicyDocument", "{")],
    )
    .await
    .assert_error(400, "MalformedPolicyDocument");
    // A Principal belongs in trust policies only.
    c.call(
        "CreatePolicy",
        &[("PolicyName", "bad"), ("PolicyDocument", TRUST)],
    )
    .await
    .assert_error(400, "MalformedPolicyDocument");
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{}","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}}"#,
        "a".repeat(6100)
    );
    let r = c
        .call(
            "CreatePolicy",
            &[("PolicyName", "big"), ("PolicyDocument", &big)],
        )
        .await;
    r.assert_error(409, "LimitExceeded");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("Cannot exceed quota for PolicySize: 6144")
    );
    let r = c
        .call(
            "CreatePolicy",
            &[
                ("PolicyName", "bad"),
                ("Path", "/no-trailing"),
                ("PolicyDocument", PERMS),
            ],
        )
        .await;
    r.assert_error(400, "ValidationError");
    assert!(r.body.contains("at 'path'"), "{}", r.body);
    c.call(
        "GetPolicy",
        &[("PolicyArn", "arn:aws:iam::123456789012:role/not-a-policy")],
    )
    .await
    .assert_error(400, "InvalidInput");
    c.call(
        "GetPolicy",
        &[("PolicyArn", "arn:aws:iam::aws:policy/NoSuchManagedPolicy")],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    c.call("ListPolicies", &[("Scope", "Everything")])
        .await
        .assert_error(400, "ValidationError");
}

/// AWS's catalogue is visible read-only.
async fn aws_catalogue(c: &IamClient) {
    let r = c.call("GetPolicy", &[("PolicyArn", AWS_ADMIN)]).await;
    r.assert_ok();
    assert!(r.body.contains("<PolicyName>AdministratorAccess</PolicyName><PolicyId>ANPAIWMBCKSKIEE64ZLYK</PolicyId><Arn>arn:aws:iam::aws:policy/AdministratorAccess</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId>"), "{}", r.body);
    let r = c
        .call(
            "GetPolicyVersion",
            &[("PolicyArn", AWS_ADMIN), ("VersionId", "v1")],
        )
        .await;
    r.assert_ok();
    assert_eq!(
        decode(&r.text("Document").unwrap()),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
    );
    let r = c
        .call(
            "GetPolicy",
            &[("PolicyArn", "arn:aws:iam::aws:policy/PowerUserAccess")],
        )
        .await;
    assert_eq!(r.text("DefaultVersionId").as_deref(), Some("v12"));
    let r = c
        .call("ListPolicyVersions", &[("PolicyArn", AWS_READ)])
        .await;
    r.assert_ok();
    assert_eq!(r.body.matches("<VersionId>").count(), 1);

    let r = c.call("ListPolicies", &[("Scope", "AWS")]).await;
    r.assert_ok();
    for name in [
        "AdministratorAccess",
        "PowerUserAccess",
        "ReadOnlyAccess",
        "IAMFullAccess",
        "IAMReadOnlyAccess",
        "IAMUserChangePassword",
        "AmazonS3FullAccess",
        "AmazonS3ReadOnlyAccess",
    ] {
        assert!(
            r.body.contains(&format!("<PolicyName>{name}</PolicyName>")),
            "{name}: {}",
            r.body
        );
    }
    // Default scope lists both owners; paging walks them all once.
    let local = create_policy(c, "it-mixed").await;
    let mut arns = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let mut params = vec![("MaxItems", "3")];
        if let Some(m) = &marker {
            params.push(("Marker", m.as_str()));
        }
        let r = c.call("ListPolicies", &params).await;
        r.assert_ok();
        arns.extend(
            r.body
                .split("<Arn>")
                .skip(1)
                .map(|s| s.split("</Arn>").next().unwrap().to_string()),
        );
        match r.text("IsTruncated").as_deref() {
            Some("true") => marker = Some(r.text("Marker").unwrap()),
            _ => break,
        }
    }
    assert!(arns.contains(&local) && arns.contains(&AWS_ADMIN.to_string()));
    assert_eq!(arns.len(), 9, "{arns:?}");

    // AWS's policies cannot be changed or deleted.
    c.call(
        "CreatePolicyVersion",
        &[("PolicyArn", AWS_ADMIN), ("PolicyDocument", PERMS)],
    )
    .await
    .assert_error(400, "InvalidInput");
    c.call("DeletePolicy", &[("PolicyArn", AWS_ADMIN)])
        .await
        .assert_error(400, "InvalidInput");
    c.call("DeletePolicy", &[("PolicyArn", &local)])
        .await
        .assert_ok();
}

/// Attach to roles, users (the admin) and detach; limits, conflicts, listings.
async fn attachments(c: &IamClient) {
    c.call(
        "CreateRole",
        &[("RoleName", "it-att"), ("AssumeRolePolicyDocument", TRUST)],
    )
    .await
    .assert_ok();
    let custom = create_policy(c, "it-attached").await;

    let role = ("RoleName", "it-att");
    c.call("AttachRolePolicy", &[role, ("PolicyArn", &custom)])
        .await
        .assert_ok();
    c.call("AttachRolePolicy", &[role, ("PolicyArn", AWS_READ)])
        .await
        .assert_ok();
    // Twice is fine.
    c.call("AttachRolePolicy", &[role, ("PolicyArn", AWS_READ)])
        .await
        .assert_ok();
    let missing = format!("arn:aws:iam::{ACCT}:policy/ghost");
    let r = c
        .call("AttachRolePolicy", &[role, ("PolicyArn", &missing)])
        .await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message"),
        Some(format!(
            "Policy {missing} does not exist or is not attachable."
        ))
    );
    let r = c
        .call(
            "AttachRolePolicy",
            &[("RoleName", "ghost"), ("PolicyArn", AWS_READ)],
        )
        .await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("The role with name ghost cannot be found.")
    );

    let r = c.call("ListAttachedRolePolicies", &[role]).await;
    r.assert_ok();
    assert!(
        r.body.contains(&format!("<AttachedPolicies><member><PolicyName>it-attached</PolicyName><PolicyArn>{custom}</PolicyArn></member><member><PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>{AWS_READ}</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>")),
        "{}",
        r.body
    );
    let r = c
        .call(
            "ListAttachedRolePolicies",
            &[role, ("PathPrefix", "/team/")],
        )
        .await;
    assert_eq!(r.body.matches("<member>").count(), 1, "{}", r.body);

    let r = c.call("GetPolicy", &[("PolicyArn", &custom)]).await;
    assert_eq!(r.text("AttachmentCount").as_deref(), Some("1"));
    let r = c.call("GetPolicy", &[("PolicyArn", AWS_READ)]).await;
    assert_eq!(r.text("AttachmentCount").as_deref(), Some("1"));

    // The bootstrap admin is the user this branch has.
    let user = ("UserName", "admin");
    c.call("AttachUserPolicy", &[user, ("PolicyArn", &custom)])
        .await
        .assert_ok();
    let r = c.call("ListAttachedUserPolicies", &[user]).await;
    assert!(r.body.contains(&custom), "{}", r.body);
    c.call(
        "ListAttachedGroupPolicies",
        &[("GroupName", "no-such-group")],
    )
    .await
    .assert_error(404, "NoSuchEntity");

    let r = c
        .call("ListEntitiesForPolicy", &[("PolicyArn", &custom)])
        .await;
    r.assert_ok();
    assert!(
        r.body
            .contains("<PolicyGroups/><PolicyUsers><member><UserName>admin</UserName><UserId>AIDA"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<PolicyRoles><member><RoleName>it-att</RoleName><RoleId>AROA"),
        "{}",
        r.body
    );
    let r = c
        .call(
            "ListEntitiesForPolicy",
            &[("PolicyArn", &custom), ("EntityFilter", "Role")],
        )
        .await;
    assert!(r.body.contains("<PolicyUsers/>"), "{}", r.body);
    let r = c
        .call(
            "ListPolicies",
            &[("OnlyAttached", "true"), ("Scope", "Local")],
        )
        .await;
    assert!(
        r.body.contains("<PolicyName>it-attached</PolicyName>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<AttachmentCount>2</AttachmentCount>"),
        "{}",
        r.body
    );

    let r = c.call("DeletePolicy", &[("PolicyArn", &custom)]).await;
    r.assert_error(409, "DeleteConflict");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("Cannot delete a policy attached to entities.")
    );
    let r = c.call("DeleteRole", &[role]).await;
    r.assert_error(409, "DeleteConflict");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("Cannot delete entity, must detach all policies first.")
    );

    c.call("DetachRolePolicy", &[role, ("PolicyArn", &custom)])
        .await
        .assert_ok();
    let r = c
        .call("DetachRolePolicy", &[role, ("PolicyArn", &custom)])
        .await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message"),
        Some(format!("Policy {custom} was not found."))
    );
    c.call("DetachRolePolicy", &[role, ("PolicyArn", AWS_READ)])
        .await
        .assert_ok();
    c.call("DetachUserPolicy", &[user, ("PolicyArn", &custom)])
        .await
        .assert_ok();
    c.call("DeletePolicy", &[("PolicyArn", &custom)])
        .await
        .assert_ok();
    c.call("DeleteRole", &[role]).await.assert_ok();
}

/// Ten policies per role; the eleventh is refused with the quota's name.
async fn attach_limit(c: &IamClient) {
    c.call(
        "CreateRole",
        &[("RoleName", "it-full"), ("AssumeRolePolicyDocument", TRUST)],
    )
    .await
    .assert_ok();
    let mut arns: Vec<String> = AWS_NAMES
        .iter()
        .map(|n| format!("arn:aws:iam::aws:policy/{n}"))
        .collect();
    for i in 0..3 {
        arns.push(create_policy(c, &format!("it-limit-{i}")).await);
    }
    for arn in &arns[..10] {
        c.call(
            "AttachRolePolicy",
            &[("RoleName", "it-full"), ("PolicyArn", arn)],
        )
        .await
        .assert_ok();
    }
    let r = c
        .call(
            "AttachRolePolicy",
            &[("RoleName", "it-full"), ("PolicyArn", &arns[10])],
        )
        .await;
    r.assert_error(409, "LimitExceeded");
    assert_eq!(
        r.text("Message").as_deref(),
        Some("Cannot exceed quota for PoliciesPerRole: 10")
    );
    let r = c
        .call(
            "ListAttachedRolePolicies",
            &[("RoleName", "it-full"), ("MaxItems", "4")],
        )
        .await;
    assert_eq!(r.text("IsTruncated").as_deref(), Some("true"));
    assert_eq!(r.body.matches("<member>").count(), 4);
}

const AWS_NAMES: [&str; 8] = [
    "AdministratorAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "IAMFullAccess",
    "IAMReadOnlyAccess",
    "IAMUserChangePassword",
    "PowerUserAccess",
    "ReadOnlyAccess",
];

/// Boundaries on roles and users: existence checked, shown by GetRole, counted.
async fn boundaries(c: &IamClient) {
    let custom = create_policy(c, "it-cap").await;
    // Not the admin: a boundary on the caller itself would narrow this test's own calls.
    c.call("CreateUser", &[("UserName", "it-capped")])
        .await
        .assert_ok();
    let missing = format!("arn:aws:iam::{ACCT}:policy/ghost");
    let r = c
        .call(
            "CreateRole",
            &[
                ("RoleName", "it-bounded"),
                ("AssumeRolePolicyDocument", TRUST),
                ("PermissionsBoundary", &missing),
            ],
        )
        .await;
    r.assert_error(404, "NoSuchEntity");
    assert_eq!(
        r.text("Message"),
        Some(format!(
            "Scope ARN: {missing} does not exist or is not attachable."
        ))
    );
    c.call(
        "CreateRole",
        &[
            ("RoleName", "it-bounded"),
            ("AssumeRolePolicyDocument", TRUST),
            ("PermissionsBoundary", AWS_READ),
        ],
    )
    .await
    .assert_ok();
    let role = ("RoleName", "it-bounded");
    let r = c.call("GetRole", &[role]).await;
    assert!(r.body.contains(&format!("<PermissionsBoundary><PermissionsBoundaryType>PermissionsBoundaryPolicy</PermissionsBoundaryType><PermissionsBoundaryArn>{AWS_READ}</PermissionsBoundaryArn></PermissionsBoundary>")), "{}", r.body);

    c.call(
        "PutRolePermissionsBoundary",
        &[role, ("PermissionsBoundary", &custom)],
    )
    .await
    .assert_ok();
    let r = c.call("GetRole", &[role]).await;
    assert_eq!(r.text("PermissionsBoundaryArn"), Some(custom.clone()));
    c.call(
        "PutRolePermissionsBoundary",
        &[role, ("PermissionsBoundary", &missing)],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    c.call(
        "PutRolePermissionsBoundary",
        &[("RoleName", "ghost"), ("PermissionsBoundary", &custom)],
    )
    .await
    .assert_error(404, "NoSuchEntity");
    c.call(
        "PutUserPermissionsBoundary",
        &[("UserName", "it-capped"), ("PermissionsBoundary", &custom)],
    )
    .await
    .assert_ok();
    c.call(
        "PutUserPermissionsBoundary",
        &[("UserName", "ghost"), ("PermissionsBoundary", &custom)],
    )
    .await
    .assert_error(404, "NoSuchEntity");

    let r = c.call("GetPolicy", &[("PolicyArn", &custom)]).await;
    assert_eq!(
        r.text("PermissionsBoundaryUsageCount").as_deref(),
        Some("2")
    );
    assert_eq!(r.text("AttachmentCount").as_deref(), Some("0"));
    let r = c
        .call(
            "ListEntitiesForPolicy",
            &[
                ("PolicyArn", &custom),
                ("PolicyUsageFilter", "PermissionsBoundary"),
            ],
        )
        .await;
    assert!(
        r.body.contains("<RoleName>it-bounded</RoleName>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<UserName>it-capped</UserName>"),
        "{}",
        r.body
    );
    let r = c
        .call(
            "ListEntitiesForPolicy",
            &[
                ("PolicyArn", &custom),
                ("PolicyUsageFilter", "PermissionsPolicy"),
            ],
        )
        .await;
    assert!(r.body.contains("<PolicyRoles/>"), "{}", r.body);
    let r = c
        .call(
            "ListPolicies",
            &[
                ("OnlyAttached", "true"),
                ("PolicyUsageFilter", "PermissionsBoundary"),
            ],
        )
        .await;
    assert!(
        r.body.contains("<PolicyName>it-cap</PolicyName>"),
        "{}",
        r.body
    );
    c.call("DeletePolicy", &[("PolicyArn", &custom)])
        .await
        .assert_error(409, "DeleteConflict");

    c.call("DeleteRolePermissionsBoundary", &[role])
        .await
        .assert_ok();
    let r = c.call("GetRole", &[role]).await;
    assert!(!r.body.contains("<PermissionsBoundary>"), "{}", r.body);
    c.call(
        "DeleteUserPermissionsBoundary",
        &[("UserName", "it-capped")],
    )
    .await
    .assert_ok();
    c.call("DeleteUser", &[("UserName", "it-capped")])
        .await
        .assert_ok();
    c.call("DeletePolicy", &[("PolicyArn", &custom)])
        .await
        .assert_ok();
    c.call("DeleteRole", &[role]).await.assert_ok();
}

#[tokio::test]
async fn managed_policies_on_every_backend() {
    for db in crate::support::backends().await {
        let server = crate::harness::TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let c = IamClient::new(&server.base, &admin.akid, &admin.secret);
        policy_lifecycle(&c).await;
        policy_validation(&c).await;
        aws_catalogue(&c).await;
        attachments(&c).await;
        boundaries(&c).await;
        attach_limit(&c).await;
        server.stop().await;
        db.cleanup().await;
    }
}
