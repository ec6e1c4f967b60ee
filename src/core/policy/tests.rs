//! Table-driven tests of the policy language through its public API.

use super::*;

/// Context from `(key, values)`; a key ending in `[]` is multi-valued,
/// its values separated by `,` (empty string = empty set).
fn ctx(entries: &[(&str, &str)]) -> Context {
    let mut c = Context::new();
    for (k, v) in entries {
        match k.strip_suffix("[]") {
            Some(k) => {
                let vals = if v.is_empty() {
                    Vec::new()
                } else {
                    v.split(',').map(str::to_string).collect()
                };
                c.insert_multi(k, vals);
            }
            None => c.insert(k, *v),
        }
    }
    c
}

fn parse(doc: &str, kind: PolicyKind) -> Policy {
    match Policy::parse(doc, kind) {
        Ok(p) => p,
        Err(e) => panic!("{doc}: {}", e.message),
    }
}

fn with_condition(condition: &str) -> Policy {
    parse(
        &format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}}}"#
        ),
        PolicyKind::Identity,
    )
}

fn decide(policies: &[&Policy], action: &str, resource: &str, context: &Context) -> Decision {
    evaluate(
        policies,
        &Request {
            principal: None,
            action,
            resource,
            context,
        },
    )
}

/// (statement, action, resource, context, expected decision)
type ActionRow<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [(&'a str, &'a str)],
    Decision,
);

type CondRow<'a> = (&'a str, &'a [(&'a str, &'a str)], bool);

fn run_condition_table(rows: &[CondRow]) {
    for (i, (condition, entries, want)) in rows.iter().enumerate() {
        let p = with_condition(condition);
        let c = ctx(entries);
        let got = decide(&[&p], "s3:GetObject", "arn:aws:s3:::b/k", &c) == Decision::Allow;
        assert_eq!(got, *want, "row {i}: {condition} with {entries:?}");
        // The detailed path must agree with the fast one.
        let detailed = evaluate_detailed(
            &[&p],
            &Request {
                principal: None,
                action: "s3:GetObject",
                resource: "arn:aws:s3:::b/k",
                context: &c,
            },
        );
        assert_eq!(
            detailed.decision == Decision::Allow,
            *want,
            "row {i} (detailed): {condition}"
        );
    }
}

