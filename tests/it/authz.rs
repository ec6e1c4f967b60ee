//! Authorization end to end: every signed call judged by the one evaluator,
//! for users (inline, attached, group, boundary), role sessions (role
//! policies, session policies), with AWS's denial messages; revocation by
//! `aws:TokenIssueTime` on this node and on another node sharing the store;
//! the per-principal policy cache.

use std::time::Duration;

use serde_json::json;

use crate::harness::{ACCOUNT, Creds, TestIdp, TestServer, error_code, xml_field};
use crate::sts::setup_web_role;
use crate::support::{TestDb, backends};

/// A signed IAM call.
async fn iam(
    server: &TestServer,
    creds: &Creds,
    action: &str,
    extra: &[(&str, &str)],
) -> (u16, String) {
    let mut params = vec![("Action", action), ("Version", "2010-05-08")];
    params.extend_from_slice(extra);
    server.signed(creds, "iam", &params).await
}

async fn ok(server: &TestServer, creds: &Creds, action: &str, extra: &[(&str, &str)]) -> String {
    let (status, body) = iam(server, creds, action, extra).await;
    assert_eq!(status, 200, "{action}: {body}");
    body
}

/// The AccessDenied message of a refused call.
async fn denied(
    server: &TestServer,
    creds: &Creds,
    action: &str,
    extra: &[(&str, &str)],
) -> String {
    let (status, body) = iam(server, creds, action, extra).await;
    assert_eq!(status, 403, "{action}: {body}");
    assert_eq!(error_code(&body), "AccessDenied", "{body}");
    xml_field(&body, "Message").unwrap()
}

async fn caller_identity(server: &TestServer, creds: &Creds) -> (u16, String) {
    server
        .signed(
            creds,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        )
        .await
}

/// Create user `name` with an access key.
async fn user_with_key(server: &TestServer, name: &str) -> Creds {
    let admin = server.admin_creds();
    ok(server, &admin, "CreateUser", &[("UserName", name)]).await;
    let body = ok(server, &admin, "CreateAccessKey", &[("UserName", name)]).await;
    Creds {
        akid: xml_field(&body, "AccessKeyId").unwrap(),
        secret: xml_field(&body, "SecretAccessKey").unwrap(),
        token: None,
    }
}

fn allow(actions: &[&str], resource: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": resource}
    ]})
    .to_string()
}

fn user_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:user/{name}")
}

fn message(caller: &str, action: &str, resource: &str, why: &str) -> String {
    format!("User: {caller} is not authorized to perform: {action} on resource: {resource} {why}")
}

