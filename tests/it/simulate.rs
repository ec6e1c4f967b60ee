//! The policy simulator over HTTP: SimulateCustomPolicy with context and a
//! boundary, SimulatePrincipalPolicy on a stored role's inline policies.

use crate::harness::{TestServer, error_code, xml_field};
use crate::support::backends;

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
const INLINE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/${aws:username}/*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#;

/// Every `<EvalDecision>` in document order.
fn decisions(body: &str) -> Vec<String> {
    body.split("<EvalDecision>")
        .skip(1)
        .filter_map(|s| s.split_once("</EvalDecision>").map(|(d, _)| d.to_string()))
        .collect()
}

#[tokio::test]
async fn simulators_answer_over_http_on_every_backend() {
    for db in backends().await {
        let server = TestServer::start(&db, |_| {}).await;
        let admin = server.admin_creds();

        // SimulateCustomPolicy: a boundary narrows, context fills a variable.
        let boundary = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#;
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulateCustomPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicyInputList.member.1", INLINE),
                    ("PermissionsBoundaryPolicyInputList.member.1", boundary),
                    ("ActionNames.member.1", "s3:GetObject"),
                    ("ActionNames.member.2", "s3:PutObject"),
                    ("ActionNames.member.3", "s3:DeleteObject"),
                    ("ResourceArns.member.1", "arn:aws:s3:::data/alice/k"),
                    ("ContextEntries.member.1.ContextKeyName", "aws:username"),
                    ("ContextEntries.member.1.ContextKeyValues.member.1", "alice"),
                    ("ContextEntries.member.1.ContextKeyType", "string"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            decisions(&body),
            ["allowed", "implicitDeny", "explicitDeny"]
        );
        assert!(
            body.contains("<SimulateCustomPolicyResult><EvaluationResults>"),
            "{body}"
        );
        assert!(
            body.contains("<AllowedByPermissionsBoundary>false</AllowedByPermissionsBoundary>"),
            "{body}"
        );
        assert_eq!(
            xml_field(&body, "SourcePolicyId").as_deref(),
            Some("PolicyInputList.1")
        );
        assert_eq!(xml_field(&body, "IsTruncated").as_deref(), Some("false"));

        // Without the context key the variable is reported missing.
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulateCustomPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicyInputList.member.1", INLINE),
                    ("ActionNames.member.1", "s3:GetObject"),
                    ("ResourceArns.member.1", "arn:aws:s3:::data/alice/k"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(decisions(&body), ["implicitDeny"]);
        assert!(
            body.contains(
                "<MissingContextValues><member>aws:username</member></MissingContextValues>"
            ),
            "{body}"
        );

        // A malformed input policy.
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulateCustomPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicyInputList.member.1", "{\"Version\":\"2012-10-17\""),
                    ("ActionNames.member.1", "s3:GetObject"),
                ],
            )
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), "MalformedPolicyDocument");

        // SimulatePrincipalPolicy on a role: its inline policy, reported by name.
        for params in [
            &[
                ("Action", "CreateRole"),
                ("RoleName", "app"),
                ("AssumeRolePolicyDocument", TRUST),
            ][..],
            &[
                ("Action", "PutRolePolicy"),
                ("RoleName", "app"),
                ("PolicyName", "data-access"),
                ("PolicyDocument", INLINE),
            ][..],
        ] {
            let mut p = params.to_vec();
            p.push(("Version", "2010-05-08"));
            let (status, body) = server.signed(&admin, "iam", &p).await;
            assert_eq!(status, 200, "{body}");
        }
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulatePrincipalPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicySourceArn", "arn:aws:iam::123456789012:role/app"),
                    ("ActionNames.member.1", "s3:DeleteObject"),
                    ("ActionNames.member.2", "iam:CreateUser"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(decisions(&body), ["explicitDeny", "implicitDeny"]);
        assert_eq!(
            xml_field(&body, "SourcePolicyId").as_deref(),
            Some("data-access")
        );
        assert_eq!(
            xml_field(&body, "SourcePolicyType").as_deref(),
            Some("role")
        );

        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulatePrincipalPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicySourceArn", "arn:aws:iam::123456789012:role/nope"),
                    ("ActionNames.member.1", "s3:GetObject"),
                ],
            )
            .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(error_code(&body), "NoSuchEntity");

        // Users are simulated with their attached managed policies: the
        // bootstrap admin holds AdministratorAccess, nothing else.
        let (status, body) = server
            .signed(
                &admin,
                "iam",
                &[
                    ("Action", "SimulatePrincipalPolicy"),
                    ("Version", "2010-05-08"),
                    ("PolicySourceArn", "arn:aws:iam::123456789012:user/admin"),
                    ("ActionNames.member.1", "s3:GetObject"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(decisions(&body), ["allowed"]);
        assert_eq!(
            xml_field(&body, "SourcePolicyId").as_deref(),
            Some("arn:aws:iam::aws:policy/AdministratorAccess")
        );
        assert_eq!(
            xml_field(&body, "SourcePolicyType").as_deref(),
            Some("aws-managed")
        );

        // Unknown users and groups are NoSuchEntity, as for roles.
        for arn in [
            "arn:aws:iam::123456789012:user/nobody",
            "arn:aws:iam::123456789012:group/nobody",
        ] {
            let (status, body) = server
                .signed(
                    &admin,
                    "iam",
                    &[
                        ("Action", "SimulatePrincipalPolicy"),
                        ("Version", "2010-05-08"),
                        ("PolicySourceArn", arn),
                        ("ActionNames.member.1", "s3:GetObject"),
                    ],
                )
                .await;
            assert_eq!(status, 404, "{arn}: {body}");
            assert_eq!(error_code(&body), "NoSuchEntity");
        }

        server.stop().await;
        db.cleanup().await;
    }
}