#[test]
fn string_operators() {
    let rows: &[CondRow] = &[
        (
            r#"{"StringEquals":{"aws:username":"alice"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEquals":{"aws:username":"alice"}}"#,
            &[("aws:username", "Alice")],
            false,
        ),
        (r#"{"StringEquals":{"aws:username":"alice"}}"#, &[], false),
        (
            r#"{"StringEquals":{"aws:username":["bob","alice"]}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEquals":{"AWS:UserName":"alice"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEquals":{"aws:PrincipalTag/Team":"x"}}"#,
            &[("aws:principaltag/team", "x")],
            true,
        ),
        (
            r#"{"StringNotEquals":{"aws:username":"alice"}}"#,
            &[("aws:username", "bob")],
            true,
        ),
        (
            r#"{"StringNotEquals":{"aws:username":"alice"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (r#"{"StringNotEquals":{"aws:username":"alice"}}"#, &[], true),
        (
            r#"{"StringNotEquals":{"aws:username":["alice","bob"]}}"#,
            &[("aws:username", "bob")],
            false,
        ),
        (
            r#"{"StringNotEquals":{"aws:username":["alice","bob"]}}"#,
            &[("aws:username", "carol")],
            true,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            &[("aws:username", "bob")],
            false,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"aws:username":"\u00c9t\u00e9"}}"#,
            &[("aws:username", "\u{e9}t\u{e9}")],
            true,
        ),
        (
            r#"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (
            r#"{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}"#,
            &[("aws:username", "bob")],
            true,
        ),
        (
            r#"{"StringLike":{"aws:username":"al*"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringLike":{"aws:username":"a?ice"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringLike":{"aws:username":"a?ice"}}"#,
            &[("aws:username", "aice")],
            false,
        ),
        (
            r#"{"StringLike":{"aws:username":"AL*"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (r#"{"StringLike":{"aws:username":"al*"}}"#, &[], false),
        (
            r#"{"StringNotLike":{"aws:username":"al*"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (
            r#"{"StringNotLike":{"aws:username":"al*"}}"#,
            &[("aws:username", "bob")],
            true,
        ),
        (r#"{"StringNotLike":{"aws:username":"al*"}}"#, &[], true),
        (
            r#"{"StringEqualsIfExists":{"aws:username":"alice"}}"#,
            &[],
            true,
        ),
        (
            r#"{"StringEqualsIfExists":{"aws:username":"alice"}}"#,
            &[("aws:username", "bob")],
            false,
        ),
        (
            r#"{"StringEqualsIfExists":{"aws:username":"alice"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringLikeIfExists":{"aws:username":"b*"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (
            r#"{"StringNotEqualsIfExists":{"aws:username":"alice"}}"#,
            &[],
            true,
        ),
        // AND across keys and across operators.
        (
            r#"{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"}}"#,
            &[
                ("aws:username", "alice"),
                ("aws:requestedregion", "us-east-1"),
            ],
            true,
        ),
        (
            r#"{"StringEquals":{"aws:username":"alice","aws:RequestedRegion":"us-east-1"}}"#,
            &[
                ("aws:username", "alice"),
                ("aws:requestedregion", "eu-west-1"),
            ],
            false,
        ),
        (
            r#"{"StringEquals":{"aws:username":"alice"},"StringLike":{"aws:userid":"AIDA*"}}"#,
            &[("aws:username", "alice"), ("aws:userid", "AROA1")],
            false,
        ),
        // Numbers and booleans may be unquoted.
        (r#"{"StringEquals":{"k:n":5}}"#, &[("k:n", "5")], true),
        (r#"{"StringEquals":{"k:b":true}}"#, &[("k:b", "true")], true),
    ];
    run_condition_table(rows);
}

#[test]
fn set_operators() {
    let rows: &[CondRow] = &[
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["b","c"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            true,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["c"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            false,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["c"]}}"#,
            &[],
            false,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["c"]}}"#,
            &[("aws:TagKeys[]", "")],
            false,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b","c"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            true,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","c"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            false,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
            &[],
            true,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
            &[("aws:TagKeys[]", "")],
            true,
        ),
        (
            r#"{"ForAllValues:StringLike":{"aws:TagKeys":["team*"]}}"#,
            &[("aws:TagKeys[]", "team,teamx")],
            true,
        ),
        (
            r#"{"ForAllValues:StringLike":{"aws:TagKeys":["team*"]}}"#,
            &[("aws:TagKeys[]", "team,cost")],
            false,
        ),
        (
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            true,
        ),
        (
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
            &[("aws:TagKeys[]", "a")],
            false,
        ),
        (
            r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["x"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            true,
        ),
        (
            r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}"#,
            &[("aws:TagKeys[]", "a,b")],
            false,
        ),
        (
            r#"{"forallvalues:stringequals":{"aws:TagKeys":["a","b"]}}"#,
            &[("aws:TagKeys[]", "a")],
            true,
        ),
        (
            r#"{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}"#,
            &[],
            true,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"cognito-identity.amazonaws.com:amr":"authenticated"}}"#,
            &[(
                "cognito-identity.amazonaws.com:amr[]",
                "unauthenticated,authenticated",
            )],
            true,
        ),
        // Multi-valued key without a set operator: positive = any, negated = none.
        (
            r#"{"StringEquals":{"aws:TagKeys":"b"}}"#,
            &[("aws:TagKeys[]", "a,b")],
            true,
        ),
        (
            r#"{"StringNotEquals":{"aws:TagKeys":"b"}}"#,
            &[("aws:TagKeys[]", "a,b")],
            false,
        ),
        (
            r#"{"ForAnyValue:NumericGreaterThan":{"k:nums":"10"}}"#,
            &[("k:nums[]", "1,20")],
            true,
        ),
        (
            r#"{"ForAllValues:NumericGreaterThan":{"k:nums":"10"}}"#,
            &[("k:nums[]", "1,20")],
            false,
        ),
        (
            r#"{"ForAnyValue:NumericGreaterThan":{"k:nums":"10"}}"#,
            &[("k:nums[]", "x,20")],
            false,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn numeric_operators() {
    let rows: &[CondRow] = &[
        (r#"{"NumericEquals":{"k:n":"10"}}"#, &[("k:n", "10")], true),
        (
            r#"{"NumericEquals":{"k:n":"10"}}"#,
            &[("k:n", "10.0")],
            true,
        ),
        (r#"{"NumericEquals":{"k:n":10}}"#, &[("k:n", "11")], false),
        (r#"{"NumericEquals":{"k:n":"10"}}"#, &[], false),
        (
            r#"{"NumericEquals":{"k:n":"10"}}"#,
            &[("k:n", "ten")],
            false,
        ),
        (
            r#"{"NumericNotEquals":{"k:n":"10"}}"#,
            &[("k:n", "11")],
            true,
        ),
        (
            r#"{"NumericNotEquals":{"k:n":"10"}}"#,
            &[("k:n", "10")],
            false,
        ),
        (r#"{"NumericNotEquals":{"k:n":"10"}}"#, &[], true),
        // Unparseable request value fails closed even for a negated operator.
        (
            r#"{"NumericNotEquals":{"k:n":"10"}}"#,
            &[("k:n", "ten")],
            false,
        ),
        (
            r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
            &[("aws:MultiFactorAuthAge", "100")],
            true,
        ),
        (
            r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"#,
            &[("aws:MultiFactorAuthAge", "3600")],
            false,
        ),
        (
            r#"{"NumericLessThanEquals":{"k:n":"3600"}}"#,
            &[("k:n", "3600")],
            true,
        ),
        (
            r#"{"NumericGreaterThan":{"k:n":"1.5"}}"#,
            &[("k:n", "1.51")],
            true,
        ),
        (
            r#"{"NumericGreaterThan":{"k:n":"1.5"}}"#,
            &[("k:n", "1.5")],
            false,
        ),
        (
            r#"{"NumericGreaterThanEquals":{"k:n":"-2"}}"#,
            &[("k:n", "-2")],
            true,
        ),
        (
            r#"{"NumericGreaterThanEquals":{"k:n":"-2"}}"#,
            &[("k:n", "-3")],
            false,
        ),
        (r#"{"NumericLessThanIfExists":{"k:n":"5"}}"#, &[], true),
        (
            r#"{"NumericLessThanIfExists":{"k:n":"5"}}"#,
            &[("k:n", "6")],
            false,
        ),
        (
            r#"{"NumericEquals":{"k:n":["1","2","3"]}}"#,
            &[("k:n", "2")],
            true,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn date_operators() {
    let rows: &[CondRow] = &[
        (
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2020-01-01T00:00:00Z")],
            true,
        ),
        (
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "1577836800")],
            true,
        ),
        (
            r#"{"DateEquals":{"aws:EpochTime":"1577836800"}}"#,
            &[("aws:EpochTime", "2020-01-01T01:00:00+01:00")],
            true,
        ),
        (
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2020-01-01T00:00:01Z")],
            false,
        ),
        (
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[],
            false,
        ),
        (
            r#"{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "soon")],
            false,
        ),
        (
            r#"{"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2021-01-01T00:00:00Z")],
            true,
        ),
        (
            r#"{"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#,
            &[],
            true,
        ),
        (
            r#"{"DateLessThan":{"aws:CurrentTime":"2020-06-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2020-05-31T23:59:59Z")],
            true,
        ),
        (
            r#"{"DateLessThan":{"aws:CurrentTime":"2020-06-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2020-06-01T00:00:00Z")],
            false,
        ),
        (
            r#"{"DateLessThanEquals":{"aws:CurrentTime":"2020-06-01T00:00:00Z"}}"#,
            &[("aws:CurrentTime", "2020-06-01T00:00:00Z")],
            true,
        ),
        (
            r#"{"DateGreaterThan":{"aws:TokenIssueTime":"2020-06-01"}}"#,
            &[("aws:TokenIssueTime", "2020-06-01T00:00:01Z")],
            true,
        ),
        (
            r#"{"DateGreaterThan":{"aws:TokenIssueTime":"2020-06-01"}}"#,
            &[("aws:TokenIssueTime", "2020-05-01T00:00:00Z")],
            false,
        ),
        (
            r#"{"DateGreaterThanEquals":{"aws:EpochTime":1577836800}}"#,
            &[("aws:EpochTime", "1577836800")],
            true,
        ),
        (
            r#"{"DateGreaterThanIfExists":{"aws:TokenIssueTime":"2020-06-01"}}"#,
            &[],
            true,
        ),
        (
            r#"{"DateGreaterThanIfExists":{"aws:TokenIssueTime":"2020-06-01"}}"#,
            &[("aws:TokenIssueTime", "2019-01-01")],
            false,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn bool_binary_null_operators() {
    let rows: &[CondRow] = &[
        (
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            &[("aws:SecureTransport", "true")],
            true,
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":true}}"#,
            &[("aws:SecureTransport", "TRUE")],
            true,
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            &[("aws:SecureTransport", "false")],
            false,
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
            &[("aws:SecureTransport", "yes")],
            false,
        ),
        (r#"{"Bool":{"aws:SecureTransport":"true"}}"#, &[], false),
        (
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
            &[],
            true,
        ),
        (
            r#"{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}"#,
            &[("aws:MultiFactorAuthPresent", "false")],
            false,
        ),
        (
            r#"{"Bool":{"k:b":"${aws:PrincipalTag/flag}"}}"#,
            &[("k:b", "true"), ("aws:PrincipalTag/flag", "true")],
            true,
        ),
        (
            r#"{"Bool":{"k:b":"${aws:PrincipalTag/flag}"}}"#,
            &[("k:b", "true")],
            false,
        ),
        (
            r#"{"BinaryEquals":{"k:bin":"QmluYXJ5"}}"#,
            &[("k:bin", "QmluYXJ5")],
            true,
        ),
        (
            r#"{"BinaryEquals":{"k:bin":"QmluYXJ5"}}"#,
            &[("k:bin", "QmluYXJ6")],
            false,
        ),
        (
            r#"{"BinaryEquals":{"k:bin":"QmluYXJ5"}}"#,
            &[("k:bin", "%%%")],
            false,
        ),
        (r#"{"BinaryEquals":{"k:bin":"QmluYXJ5"}}"#, &[], false),
        (
            r#"{"BinaryEqualsIfExists":{"k:bin":"QmluYXJ5"}}"#,
            &[],
            true,
        ),
        (r#"{"Null":{"aws:TokenIssueTime":"true"}}"#, &[], true),
        (
            r#"{"Null":{"aws:TokenIssueTime":"true"}}"#,
            &[("aws:TokenIssueTime", "2020-01-01")],
            false,
        ),
        (
            r#"{"Null":{"aws:TokenIssueTime":"false"}}"#,
            &[("aws:TokenIssueTime", "2020-01-01")],
            true,
        ),
        (r#"{"Null":{"aws:TokenIssueTime":false}}"#, &[], false),
        (
            r#"{"Null":{"aws:TagKeys":"false"}}"#,
            &[("aws:TagKeys[]", "")],
            false,
        ),
        // Null "false" + ForAllValues: the usual guard that the set is present.
        (
            r#"{"Null":{"aws:TagKeys":"false"},"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#,
            &[],
            false,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn ip_operators() {
    let rows: &[CondRow] = &[
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "203.0.113.7")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "203.0.114.7")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "not-an-ip")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#,
            &[("aws:SourceIp", "203.0.113.5")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.5"}}"#,
            &[("aws:SourceIp", "203.0.113.6")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            &[("aws:SourceIp", "8.8.8.8")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            &[("aws:SourceIp", "2001:db8:1::1")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            &[("aws:SourceIp", "2001:db9::1")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::1"}}"#,
            &[("aws:SourceIp", "2001:db8::1")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            &[("aws:SourceIp", "203.0.113.7")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            &[("aws:SourceIp", "::ffff:10.1.2.3")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
            &[("aws:SourceIp", "192.168.1.1")],
            true,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "198.51.100.1")],
            true,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "203.0.113.1")],
            false,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[],
            true,
        ),
        (
            r#"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[],
            true,
        ),
        (
            r#"{"IpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "1.1.1.1")],
            false,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn arn_operators() {
    let role = "arn:aws:iam::123456789012:role/admin";
    let rows: &[CondRow] = &[
        (
            r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/admin"}}"#,
            &[("aws:PrincipalArn", role)],
            true,
        ),
        (
            r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/Admin"}}"#,
            &[("aws:PrincipalArn", role)],
            false,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}"#,
            &[("aws:PrincipalArn", role)],
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}"#,
            &[("aws:PrincipalArn", role)],
            false,
        ),
        // A `*` in one segment does not cross into the next (StringLike would match).
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam:*:role/admin"}}"#,
            &[("aws:PrincipalArn", role)],
            false,
        ),
        (
            r#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam:*:role/admin"}}"#,
            &[("aws:PrincipalArn", role)],
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"*"}}"#,
            &[("aws:PrincipalArn", role)],
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}"#,
            &[("aws:PrincipalArn", "admin")],
            false,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}"#,
            &[],
            false,
        ),
        (
            r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/admin"}}"#,
            &[("aws:PrincipalArn", role)],
            false,
        ),
        (
            r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}"#,
            &[("aws:PrincipalArn", role)],
            true,
        ),
        (
            r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}}"#,
            &[],
            true,
        ),
        (
            r#"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
            &[],
            true,
        ),
        (
            r#"{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:topic"}}"#,
            &[("aws:SourceArn", "arn:aws:sns:us-east-1:1:other")],
            false,
        ),
        (
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalAccount}:role/admin"}}"#,
            &[
                ("aws:SourceArn", role),
                ("aws:PrincipalAccount", "123456789012"),
            ],
            true,
        ),
        (
            r#"{"ArnEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}}"#,
            &[("aws:SourceArn", role), ("aws:PrincipalArn", role)],
            true,
        ),
    ];
    run_condition_table(rows);
}

#[test]
fn condition_variables() {
    let rows: &[CondRow] = &[
        (
            r#"{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}"#,
            &[("sts:RoleSessionName", "alice"), ("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}"#,
            &[("sts:RoleSessionName", "bob"), ("aws:username", "alice")],
            false,
        ),
        // Unresolved: positive operators fail, negated ones match.
        (
            r#"{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}"#,
            &[("sts:RoleSessionName", "alice")],
            false,
        ),
        (
            r#"{"StringNotEquals":{"sts:RoleSessionName":"${aws:username}"}}"#,
            &[("sts:RoleSessionName", "alice")],
            true,
        ),
        (
            r#"{"StringLike":{"sts:RoleSessionName":"${aws:username}-*"}}"#,
            &[
                ("sts:RoleSessionName", "alice-1"),
                ("aws:username", "alice"),
            ],
            true,
        ),
        (
            r#"{"StringLike":{"sts:RoleSessionName":"${aws:username}-*"}}"#,
            &[("sts:RoleSessionName", "bob-1"), ("aws:username", "alice")],
            false,
        ),
        (
            r#"{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}}"#,
            &[("aws:RequestTag/team", "company-wide")],
            true,
        ),
        (
            r#"{"StringEquals":{"aws:RequestTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}}"#,
            &[
                ("aws:RequestTag/team", "company-wide"),
                ("aws:PrincipalTag/Team", "blue"),
            ],
            false,
        ),
        (
            r#"{"StringEqualsIgnoreCase":{"k:v":"${aws:username}"}}"#,
            &[("k:v", "ALICE"), ("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringLike":{"k:v":"a${*}b"}}"#,
            &[("k:v", "a*b")],
            true,
        ),
        (
            r#"{"StringLike":{"k:v":"a${*}b"}}"#,
            &[("k:v", "axb")],
            false,
        ),
        (
            r#"{"StringEquals":{"k:v":"${$}{x}"}}"#,
            &[("k:v", "${x}")],
            true,
        ),
        // Multi-valued keys cannot be variables.
        (
            r#"{"StringEquals":{"k:v":"${aws:TagKeys}"}}"#,
            &[("k:v", "a"), ("aws:TagKeys[]", "a")],
            false,
        ),
    ];
    run_condition_table(rows);

    // Without Version 2012-10-17 the text is literal.
    let legacy = parse(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"k:v":"${aws:username}"}}}}"#,
        PolicyKind::Identity,
    );
    let c = ctx(&[("k:v", "${aws:username}"), ("aws:username", "alice")]);
    assert_eq!(decide(&[&legacy], "s3:GetObject", "*", &c), Decision::Allow);
    let c = ctx(&[("k:v", "alice"), ("aws:username", "alice")]);
    assert_eq!(
        decide(&[&legacy], "s3:GetObject", "*", &c),
        Decision::ImplicitDeny
    );
}

#[test]
fn action_and_resource_matching() {
    let identity = |stmt: &str| {
        parse(
            &format!(r#"{{"Version":"2012-10-17","Statement":[{stmt}]}}"#),
            PolicyKind::Identity,
        )
    };
    // (statement, action, resource, context, expected)
    let rows: &[ActionRow] = &[
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            "iam:ListUsers",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:ListAccessKeys","Resource":"*"}"#,
            "IAM:listaccesskeys",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*"}"#,
            "iam:CreateAccessKey",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"*"}"#,
            "iam:CreateUser",
            "*",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:Get?ser","Resource":"*"}"#,
            "iam:GetUser",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#,
            "s3:PutObject",
            "*",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":["s3:Get*","iam:List*"],"Resource":"*"}"#,
            "iam:ListRoles",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#,
            "s3:GetObject",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}"#,
            "IAM:CreateUser",
            "*",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/*"}"#,
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/division/alice",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/alice"}"#,
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/Alice",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/alice"}"#,
            "iam:GetUser",
            "arn:aws:iam::123456789012:user/alice",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::123456789012:user/alice"}"#,
            "iam:GetUser",
            "*",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*","NotResource":"arn:aws:iam::123456789012:role/admin"}"#,
            "iam:GetRole",
            "arn:aws:iam::123456789012:role/dev",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:*","NotResource":"arn:aws:iam::123456789012:role/admin"}"#,
            "iam:GetRole",
            "arn:aws:iam::123456789012:role/admin",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::*:user/${aws:username}"}"#,
            "iam:ChangePassword",
            "arn:aws:iam::123456789012:user/alice",
            &[("aws:username", "alice")],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::*:user/${aws:username}"}"#,
            "iam:ChangePassword",
            "arn:aws:iam::123456789012:user/bob",
            &[("aws:username", "alice")],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"iam:ChangePassword","Resource":"arn:aws:iam::*:user/${aws:username}"}"#,
            "iam:ChangePassword",
            "arn:aws:iam::123456789012:user/alice",
            &[],
            Decision::ImplicitDeny,
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}"#,
            "s3:GetObject",
            "arn:aws:s3:::b/shared/x",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
            "s3:GetObject",
            "arn:aws:s3:::b/*/x",
            &[("aws:username", "*")],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}"#,
            "s3:GetObject",
            "arn:aws:s3:::b/bob/x",
            &[("aws:username", "*")],
            Decision::ImplicitDeny,
        ),
        // Explicit deny beats allow, regardless of order.
        (
            r#"{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"}"#,
            "iam:DeleteRole",
            "*",
            &[],
            Decision::ExplicitDeny,
        ),
        (
            r#"{"Effect":"Deny","Action":"iam:Delete*","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            "iam:GetRole",
            "*",
            &[],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Deny","NotAction":"sts:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            "iam:GetRole",
            "*",
            &[],
            Decision::ExplicitDeny,
        ),
        (
            r#"{"Effect":"Deny","NotAction":"sts:*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            "iam:GetRole",
            "*",
            &[("aws:MultiFactorAuthPresent", "true")],
            Decision::Allow,
        ),
        (
            r#"{"Effect":"Deny","Action":"iam:*","Resource":"*"}"#,
            "iam:GetRole",
            "*",
            &[],
            Decision::ExplicitDeny,
        ),
    ];
    for (i, (stmt, action, resource, entries, want)) in rows.iter().enumerate() {
        let p = identity(stmt);
        let c = ctx(entries);
        assert_eq!(
            decide(&[&p], action, resource, &c),
            *want,
            "row {i}: {stmt} / {action} on {resource}"
        );
    }
}

#[test]
fn deny_in_any_policy_wins() {
    let allow = parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        PolicyKind::Identity,
    );
    let deny = parse(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#,
        PolicyKind::Session,
    );
    let c = Context::new();
    assert_eq!(
        decide(&[&allow, &deny], "s3:GetObject", "*", &c),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(&[&deny, &allow], "s3:GetObject", "*", &c),
        Decision::ExplicitDeny
    );
    assert_eq!(
        decide(&[&allow, &deny], "iam:GetUser", "*", &c),
        Decision::Allow
    );
    assert_eq!(decide(&[], "iam:GetUser", "*", &c), Decision::ImplicitDeny);
}

#[test]
fn principal_matching() {
    let account = RequestPrincipal {
        account: Some("123456789012".into()),
        arns: vec!["arn:aws:iam::123456789012:user/alice".into()],
        ..Default::default()
    };
    let session = RequestPrincipal {
        account: Some("123456789012".into()),
        arns: vec![
            "arn:aws:iam::123456789012:role/dev".into(),
            "arn:aws:sts::123456789012:assumed-role/dev/s1".into(),
        ],
        ..Default::default()
    };
    let other = RequestPrincipal {
        account: Some("210987654321".into()),
        arns: vec!["arn:aws:iam::210987654321:user/alice".into()],
        ..Default::default()
    };
    let google = RequestPrincipal {
        federated: Some("accounts.google.com".into()),
        ..Default::default()
    };
    let oidc = RequestPrincipal {
        federated: Some("arn:aws:iam::123456789012:oidc-provider/idp.example.com".into()),
        ..Default::default()
    };
    let service = RequestPrincipal {
        services: vec!["ec2.amazonaws.com".into()],
        ..Default::default()
    };

    // (Principal JSON, caller, expected allow)
    let rows: &[(&str, Option<&RequestPrincipal>, bool)] = &[
        (r#""*""#, None, true),
        (r#""*""#, Some(&other), true),
        (r#"{"AWS":"*"}"#, Some(&account), true),
        (r#"{"AWS":"123456789012"}"#, Some(&account), true),
        (r#"{"AWS":"123456789012"}"#, Some(&session), true),
        (r#"{"AWS":"123456789012"}"#, Some(&other), false),
        (r#"{"AWS":"123456789012"}"#, None, false),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:root"}"#,
            Some(&account),
            true,
        ),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:root"}"#,
            Some(&other),
            false,
        ),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#,
            Some(&account),
            true,
        ),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:user/alice"}"#,
            Some(&other),
            false,
        ),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:user/Alice"}"#,
            Some(&account),
            false,
        ),
        (
            r#"{"AWS":"arn:aws:iam::123456789012:role/dev"}"#,
            Some(&session),
            true,
        ),
        (
            r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/dev/s1"}"#,
            Some(&session),
            true,
        ),
        (
            r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/dev/s2"}"#,
            Some(&session),
            false,
        ),
        (
            r#"{"AWS":["arn:aws:iam::123456789012:user/bob","210987654321"]}"#,
            Some(&other),
            true,
        ),
        (
            r#"{"Federated":"accounts.google.com"}"#,
            Some(&google),
            true,
        ),
        (r#"{"Federated":"accounts.google.com"}"#, Some(&oidc), false),
        (
            r#"{"Federated":"arn:aws:iam::123456789012:oidc-provider/idp.example.com"}"#,
            Some(&oidc),
            true,
        ),
        (
            r#"{"Federated":"accounts.google.com"}"#,
            Some(&account),
            false,
        ),
        (r#"{"Service":"ec2.amazonaws.com"}"#, Some(&service), true),
        (
            r#"{"Service":["lambda.amazonaws.com"]}"#,
            Some(&service),
            false,
        ),
        (
            r#"{"Service":"ec2.amazonaws.com","AWS":"123456789012"}"#,
            Some(&account),
            true,
        ),
        (
            r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
            Some(&account),
            false,
        ),
    ];
    for (i, (principal, who, want)) in rows.iter().enumerate() {
        let doc = format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}}}"#
        );
        let p = parse(&doc, PolicyKind::Trust);
        let c = Context::new();
        let req = Request {
            principal: *who,
            action: "sts:AssumeRole",
            resource: "",
            context: &c,
        };
        assert_eq!(
            evaluate(&[&p], &req) == Decision::Allow,
            *want,
            "row {i}: {principal}"
        );
    }

    // NotPrincipal in a resource policy: applies to everyone not listed.
    let doc = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:user/alice","123456789012"]},"Action":"s3:*","Resource":"*"}]}"#;
    let p = parse(doc, PolicyKind::Resource);
    let c = Context::new();
    for (who, want) in [
        (Some(&account), Decision::Allow),
        (Some(&session), Decision::Allow),
        (Some(&other), Decision::ExplicitDeny),
        (None, Decision::ExplicitDeny),
    ] {
        let req = Request {
            principal: who,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            context: &c,
        };
        assert_eq!(evaluate(&[&p], &req), want, "{who:?}");
    }
}

#[test]
fn parser_rejections() {
    use PolicyKind::*;
    let stmt = |s: &str| format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
    let ok_stmt = r#"{"Effect":"Allow","Action":"s3:*","Resource":"*"}"#;
    let trust_stmt = |extra: &str| {
        stmt(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"123456789012"}},"Action":"sts:AssumeRole"{extra}}}"#
        ))
    };
    let rows: Vec<(PolicyKind, String, &str)> = vec![
        (Identity, "not json".into(), "Syntax errors in policy."),
        (Identity, "".into(), "Syntax errors in policy."),
        (Identity, "[]".into(), "must be a JSON object"),
        (
            Identity,
            r#"{"Version":"2012-10-17","Statement":[]}"#.into(),
            "Statement list is empty",
        ),
        (
            Identity,
            r#"{"Version":"2012-10-17"}"#.into(),
            "Missing required field Statement",
        ),
        (
            Identity,
            r#"{"Version":"2012-10-17","Statement":"x"}"#.into(),
            "Statement must be",
        ),
        (
            Identity,
            r#"{"Version":"2012-10-18","Statement":[]}"#.into(),
            "unsupported Version",
        ),
        (
            Identity,
            format!(r#"{{"Version":2012,"Statement":[{ok_stmt}]}}"#),
            "Version must be a string",
        ),
        (
            Identity,
            format!(r#"{{"Version":"2012-10-17","Foo":1,"Statement":[{ok_stmt}]}}"#),
            "Unknown field Foo",
        ),
        (
            Identity,
            format!(r#"{{"Version":"2012-10-17","Version":"2012-10-17","Statement":[{ok_stmt}]}}"#),
            "Duplicate key Version",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Effect":"Deny","Action":"s3:*","Resource":"*"}"#),
            "Duplicate key Effect",
        ),
        (
            Identity,
            stmt(
                r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a:b":"1","a:b":"2"}}}"#,
            ),
            "Duplicate key a:b",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":"x"}"#),
            "Unknown field Foo",
        ),
        (
            Identity,
            stmt(r#"{"Action":"s3:*","Resource":"*"}"#),
            "Missing required field Effect",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"allow","Action":"s3:*","Resource":"*"}"#),
            "Invalid effect: \"allow\"",
        ),
        (
            Identity,
            stmt(r#"{"Effect":true,"Action":"s3:*","Resource":"*"}"#),
            "Effect must be a string",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Resource":"*"}"#),
            "Policy statement must contain actions.",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":[],"Resource":"*"}"#),
            "Policy statement must contain actions.",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*","Resource":"*"}"#),
            "both Action and NotAction",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"*"}"#),
            "both Resource and NotResource",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"GetObject","Resource":"*"}"#),
            "prefaced by a vendor",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":":GetObject","Resource":"*"}"#),
            "prefaced by a vendor",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}"#),
            "only one colon",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":5,"Resource":"*"}"#),
            "Action must be a string or a list",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":["s3:*",5],"Resource":"*"}"#),
            "Action must be a string",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*"}"#),
            "Policy statement must contain resources.",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}"#),
            "Resource bucket must be in ARN format",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}"#),
            "must be in ARN format",
        ),
        (
            Identity,
            stmt(r#"{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}"#),
            "Policy document should not specify a principal.",
        ),
        (
            Session,
            stmt(
                r#"{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}"#,
            ),
            "should not specify a principal",
        ),
        (
            Identity,
            stmt(r#"{"Sid":"has space","Effect":"Allow","Action":"s3:*","Resource":"*"}"#),
            "alpha-numeric",
        ),
        (
            Identity,
            stmt(
                r#"{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"s3:*","Resource":"*"}"#,
            ),
            "must be unique",
        ),
        (
            Identity,
            stmt(r#"{"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"}"#),
            "Sid must be a string",
        ),
        (
            Identity,
            stmt(r#""not an object""#),
            "Each statement must be an object",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Action":"sts:AssumeRole"}"#),
            "Missing required field Principal",
        ),
        (
            Trust,
            stmt(
                r#"{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}"#,
            ),
            "prohibited field NotPrincipal",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":{"AWS":"foo"},"Action":"sts:AssumeRole"}"#),
            r#"Invalid principal in policy: "AWS":"foo""#,
        ),
        (
            Trust,
            stmt(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sts:AssumeRole"}"#,
            ),
            r#"Invalid principal in policy: "AWS":"arn:aws:iam::*:root""#,
        ),
        (
            Trust,
            stmt(
                r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:s3:::bucket"},"Action":"sts:AssumeRole"}"#,
            ),
            "Invalid principal in policy",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":{"Group":"x"},"Action":"sts:AssumeRole"}"#),
            r#"Invalid principal in policy: "Group":"x""#,
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":"someone","Action":"sts:AssumeRole"}"#),
            "Invalid principal in policy",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}"#),
            "Principal must be",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":{"AWS":[]},"Action":"sts:AssumeRole"}"#),
            "Invalid principal in policy",
        ),
        (
            Trust,
            stmt(r#"{"Effect":"Allow","Principal":{"Federated":"*"},"Action":"sts:AssumeRole"}"#),
            "Invalid principal in policy",
        ),
        (
            Trust,
            stmt(
                r#"{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"1"},"Action":"sts:AssumeRole"}"#,
            ),
            "both Principal and NotPrincipal",
        ),
        (Resource, stmt(ok_stmt), "Missing required field Principal"),
        (
            Trust,
            trust_stmt(r#","Condition":{"StringEqualz":{"a:b":"c"}}"#),
            "Invalid Condition type : StringEqualz",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"NullIfExists":{"a:b":"true"}}"#),
            "Invalid Condition type : NullIfExists",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"ForSomeValues:StringEquals":{"a:b":"c"}}"#),
            "Invalid Condition type",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"StringEqualz":{}}"#),
            "Invalid Condition type : StringEqualz",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":"x""#),
            "Condition must be an object",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"StringEquals":"x"}"#),
            "Condition StringEquals must be an object",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"StringEquals":{"a:b":null}}"#),
            "must be a string, number or boolean",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"StringEquals":{"a:b":[{}]}}"#),
            "must be a string, number or boolean",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"NumericEquals":{"a:b":"ten"}}"#),
            "is not a number",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"DateLessThan":{"a:b":"tomorrow"}}"#),
            "is not a date",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"Bool":{"a:b":"yes"}}"#),
            "is not a boolean",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"Null":{"a:b":"maybe"}}"#),
            "is not a boolean",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#),
            "is not an IP address",
        ),
        (
            Trust,
            trust_stmt(r#","Condition":{"BinaryEquals":{"a:b":"%%"}}"#),
            "is not base64",
        ),
        (
            Identity,
            format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{ok_stmt}],\"Id\":\"\u{4e2d}\"}}"),
            "U+4E2D",
        ),
        (
            Identity,
            format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{ok_stmt}],\"Id\":\"\u{7}\"}}"),
            "U+0007",
        ),
    ];
    for (kind, doc, want) in &rows {
        match Policy::parse(doc, *kind) {
            Ok(_) => panic!("accepted {doc} as {kind:?}"),
            Err(e) => assert!(
                e.message.contains(want),
                "{doc}: got {:?}, want {want:?}",
                e.message
            ),
        }
    }
}