#[tokio::test]
async fn users_are_judged_by_their_identity_policies_on_every_backend() {
    for db in backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let alice = user_with_key(&server, "alice").await;
        let roles = format!("arn:aws:iam::{ACCOUNT}:role/");
        let users = format!("arn:aws:iam::{ACCOUNT}:user/");

        // A new user can do nothing but ask who it is.
        let (status, body) = caller_identity(&server, &alice).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            denied(&server, &alice, "ListRoles", &[]).await,
            message(
                &user_arn("alice"),
                "iam:ListRoles",
                &roles,
                "because no identity-based policy allows the iam:ListRoles action"
            )
        );

        // An inline user policy allows.
        ok(
            &server,
            &admin,
            "PutUserPolicy",
            &[
                ("UserName", "alice"),
                ("PolicyName", "list-users"),
                ("PolicyDocument", &allow(&["iam:ListUsers"], "*")),
            ],
        )
        .await;
        ok(&server, &alice, "ListUsers", &[]).await;

        // A group's attached AWS managed policy: PowerUserAccess allows
        // iam:ListRoles but not iam:CreateUser.
        ok(
            &server,
            &admin,
            "CreateGroup",
            &[("GroupName", "developers")],
        )
        .await;
        ok(
            &server,
            &admin,
            "AttachGroupPolicy",
            &[
                ("GroupName", "developers"),
                ("PolicyArn", "arn:aws:iam::aws:policy/PowerUserAccess"),
            ],
        )
        .await;
        ok(
            &server,
            &admin,
            "AddUserToGroup",
            &[("GroupName", "developers"), ("UserName", "alice")],
        )
        .await;
        ok(&server, &alice, "ListRoles", &[]).await;
        assert_eq!(
            denied(&server, &alice, "CreateUser", &[("UserName", "bob")]).await,
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: \
             iam:CreateUser on resource: arn:aws:iam::123456789012:user/bob because no \
             identity-based policy allows the iam:CreateUser action"
        );

        // An explicit deny beats every allow.
        let deny = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "iam:ListRoles", "Resource": "*"}
        ]})
        .to_string();
        ok(
            &server,
            &admin,
            "PutUserPolicy",
            &[
                ("UserName", "alice"),
                ("PolicyName", "no-roles"),
                ("PolicyDocument", &deny),
            ],
        )
        .await;
        assert_eq!(
            denied(&server, &alice, "ListRoles", &[]).await,
            message(
                &user_arn("alice"),
                "iam:ListRoles",
                &roles,
                "with an explicit deny in an identity-based policy"
            )
        );
        ok(
            &server,
            &admin,
            "DeleteUserPolicy",
            &[("UserName", "alice"), ("PolicyName", "no-roles")],
        )
        .await;
        ok(&server, &alice, "ListRoles", &[]).await;

        // A permissions boundary narrows: only what both allow.
        let body = ok(
            &server,
            &admin,
            "CreatePolicy",
            &[
                ("PolicyName", "only-users"),
                (
                    "PolicyDocument",
                    &allow(&["iam:ListUsers", "sts:GetCallerIdentity"], "*"),
                ),
            ],
        )
        .await;
        let cap = xml_field(&body, "Arn").unwrap();
        ok(
            &server,
            &admin,
            "PutUserPermissionsBoundary",
            &[("UserName", "alice"), ("PermissionsBoundary", &cap)],
        )
        .await;
        assert_eq!(
            denied(&server, &alice, "ListRoles", &[]).await,
            message(
                &user_arn("alice"),
                "iam:ListRoles",
                &roles,
                "because no permissions boundary allows the iam:ListRoles action"
            )
        );
        ok(&server, &alice, "ListUsers", &[]).await;

        // Own keys through ${aws:username}, not someone else's.
        let carol = user_with_key(&server, "carol").await;
        ok(
            &server,
            &admin,
            "PutUserPolicy",
            &[
                ("UserName", "carol"),
                ("PolicyName", "own-keys"),
                (
                    "PolicyDocument",
                    &allow(
                        &["iam:CreateAccessKey", "iam:ListAccessKeys"],
                        &format!("arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
                    ),
                ),
            ],
        )
        .await;
        ok(&server, &carol, "ListAccessKeys", &[]).await;
        let body = ok(&server, &carol, "CreateAccessKey", &[]).await;
        assert_eq!(xml_field(&body, "UserName").as_deref(), Some("carol"));
        assert_eq!(
            denied(&server, &carol, "CreateAccessKey", &[("UserName", "alice")]).await,
            message(
                &user_arn("carol"),
                "iam:CreateAccessKey",
                &user_arn("alice"),
                "because no identity-based policy allows the iam:CreateAccessKey action"
            )
        );

        // IAMUserChangePassword alone: nothing stsgate serves but GetCallerIdentity.
        let dave = user_with_key(&server, "dave").await;
        ok(
            &server,
            &admin,
            "AttachUserPolicy",
            &[
                ("UserName", "dave"),
                ("PolicyArn", "arn:aws:iam::aws:policy/IAMUserChangePassword"),
            ],
        )
        .await;
        assert_eq!(caller_identity(&server, &dave).await.0, 200);
        assert_eq!(
            denied(&server, &dave, "ListUsers", &[]).await,
            message(
                &user_arn("dave"),
                "iam:ListUsers",
                &users,
                "because no identity-based policy allows the iam:ListUsers action"
            )
        );
        denied(&server, &dave, "CreateAccessKey", &[]).await;

        server.stop().await;
        db.cleanup().await;
    }
}

