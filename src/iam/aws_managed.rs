//! The built-in AWS managed policies (`arn:aws:iam::aws:policy/NAME`, path
//! `/`): fixed ids, versions and dates, so every node and every restart shows
//! the same catalogue. Documents follow AWS's published versions (POLICY.md
//! §9); ReadOnlyAccess is a trimmed copy of a ~70 KB original.

use crate::core::time::Epoch;

#[derive(Debug, PartialEq, Eq)]
pub struct AwsManagedPolicy {
    pub name: &'static str,
    pub arn: &'static str,
    pub policy_id: &'static str,
    pub default_version_id: &'static str,
    pub description: &'static str,
    pub document: &'static str,
    pub created: Epoch,
    pub updated: Epoch,
}

impl AwsManagedPolicy {
    pub const PATH: &'static str = "/";
}

/// 2015-02-06T18:39:46Z, when AWS published its first managed policies.
const CREATED: Epoch = 1_423_247_986;

const CATALOGUE: &[AwsManagedPolicy] = &[
    AwsManagedPolicy {
        name: "AdministratorAccess",
        arn: "arn:aws:iam::aws:policy/AdministratorAccess",
        policy_id: "ANPAIWMBCKSKIEE64ZLYK",
        default_version_id: "v1",
        description: "Provides full access to AWS services and resources.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        created: CREATED,
        updated: CREATED,
    },
    AwsManagedPolicy {
        name: "AmazonS3FullAccess",
        arn: "arn:aws:iam::aws:policy/AmazonS3FullAccess",
        policy_id: "ANPAIFIR6V6BVTRAHWINE",
        default_version_id: "v2",
        description: "Provides full access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: 1_632_700_800,
    },
    AwsManagedPolicy {
        name: "AmazonS3ReadOnlyAccess",
        arn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        policy_id: "ANPAIZTJ4DXE7G6AGAE6M",
        default_version_id: "v3",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: 1_691_020_800,
    },
    AwsManagedPolicy {
        name: "IAMFullAccess",
        arn: "arn:aws:iam::aws:policy/IAMFullAccess",
        policy_id: "ANPAI7XKCFMBPM3QQRRVQ",
        default_version_id: "v2",
        description: "Provides full access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: 1_560_000_000,
    },
    AwsManagedPolicy {
        name: "IAMReadOnlyAccess",
        arn: "arn:aws:iam::aws:policy/IAMReadOnlyAccess",
        policy_id: "ANPAJKSO7NDY4T57MWDSQ",
        default_version_id: "v4",
        description: "Provides read only access to IAM via the AWS Management Console.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: 1_546_300_800,
    },
    AwsManagedPolicy {
        name: "IAMUserChangePassword",
        arn: "arn:aws:iam::aws:policy/IAMUserChangePassword",
        policy_id: "ANPAJ4L4MM2A7QIEB56MS",
        default_version_id: "v2",
        description: "Provides the ability for an IAM user to change their own password.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ChangePassword"],"Resource":["arn:aws:iam::*:user/${aws:username}"]},{"Effect":"Allow","Action":["iam:GetAccountPasswordPolicy"],"Resource":"*"}]}"#,
        created: 1_479_254_400,
        updated: 1_479_254_400,
    },
    AwsManagedPolicy {
        name: "PowerUserAccess",
        arn: "arn:aws:iam::aws:policy/PowerUserAccess",
        policy_id: "ANPAJYRXTHIB4FOVS3ZXS",
        default_version_id: "v12",
        description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["account:GetAccountInformation","account:GetGovCloudAccountInformation","account:GetPrimaryEmail","account:ListRegions","iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeEffectivePolicy","organizations:DescribeOrganization"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: 1_769_904_000,
    },
    AwsManagedPolicy {
        name: "ReadOnlyAccess",
        arn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        policy_id: "ANPAILL3HVNFSB6DCOWYQ",
        default_version_id: "v1",
        description: "Provides read-only access to AWS services and resources. stsgate ships a trimmed copy: a representative subset of AWS's read actions.",
        document: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["acm:Describe*","acm:Get*","acm:List*","autoscaling:Describe*","cloudformation:Describe*","cloudformation:Get*","cloudformation:List*","cloudfront:Get*","cloudfront:List*","cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:List*","cloudtrail:LookupEvents","cloudwatch:Describe*","cloudwatch:Get*","cloudwatch:List*","dynamodb:Describe*","dynamodb:Get*","dynamodb:List*","ec2:Describe*","ec2:Get*","ecr:Describe*","ecr:Get*","ecr:List*","ecs:Describe*","ecs:List*","eks:Describe*","eks:List*","elasticloadbalancing:Describe*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","kms:Describe*","kms:Get*","kms:List*","lambda:Get*","lambda:List*","logs:Describe*","logs:Get*","logs:FilterLogEvents","organizations:Describe*","organizations:List*","rds:Describe*","rds:List*","route53:Get*","route53:List*","s3:Describe*","s3:Get*","s3:List*","secretsmanager:Describe*","secretsmanager:List*","sns:Get*","sns:List*","sqs:Get*","sqs:List*","ssm:Describe*","ssm:Get*","ssm:List*","sts:GetCallerIdentity","sts:GetSessionToken","tag:Get*"],"Resource":"*"}]}"#,
        created: CREATED,
        updated: CREATED,
    },
];

/// The catalogue entry with this exact ARN.
pub fn lookup(arn: &str) -> Option<&'static AwsManagedPolicy> {
    CATALOGUE.iter().find(|p| p.arn == arn)
}

/// Every AWS managed policy, ordered by name.
pub fn all() -> &'static [AwsManagedPolicy] {
    CATALOGUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::policy::{Policy, PolicyKind};
    use crate::core::validate::name_char;

    #[test]
    fn every_document_parses_as_an_identity_policy() {
        for p in all() {
            if let Err(e) = Policy::parse(p.document, PolicyKind::Identity) {
                panic!("{}: {}", p.name, e.message);
            }
        }
    }

    #[test]
    fn entries_are_consistent() {
        assert!(all().len() >= 8);
        let mut previous = "";
        for p in all() {
            assert_eq!(p.arn, format!("arn:aws:iam::aws:policy/{}", p.name));
            assert!(p.name.chars().all(name_char), "{}", p.name);
            assert!(p.policy_id.starts_with("ANPA") && p.policy_id.len() == 21);
            assert!(p.default_version_id.starts_with('v'));
            assert!(p.updated >= p.created);
            assert!(previous < p.name, "catalogue is ordered by name");
            assert!(crate::store::non_whitespace_len(p.document) <= 6144);
            previous = p.name;
        }
        let ids: std::collections::HashSet<_> = all().iter().map(|p| p.policy_id).collect();
        assert_eq!(ids.len(), all().len());
    }

    #[test]
    fn lookup_by_exact_arn() {
        let admin = lookup("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert_eq!(admin.default_version_id, "v1");
        assert!(lookup("arn:aws:iam::aws:policy/administratoraccess").is_none());
        assert!(lookup("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(
            lookup("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .unwrap()
                .description
                .contains("trimmed")
        );
    }
}
