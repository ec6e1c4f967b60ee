//! Policy evaluator throughput: one decision per iteration (`decide`, the full
//! AWS decision with matched statements, and `evaluate`, the fast allow/deny
//! path) for a trivial allow and for a 10-statement set.
//!
//! `cargo bench --bench policy -- --warm-up-time 1 --measurement-time 5`

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use stsgate::core::policy::{
    Context, Policy, PolicyKind, PolicySet, PrincipalArns, PrincipalKind, Request,
    RequestPrincipal, decide, evaluate,
};

const TRIVIAL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Ten statements over two policies: exact and wildcard actions, ARN
/// resources with a variable, IP / Bool / String / set conditions; the allow
/// that decides is near the end.
const TEN_A: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"IamRead","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},
 {"Sid":"OwnUser","Effect":"Allow","Action":["iam:ChangePassword","iam:*AccessKey*"],"Resource":"arn:aws:iam::123456789012:user/${aws:username}"},
 {"Sid":"Logs","Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/app/*"},
 {"Sid":"NoIamWrite","Effect":"Deny","Action":["iam:Create*","iam:Delete*","iam:Put*"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},
 {"Sid":"Tags","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}
]}"#;
const TEN_B: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Sid":"Queue","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:jobs-*"},
 {"Sid":"Office","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}},
 {"Sid":"Secrets","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::secrets/*"},
 {"Sid":"Team","Effect":"Allow","Action":"s3:List*","Resource":"arn:aws:s3:::data","Condition":{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}},
 {"Sid":"Data","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":["red","blue"]}}}
]}"#;

fn context() -> Context {
    let mut c = Context::new();
    c.insert("aws:username", "alice");
    c.insert("aws:userid", "AIDAEXAMPLE");
    c.insert("aws:SourceIp", "10.1.2.3");
    c.insert("aws:SecureTransport", "true");
    c.insert("aws:CurrentTime", "2026-11-30T00:00:00Z");
    c.insert("aws:PrincipalTag/team", "red");
    c
}

fn benches(c: &mut Criterion) {
    let trivial = Policy::parse(TRIVIAL, PolicyKind::Identity).unwrap();
    let ten = [
        Policy::parse(TEN_A, PolicyKind::Identity).unwrap(),
        Policy::parse(TEN_B, PolicyKind::Identity).unwrap(),
    ];
    assert_eq!(ten.iter().map(|p| p.statements().len()).sum::<usize>(), 10);
    let ctx = context();
    let user = "arn:aws:iam::123456789012:user/alice".to_string();
    let direct = [user.clone()];
    let principal = RequestPrincipal {
        account: Some("123456789012".into()),
        arns: vec![user],
        federated: None,
        services: Vec::new(),
    };
    let request = Request {
        principal: Some(&principal),
        action: "s3:GetObject",
        resource: "arn:aws:s3:::data/red/report.csv",
        context: &ctx,
    };

    let trivial_refs = [&trivial];
    let ten_refs = [&ten[0], &ten[1]];
    let set = |identity| PolicySet {
        identity,
        boundary: None,
        session: None,
        resource: None,
        principal_kind: PrincipalKind::User,
        principal_arns: PrincipalArns {
            direct: &direct,
            capped: &[],
        },
    };
    let trivial_set = set(&trivial_refs);
    let ten_set = set(&ten_refs);
    assert!(decide(&ten_set, &request).reason.is_none());

    let mut g = c.benchmark_group("policy");
    g.throughput(Throughput::Elements(1));
    g.bench_function("decide/trivial-1-statement", |b| {
        b.iter(|| decide(black_box(&trivial_set), black_box(&request)))
    });
    g.bench_function("decide/10-statements", |b| {
        b.iter(|| decide(black_box(&ten_set), black_box(&request)))
    });
    g.bench_function("evaluate/trivial-1-statement", |b| {
        b.iter(|| evaluate(black_box(&trivial_refs), black_box(&request)))
    });
    g.bench_function("evaluate/10-statements", |b| {
        b.iter(|| evaluate(black_box(&ten_refs), black_box(&request)))
    });
    g.finish();
}

criterion_group!(policy, benches);
criterion_main!(policy);