/// CreateRole `name` carrying `tags`.
async fn create_role(
    server: &TestServer,
    creds: &Creds,
    name: &str,
    tags: &[(&str, &str)],
) -> (u16, String) {
    let mut owned = vec![
        ("RoleName".to_string(), name.to_string()),
        (
            "AssumeRolePolicyDocument".to_string(),
            crate::iam::TRUST.to_string(),
        ),
    ];
    for (i, (k, v)) in tags.iter().enumerate() {
        owned.push((format!("Tags.member.{}.Key", i + 1), k.to_string()));
        owned.push((format!("Tags.member.{}.Value", i + 1), v.to_string()));
    }
    let params: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    iam(server, creds, "CreateRole", &params).await
}

#[tokio::test]
async fn request_tags_feed_tag_conditions() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let admin = server.admin_creds();
    let eve = user_with_key(&server, "eve").await;
    let policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": ["iam:CreateRole", "iam:TagRole"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}
        }
    }]})
    .to_string();
    ok(
        &server,
        &admin,
        "PutUserPolicy",
        &[
            ("UserName", "eve"),
            ("PolicyName", "tagged-roles"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    ok(
        &server,
        &admin,
        "TagUser",
        &[
            ("UserName", "eve"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "blue"),
        ],
    )
    .await;
    // The principal's own team tag, only allowed keys: allowed.
    let (status, body) = create_role(
        &server,
        &eve,
        "blue-app",
        &[("team", "blue"), ("cost", "42")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // Another team: RequestTag/team does not match.
    let (status, body) = create_role(&server, &eve, "red-app", &[("team", "red")]).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "AccessDenied".into()),
        "{body}"
    );
    // A key outside the allowed set: TagKeys fails.
    let (status, body) = create_role(
        &server,
        &eve,
        "odd-app",
        &[("team", "blue"), ("owner", "x")],
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "AccessDenied".into()),
        "{body}"
    );
    // No tags at all: RequestTag/team is absent, StringEquals fails.
    let (status, body) = create_role(&server, &eve, "bare-app", &[]).await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "AccessDenied".into()),
        "{body}"
    );
    // TagRole carries its tags too.
    let (status, body) = iam(
        &server,
        &eve,
        "TagRole",
        &[
            ("RoleName", "blue-app"),
            ("Tags.member.1.Key", "owner"),
            ("Tags.member.1.Value", "x"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    server.stop().await;
    db.cleanup().await;
}

/// Assume the `web` role with `extra` parameters; the session's credentials.
async fn web_session(
    server: &TestServer,
    idp: &TestIdp,
    role: &str,
    extra: &[(&str, &str)],
) -> Creds {
    web_session_with(
        server,
        idp,
        role,
        extra,
        json!({"sub": "user-1", "aud": "demo-app"}),
    )
    .await
}

async fn web_session_with(
    server: &TestServer,
    idp: &TestIdp,
    role: &str,
    extra: &[(&str, &str)],
    claims: serde_json::Value,
) -> Creds {
    let token = idp.mint(claims);
    let mut params = vec![
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", role),
        ("RoleSessionName", "s1"),
        ("WebIdentityToken", token.as_str()),
    ];
    params.extend_from_slice(extra);
    let (status, body) = server.post(&params).await;
    assert_eq!(status, 200, "{body}");
    Creds {
        akid: xml_field(&body, "AccessKeyId").unwrap(),
        secret: xml_field(&body, "SecretAccessKey").unwrap(),
        token: Some(xml_field(&body, "SessionToken").unwrap()),
    }
}

#[tokio::test]
async fn role_sessions_get_role_policies_narrowed_by_session_policies_on_every_backend() {
    for db in backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let idp = TestIdp::start().await;
        // `web` allows iam:GetRole and iam:ListRoles inline.
        let role = setup_web_role(&server, &idp).await;
        let session_arn = format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/s1");
        let role_resource = format!("arn:aws:iam::{ACCOUNT}:role/apps/web");

        let plain = web_session(&server, &idp, &role, &[]).await;
        ok(&server, &plain, "GetRole", &[("RoleName", "web")]).await;
        ok(&server, &plain, "ListRoles", &[]).await;
        assert_eq!(
            denied(&server, &plain, "ListUsers", &[]).await,
            message(
                &session_arn,
                "iam:ListUsers",
                &format!("arn:aws:iam::{ACCOUNT}:user/"),
                "because no identity-based policy allows the iam:ListUsers action"
            )
        );
        // Managed policies attached to the role count too.
        ok(
            &server,
            &admin,
            "AttachRolePolicy",
            &[
                ("RoleName", "web"),
                ("PolicyArn", "arn:aws:iam::aws:policy/IAMReadOnlyAccess"),
            ],
        )
        .await;
        ok(&server, &plain, "ListUsers", &[]).await;

        // An inline session policy narrows to its intersection with the role.
        let narrow = web_session(
            &server,
            &idp,
            &role,
            &[("Policy", &allow(&["iam:GetRole", "iam:CreateUser"], "*"))],
        )
        .await;
        ok(&server, &narrow, "GetRole", &[("RoleName", "web")]).await;
        assert_eq!(
            denied(&server, &narrow, "ListRoles", &[]).await,
            message(
                &session_arn,
                "iam:ListRoles",
                &format!("arn:aws:iam::{ACCOUNT}:role/"),
                "because no session policy allows the iam:ListRoles action"
            )
        );
        // The session policy cannot widen past the role.
        assert_eq!(
            denied(&server, &narrow, "CreateUser", &[("UserName", "x")]).await,
            message(
                &session_arn,
                "iam:CreateUser",
                &user_arn("x"),
                "because no identity-based policy allows the iam:CreateUser action"
            )
        );

        // A customer managed session policy (PolicyArns) narrows the same way.
        let body = ok(
            &server,
            &admin,
            "CreatePolicy",
            &[
                ("PolicyName", "list-only"),
                ("PolicyDocument", &allow(&["iam:ListRoles"], "*")),
            ],
        )
        .await;
        let list_only = xml_field(&body, "Arn").unwrap();
        let managed = web_session(
            &server,
            &idp,
            &role,
            &[("PolicyArns.member.1.arn", &list_only)],
        )
        .await;
        ok(&server, &managed, "ListRoles", &[]).await;
        assert_eq!(
            denied(&server, &managed, "GetRole", &[("RoleName", "web")]).await,
            message(
                &session_arn,
                "iam:GetRole",
                &role_resource,
                "because no session policy allows the iam:GetRole action"
            )
        );

        // Long-term-key-only condition keys: a user's request has no
        // aws:TokenIssueTime, so a Null check tells the two apart.
        let needs_session = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*",
            "Condition": {"Null": {"aws:TokenIssueTime": "false", "aws:MultiFactorAuthPresent": "false"}}
        }]})
        .to_string();
        ok(
            &server,
            &admin,
            "PutRolePolicy",
            &[
                ("RoleName", "web"),
                ("PolicyName", "sessions-only"),
                ("PolicyDocument", &needs_session),
            ],
        )
        .await;
        ok(&server, &plain, "ListGroups", &[]).await;
        let frank = user_with_key(&server, "frank").await;
        ok(
            &server,
            &admin,
            "PutUserPolicy",
            &[
                ("UserName", "frank"),
                ("PolicyName", "sessions-only"),
                ("PolicyDocument", &needs_session),
            ],
        )
        .await;
        denied(&server, &frank, "ListGroups", &[]).await;

        server.stop().await;
        idp.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn session_tags_override_role_tags_ignoring_case() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let admin = server.admin_creds();
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let host = idp.issuer.trim_start_matches("http://");
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host}")},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    }]})
    .to_string();
    ok(
        &server,
        &admin,
        "UpdateAssumeRolePolicy",
        &[("RoleName", "web"), ("PolicyDocument", &trust)],
    )
    .await;
    ok(
        &server,
        &admin,
        "TagRole",
        &[
            ("RoleName", "web"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "red"),
            ("Tags.member.2.Key", "dept"),
            ("Tags.member.2.Value", "ops"),
        ],
    )
    .await;
    let by_tag = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}},
        {"Effect": "Allow", "Action": "iam:ListGroups", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/dept": "ops"}}}
    ]})
    .to_string();
    ok(
        &server,
        &admin,
        "PutRolePolicy",
        &[
            ("RoleName", "web"),
            ("PolicyName", "by-tag"),
            ("PolicyDocument", &by_tag),
        ],
    )
    .await;
    // Role tags alone: team=red, dept=ops.
    let untagged = web_session(&server, &idp, &role, &[]).await;
    denied(&server, &untagged, "ListUsers", &[]).await;
    ok(&server, &untagged, "ListGroups", &[]).await;
    // A session tag `Team` replaces the role's `team`; `dept` still comes from the role.
    let tagged = web_session_with(
        &server,
        &idp,
        &role,
        &[],
        json!({"sub": "user-1", "aud": "demo-app",
               "https://aws.amazon.com/tags": {"principal_tags": {"Team": ["blue"]}}}),
    )
    .await;
    ok(&server, &tagged, "ListUsers", &[]).await;
    ok(&server, &tagged, "ListGroups", &[]).await;
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn a_deleted_role_leaves_its_sessions_nothing() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let admin = server.admin_creds();
    let idp = TestIdp::start().await;
    let role = setup_web_role(&server, &idp).await;
    let session = web_session(&server, &idp, &role, &[]).await;
    ok(&server, &session, "ListRoles", &[]).await;
    ok(
        &server,
        &admin,
        "DeleteRolePolicy",
        &[("RoleName", "web"), ("PolicyName", "read-roles")],
    )
    .await;
    ok(&server, &admin, "DeleteRole", &[("RoleName", "web")]).await;
    denied(&server, &session, "ListRoles", &[]).await;
    // GetCallerIdentity needs no permission.
    assert_eq!(caller_identity(&server, &session).await.0, 200);
    server.stop().await;
    idp.stop().await;
    db.cleanup().await;
}

