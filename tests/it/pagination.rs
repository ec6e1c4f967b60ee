//! Pagination and PathPrefix audit of every paginated IAM list call
//! (IAM.md §1): for each one, N+1 items walked with a small MaxItems by
//! following Marker until IsTruncated=false give exactly the full list, no
//! item twice; PathPrefix keeps only the entities under it; MaxItems 0 and
//! 1001 are ValidationErrors.

use std::collections::BTreeMap;

use crate::harness::TestServer;
use crate::iam::{IamClient, PERMS, TRUST};

fn all(body: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    body.split(&open)
        .skip(1)
        .filter_map(|s| s.split(&close).next().map(str::to_string))
        .collect()
}

/// The items of one response: every value of each of `tags`.
fn items(body: &str, tags: &[&str]) -> Vec<String> {
    tags.iter().flat_map(|t| all(body, t)).collect()
}

fn policy_arn(name: &str, path: &str) -> String {
    format!("arn:aws:iam::123456789012:policy{path}{name}")
}

const PG: [&str; 5] = ["1", "2", "3", "4", "5"];

/// Users, groups, roles and policies under `/pg/` (five of each, `pg-*`)
/// plus one of each under `/other/`, wired so every list has 5+ items.
async fn fixture(c: &IamClient) -> String {
    let ok = |r: crate::iam::Reply| {
        r.assert_ok();
    };
    for (path, prefix) in [("/pg/", "pg"), ("/other/", "other")] {
        let names: Vec<String> = if prefix == "pg" {
            PG.iter().map(|n| format!("pg-{n}")).collect()
        } else {
            vec!["other".to_string()]
        };
        for n in &names {
            ok(c.call(
                "CreatePolicy",
                &[
                    ("PolicyName", &format!("{n}-p")),
                    ("Path", path),
                    ("PolicyDocument", PERMS),
                ],
            )
            .await);
            ok(c.call(
                "CreateUser",
                &[("UserName", &format!("{n}-u")), ("Path", path)],
            )
            .await);
            ok(c.call(
                "CreateGroup",
                &[("GroupName", &format!("{n}-g")), ("Path", path)],
            )
            .await);
            ok(c.call(
                "CreateRole",
                &[
                    ("RoleName", &format!("{n}-r")),
                    ("Path", path),
                    ("AssumeRolePolicyDocument", TRUST),
                ],
            )
            .await);
        }
    }
    // A longest-name policy on a deep path sorts right after `other-p`, so
    // a page ends on it: its marker must still be one IAM accepts (≤ 320).
    let long_path = format!("/other/{}/", "d".repeat(400));
    let long_name = format!("pg-0{}", "n".repeat(124));
    ok(c.call(
        "CreatePolicy",
        &[
            ("PolicyName", &long_name),
            ("Path", &long_path),
            ("PolicyDocument", PERMS),
        ],
    )
    .await);
    ok(c.call(
        "AttachUserPolicy",
        &[
            ("UserName", "pg-1-u"),
            ("PolicyArn", &policy_arn(&long_name, &long_path)),
        ],
    )
    .await);
    let p1 = policy_arn("pg-1-p", "/pg/");
    // pg-1-u/g/r: five /pg/ policies and one /other/ attached, five inline
    // policies, five tags; pg-1-u in every pg group with two keys.
    for n in PG.iter().map(|n| format!("pg-{n}")).chain(["other".into()]) {
        let path = if n == "other" { "/other/" } else { "/pg/" };
        let arn = policy_arn(&format!("{n}-p"), path);
        for (action, param, entity) in [
            ("AttachUserPolicy", "UserName", "pg-1-u"),
            ("AttachGroupPolicy", "GroupName", "pg-1-g"),
            ("AttachRolePolicy", "RoleName", "pg-1-r"),
        ] {
            ok(c.call(action, &[(param, entity), ("PolicyArn", &arn)])
                .await);
        }
        // pg-1-p is used by every entity, /other/ ones included.
        for (action, param, entity) in [
            ("AttachUserPolicy", "UserName", format!("{n}-u")),
            ("AttachGroupPolicy", "GroupName", format!("{n}-g")),
            ("AttachRolePolicy", "RoleName", format!("{n}-r")),
        ] {
            ok(c.call(action, &[(param, &entity), ("PolicyArn", &p1)])
                .await);
        }
    }
    for n in PG {
        let policy = format!("inline-{n}");
        for (action, param, entity) in [
            ("PutUserPolicy", "UserName", "pg-1-u"),
            ("PutGroupPolicy", "GroupName", "pg-1-g"),
            ("PutRolePolicy", "RoleName", "pg-1-r"),
        ] {
            ok(c.call(
                action,
                &[
                    (param, entity),
                    ("PolicyName", &policy),
                    ("PolicyDocument", PERMS),
                ],
            )
            .await);
        }
        let key = format!("k{n}");
        ok(c.call(
            "TagUser",
            &[
                ("UserName", "pg-1-u"),
                ("Tags.member.1.Key", &key),
                ("Tags.member.1.Value", "v"),
            ],
        )
        .await);
        ok(c.call(
            "TagRole",
            &[
                ("RoleName", "pg-1-r"),
                ("Tags.member.1.Key", &key),
                ("Tags.member.1.Value", "v"),
            ],
        )
        .await);
        ok(c.call(
            "AddUserToGroup",
            &[("UserName", "pg-1-u"), ("GroupName", &format!("pg-{n}-g"))],
        )
        .await);
        ok(c.call(
            "AddUserToGroup",
            &[("UserName", &format!("pg-{n}-u")), ("GroupName", "pg-1-g")],
        )
        .await);
    }
    for _ in 0..4 {
        ok(c.call(
            "CreatePolicyVersion",
            &[("PolicyArn", &p1), ("PolicyDocument", PERMS)],
        )
        .await);
    }
    for _ in 0..2 {
        ok(c.call("CreateAccessKey", &[("UserName", "pg-1-u")]).await);
    }
    ok(c.call("CreateAccountAlias", &[("AccountAlias", "pg-corp")])
        .await);
    // OIDC provider tag keys are case-sensitive: `b` and `B` are two tags.
    let r = c
        .call(
            "CreateOpenIDConnectProvider",
            &[
                ("Url", "https://pg.example.com"),
                ("ThumbprintList.member.1", &"a".repeat(40)),
                ("Tags.member.1.Key", "a"),
                ("Tags.member.1.Value", "v"),
                ("Tags.member.2.Key", "b"),
                ("Tags.member.2.Value", "v"),
                ("Tags.member.3.Key", "B"),
                ("Tags.member.3.Value", "v"),
                ("Tags.member.4.Key", "c"),
                ("Tags.member.4.Value", "v"),
                ("Tags.member.5.Key", "d"),
                ("Tags.member.5.Value", "v"),
            ],
        )
        .await;
    r.assert_ok();
    r.text("OpenIDConnectProviderArn").unwrap()
}