#[test]
fn parser_acceptances() {
    use PolicyKind::*;
    let rows: &[(PolicyKind, &str)] = &[
        (
            Identity,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        ),
        (
            Identity,
            r#"{"Version":"2008-10-17","Id":"x","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        ),
        (
            Identity,
            r#"{"Statement":[{"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Action":["s3:*"],"Effect":"Deny","Sid":"Ab1"}],"Version":"2012-10-17"}"#,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"x"}}}]}"#,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}"#,
        ),
        (
            Trust,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::123456789012:assumed-role/r/s"},"Action":"sts:AssumeRole"}]}"#,
        ),
        (
            Resource,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Any sid","Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}]}"#,
        ),
        (
            Session,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*"]},"NumericLessThan":{"k:n":1.5},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["::1","10.0.0.0/8"]},"BinaryEquals":{"k:b":"QQ=="},"Null":{"k:x":true}}}]}"#,
        ),
    ];
    for (kind, doc) in rows {
        let p = parse(doc, *kind);
        assert_eq!(p.kind(), *kind);
        assert!(!p.statements().is_empty());
    }
}

#[test]
fn statements_expose_sid_effect_and_position() {
    let doc = "{\"Version\":\"2012-10-17\",\n\"Statement\":[\n  {\"Sid\":\"One\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},\n  {\"Effect\":\"Deny\",\"Action\":\"iam:*\",\"Resource\":\"*\"}\n]}";
    let p = parse(doc, PolicyKind::Identity);
    let st = p.statements();
    assert_eq!(st.len(), 2);
    assert_eq!(
        (st[0].sid(), st[0].effect(), st[0].index()),
        (Some("One"), Effect::Allow, 0)
    );
    assert_eq!(
        (st[1].sid(), st[1].effect(), st[1].index()),
        (None, Effect::Deny, 1)
    );
    assert_eq!(st[0].start(), Position { line: 3, column: 3 });
    assert_eq!(
        st[0].end(),
        Position {
            line: 3,
            column: 60
        }
    );
    assert_eq!(st[1].start().line, 4);
    assert_eq!(p.version(), Some("2012-10-17"));
    assert_eq!(p.size(), policy_size(doc));
    assert_eq!(policy_size("{ \"a\" :\n 1 }"), 7);
}