/// AWS's "revoke active sessions": deny everything to tokens issued before now.
fn revoke_policy(now: i64) -> String {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"DateLessThan": {"aws:TokenIssueTime": stsgate::core::time::iso8601(now)}}
    }]})
    .to_string()
}

#[tokio::test]
async fn revoking_sessions_bites_here_at_once_and_on_other_nodes_after_their_poll() {
    for db in backends().await {
        let a = TestServer::start(&db, |_| {}).await;
        let b = TestServer::start(&db, |_| {}).await;
        let admin = a.admin_creds();
        let idp = TestIdp::start().await;
        let role = setup_web_role(&a, &idp).await;
        let session = web_session(&a, &idp, &role, &[]).await;
        // Node B learns the counter, then warms its caches with this session.
        b.cached.refresh().await.unwrap();
        ok(&a, &session, "GetRole", &[("RoleName", "web")]).await;
        ok(&b, &session, "GetRole", &[("RoleName", "web")]).await;

        // Issue time is whole seconds: revoke everything issued before the next second.
        let revoke = revoke_policy(a.state.now() + 1);
        ok(
            &a,
            &admin,
            "PutRolePolicy",
            &[
                ("RoleName", "web"),
                ("PolicyName", "AWSRevokeOlderSessions"),
                ("PolicyDocument", &revoke),
            ],
        )
        .await;
        let expected = message(
            &format!("arn:aws:sts::{ACCOUNT}:assumed-role/web/s1"),
            "iam:GetRole",
            &format!("arn:aws:iam::{ACCOUNT}:role/apps/web"),
            "with an explicit deny in an identity-based policy",
        );
        // The writing node: at once.
        assert_eq!(
            denied(&a, &session, "GetRole", &[("RoleName", "web")]).await,
            expected
        );
        // Node B still serves its cached view until its poll sees the write...
        ok(&b, &session, "GetRole", &[("RoleName", "web")]).await;
        // ...and denies once its invalidation poll (cache_refresh_ms) ran.
        let mut invalidations = b.cached.invalidations();
        invalidations.mark_unchanged();
        let poll = stsgate::service::start_cache_invalidation(&b.cached, &b.state.settings);
        tokio::time::timeout(Duration::from_secs(10), invalidations.changed())
            .await
            .expect("node B polls within cache_refresh_ms")
            .unwrap();
        poll.abort();
        assert_eq!(
            denied(&b, &session, "GetRole", &[("RoleName", "web")]).await,
            expected,
            "{}",
            db.backend
        );
        // The admin's long-term key has no aws:TokenIssueTime: unaffected.
        ok(&a, &admin, "GetRole", &[("RoleName", "web")]).await;

        a.stop().await;
        b.stop().await;
        idp.stop().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_warm_principal_is_judged_without_reloading_its_policies() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let admin = server.admin_creds();
    let grace = user_with_key(&server, "grace").await;
    ok(
        &server,
        &admin,
        "PutUserPolicy",
        &[
            ("UserName", "grace"),
            ("PolicyName", "roles"),
            ("PolicyDocument", &allow(&["iam:ListRoles"], "*")),
        ],
    )
    .await;
    let cache = &server.state.policy_cache;
    ok(&server, &grace, "ListRoles", &[]).await;
    let warm = cache.loads();
    for _ in 0..5 {
        ok(&server, &grace, "ListRoles", &[]).await;
    }
    assert_eq!(
        cache.loads(),
        warm,
        "a warm principal reloaded its policies"
    );

    // Any write drops the compiled sets: the next decision sees the change.
    ok(
        &server,
        &admin,
        "DeleteUserPolicy",
        &[("UserName", "grace"), ("PolicyName", "roles")],
    )
    .await;
    let before = cache.loads();
    denied(&server, &grace, "ListRoles", &[]).await;
    assert_eq!(cache.loads(), before + 1);
    server.stop().await;
    db.cleanup().await;
}

#[tokio::test]
async fn saml_provider_tags_feed_tag_conditions() {
    let db = TestDb::sqlite().await;
    let server = TestServer::start(&db, |_| {}).await;
    let admin = server.admin_creds();
    let eve = user_with_key(&server, "eve").await;
    let policy = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Action": ["iam:CreateSAMLProvider", "iam:TagSAMLProvider"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:RequestTag/team": "blue"}}
    }]})
    .to_string();
    ok(
        &server,
        &admin,
        "PutUserPolicy",
        &[
            ("UserName", "eve"),
            ("PolicyName", "p"),
            ("PolicyDocument", &policy),
        ],
    )
    .await;
    let doc = stsgate::core::saml::metadata::document(
        "https://idp.example.org/saml",
        &[crate::saml::cert_b64()],
        "https://idp.example.org/sso",
        None,
    );
    let create = |name: &'static str, team: &'static str| {
        let doc = doc.clone();
        let server = &server;
        let eve = &eve;
        async move {
            iam(
                server,
                eve,
                "CreateSAMLProvider",
                &[
                    ("Name", name),
                    ("SAMLMetadataDocument", &doc),
                    ("Tags.member.1.Key", "team"),
                    ("Tags.member.1.Value", team),
                ],
            )
            .await
        }
    };
    let (status, body) = create("blue-idp", "blue").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = create("red-idp", "red").await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "AccessDenied".into()),
        "{body}"
    );
    let arn = format!("arn:aws:iam::{ACCOUNT}:saml-provider/blue-idp");
    let (status, body) = iam(
        &server,
        &eve,
        "TagSAMLProvider",
        &[
            ("SAMLProviderArn", &arn),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "red"),
        ],
    )
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (403, "AccessDenied".into()),
        "{body}"
    );
    server.stop().await;
    db.cleanup().await;
}