struct Case {
    action: &'static str,
    params: Vec<(&'static str, String)>,
    /// Tags whose values are the listed items.
    tags: &'static [&'static str],
    page: usize,
    /// At least this many items in the full list.
    min_items: usize,
    /// With `PathPrefix=/pg/`: exactly this many items, all named `pg-*`.
    pg_items: Option<usize>,
}

fn case(
    action: &'static str,
    params: &[(&'static str, &str)],
    tags: &'static [&'static str],
) -> Case {
    Case {
        action,
        params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        tags,
        page: 2,
        min_items: 5,
        pg_items: None,
    }
}

impl Case {
    fn prefix(mut self, n: usize) -> Case {
        self.pg_items = Some(n);
        self
    }
    fn sized(mut self, page: usize, min_items: usize) -> Case {
        self.page = page;
        self.min_items = min_items;
        self
    }
}

async fn call(c: &IamClient, case: &Case, extra: &[(&str, &str)]) -> crate::iam::Reply {
    let mut params: Vec<(&str, &str)> = case.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    params.extend_from_slice(extra);
    c.call(case.action, &params).await
}

async fn check(c: &IamClient, case: &Case) {
    let what = case.action;
    let full = call(c, case, &[]).await;
    full.assert_ok();
    assert_eq!(
        full.text("IsTruncated").as_deref(),
        Some("false"),
        "{what}: {}",
        full.body
    );
    let expected = items(&full.body, case.tags);
    assert!(
        expected.len() >= case.min_items,
        "{what}: {} items: {}",
        expected.len(),
        full.body
    );

    let size = case.page.to_string();
    let mut walked: Vec<String> = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut extra = vec![("MaxItems", size.as_str())];
        if let Some(m) = &marker {
            extra.push(("Marker", m.as_str()));
        }
        let r = call(c, case, &extra).await;
        r.assert_ok();
        pages += 1;
        assert!(
            pages <= expected.len() + 1,
            "{what}: pagination does not end"
        );
        let got = items(&r.body, case.tags);
        assert!(
            got.len() <= case.page,
            "{what}: page of {}: {}",
            got.len(),
            r.body
        );
        walked.extend(got);
        match r.text("IsTruncated").as_deref() {
            Some("true") => {
                marker = Some(
                    r.text("Marker")
                        .unwrap_or_else(|| panic!("{what}: truncated without Marker")),
                );
            }
            Some("false") => {
                assert!(
                    r.text("Marker").is_none(),
                    "{what}: Marker on the last page"
                );
                break;
            }
            other => panic!("{what}: IsTruncated {other:?}"),
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in &walked {
        *counts.entry(item.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "{what}: returned twice: {twice:?}");
    let (mut a, mut b) = (walked.clone(), expected.clone());
    a.sort();
    b.sort();
    assert_eq!(a, b, "{what}: pages differ from the full list");
    assert_eq!(
        pages,
        expected.len().div_ceil(case.page).max(1),
        "{what}: page count"
    );

    if let Some(n) = case.pg_items {
        let r = call(c, case, &[("PathPrefix", "/pg/")]).await;
        r.assert_ok();
        let got = items(&r.body, case.tags);
        assert_eq!(got.len(), n, "{what} under /pg/: {got:?}");
        assert!(
            got.iter().all(|i| i.starts_with("pg-")),
            "{what} under /pg/: {got:?}"
        );
    }
    for bad in ["0", "1001"] {
        call(c, case, &[("MaxItems", bad)])
            .await
            .assert_error(400, "ValidationError");
    }
}

async fn audit(c: &IamClient) {
    let provider = fixture(c).await;
    let p1 = policy_arn("pg-1-p", "/pg/");
    let cases = vec![
        case("ListUsers", &[], &["UserName"]).prefix(5),
        case("ListGroups", &[], &["GroupName"]).prefix(5),
        case("ListRoles", &[], &["RoleName"]).prefix(5),
        case("ListPolicies", &[("Scope", "Local")], &["PolicyName"]).prefix(5),
        case(
            "ListAttachedUserPolicies",
            &[("UserName", "pg-1-u")],
            &["PolicyName"],
        )
        .prefix(5),
        case(
            "ListAttachedGroupPolicies",
            &[("GroupName", "pg-1-g")],
            &["PolicyName"],
        )
        .prefix(5),
        case(
            "ListAttachedRolePolicies",
            &[("RoleName", "pg-1-r")],
            &["PolicyName"],
        )
        .prefix(5),
        case(
            "ListEntitiesForPolicy",
            &[("PolicyArn", &p1)],
            &["UserName", "GroupName", "RoleName"],
        )
        .prefix(15),
        case(
            "ListGroupsForUser",
            &[("UserName", "pg-1-u")],
            &["GroupName"],
        ),
        case("GetGroup", &[("GroupName", "pg-1-g")], &["UserName"]),
        case(
            "ListAccessKeys",
            &[("UserName", "pg-1-u")],
            &["AccessKeyId"],
        )
        .sized(1, 2),
        case("ListUserPolicies", &[("UserName", "pg-1-u")], &["member"]),
        case("ListGroupPolicies", &[("GroupName", "pg-1-g")], &["member"]),
        case("ListRolePolicies", &[("RoleName", "pg-1-r")], &["member"]),
        case("ListUserTags", &[("UserName", "pg-1-u")], &["Key"]),
        case("ListRoleTags", &[("RoleName", "pg-1-r")], &["Key"]),
        case(
            "ListOpenIDConnectProviderTags",
            &[("OpenIDConnectProviderArn", &provider)],
            &["Key"],
        ),
        case("ListPolicyVersions", &[("PolicyArn", &p1)], &["VersionId"]),
        case("ListAccountAliases", &[], &["member"]).sized(1, 1),
        // Across all four lists; each entity shows its own Arn exactly once.
        case("GetAccountAuthorizationDetails", &[], &["Arn"]).sized(2, 24),
        case(
            "GetAccountAuthorizationDetails",
            &[("Filter.member.1", "Role")],
            &["RoleName"],
        ),
    ];
    for case in &cases {
        check(c, case).await;
    }

    // Not paginated in the model: the whole list, no IsTruncated.
    let r = c.call("ListOpenIDConnectProviders", &[]).await;
    r.assert_ok();
    assert_eq!(all(&r.body, "Arn"), vec![provider.clone()]);
    assert!(r.text("IsTruncated").is_none(), "{}", r.body);
    let r = c.call("ListSAMLProviders", &[]).await;
    r.assert_ok();
    assert!(r.text("IsTruncated").is_none(), "{}", r.body);
}

#[tokio::test]
async fn every_list_call_paginates_and_filters_by_path() {
    for db in crate::support::backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();
        let c = IamClient::new(&server.base, &admin.akid, &admin.secret);
        audit(&c).await;
        server.stop().await;
        db.cleanup().await;
    }
}