#[test]
fn detailed_evaluation_reports_matches_and_missing_keys() {
    let a = parse(
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},"Bool":{"aws:SecureTransport":"true"}}},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"},
            {"Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"x"}}}]}"#,
        PolicyKind::Identity,
    );
    let b = parse(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:username":"bob"}}}]}"#,
        PolicyKind::Identity,
    );
    let c = ctx(&[
        ("aws:SecureTransport", "true"),
        ("aws:PrincipalTag/Team", "blue"),
    ]);
    let req = Request {
        principal: None,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: &c,
    };
    let e = evaluate_detailed(&[&a, &b], &req);
    assert_eq!(e.decision, Decision::Allow);
    assert_eq!(e.matched, vec![(0, 0)]);
    // aws:RequestedRegion belongs to a statement whose action did not match.
    assert_eq!(e.missing_context_keys, vec!["aws:username".to_string()]);

    let c = ctx(&[("aws:username", "bob")]);
    let req = Request {
        principal: None,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/bob",
        context: &c,
    };
    let e = evaluate_detailed(&[&a, &b], &req);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(e.matched, vec![(0, 1), (1, 0)]);
    assert_eq!(
        e.missing_context_keys,
        vec![
            "aws:PrincipalTag/team".to_string(),
            "aws:SecureTransport".to_string()
        ]
    );
    assert_eq!(evaluate(&[&a, &b], &req), Decision::ExplicitDeny);
}

#[test]
fn context_keys_are_case_insensitive() {
    let mut c = Context::new();
    c.insert("aws:PrincipalTag/Team", "blue");
    c.insert_multi("aws:TagKeys", vec!["a".into(), "b".into()]);
    assert_eq!(
        c.get("AWS:principaltag/team"),
        Some(&["blue".to_string()][..])
    );
    assert!(c.is_multi("aws:tagkeys"));
    assert!(!c.is_multi("aws:PrincipalTag/Team"));
    assert_eq!(c.get("aws:missing"), None);
}

#[test]
fn policy_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Policy>();
    check::<Context>();
}
