//! ARNs and account ids.

use std::fmt;

use crate::core::error::{ApiError, ApiResult};

/// A 12-digit AWS account id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Option<AccountId> {
        (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then(|| AccountId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn root_arn(&self) -> String {
        format!("arn:aws:iam::{}:root", self.0)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parsed ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl Arn {
    pub fn parse(s: &str) -> Option<Arn> {
        let mut parts = s.splitn(6, ':');
        let (prefix, partition, service, region, account, resource) = (
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
            parts.next()?,
        );
        if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
            return None;
        }
        Some(Arn {
            partition: partition.into(),
            service: service.into(),
            region: region.into(),
            account: account.into(),
            resource: resource.into(),
        })
    }

    /// The resource type before the first `/` (`role`, `oidc-provider`, …).
    pub fn resource_type(&self) -> &str {
        self.resource.split('/').next().unwrap_or("")
    }

    /// The part after the type: path and name (`path/to/Name`).
    pub fn resource_id(&self) -> &str {
        self.resource.split_once('/').map_or("", |(_, rest)| rest)
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// `arn:aws:iam::ACCT:role/PATH/NAME` — `path` is `/` or `/a/b/`.
pub fn role_arn(account: &AccountId, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role{path}{name}")
}

pub fn user_arn(account: &AccountId, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:user{path}{name}")
}

/// `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION` — the role path is dropped.
pub fn assumed_role_arn(account: &AccountId, role_name: &str, session: &str) -> String {
    format!("arn:aws:sts::{account}:assumed-role/{role_name}/{session}")
}

/// `arn:aws:iam::ACCT:oidc-provider/HOST[:PORT][/PATH]`.
pub fn oidc_provider_arn(account: &AccountId, url_without_scheme: &str) -> String {
    format!("arn:aws:iam::{account}:oidc-provider/{url_without_scheme}")
}

/// A role ARN taken apart: account, path and name. Errors name `param`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleRef {
    pub account: AccountId,
    pub path: String,
    pub name: String,
}

pub fn parse_role_arn(s: &str, param: &str) -> ApiResult<RoleRef> {
    let bad = || ApiError::validation(format!("{param} is not a valid role ARN: {s}"));
    let arn = Arn::parse(s).ok_or_else(bad)?;
    if arn.service != "iam" || arn.resource_type() != "role" || !arn.region.is_empty() {
        return Err(bad());
    }
    let account = AccountId::parse(&arn.account).ok_or_else(bad)?;
    let id = arn.resource_id();
    let (path, name) = match id.rfind('/') {
        Some(i) => (format!("/{}/", &id[..i]), id[i + 1..].to_string()),
        None => ("/".to_string(), id.to_string()),
    };
    if name.is_empty() {
        return Err(bad());
    }
    Ok(RoleRef {
        account,
        path,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arns() {
        let a = Arn::parse("arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realms/x")
            .unwrap();
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.resource, "oidc-provider/idp.example.com:8443/realms/x");
        assert_eq!(a.resource_type(), "oidc-provider");
        assert_eq!(a.resource_id(), "idp.example.com:8443/realms/x");
        assert_eq!(
            a.to_string(),
            "arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realms/x"
        );
        assert!(Arn::parse("arn:aws:iam::1").is_none());
        assert!(Arn::parse("nope:aws:iam::1:role/x").is_none());
    }

    #[test]
    fn role_arn_round_trip() {
        let r = parse_role_arn("arn:aws:iam::123456789012:role/a/b/R", "RoleArn").unwrap();
        assert_eq!(r.path, "/a/b/");
        assert_eq!(r.name, "R");
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            role_arn(&acct, &r.path, &r.name),
            "arn:aws:iam::123456789012:role/a/b/R"
        );
        assert_eq!(
            assumed_role_arn(&acct, "R", "s"),
            "arn:aws:sts::123456789012:assumed-role/R/s"
        );
        assert!(parse_role_arn("arn:aws:iam::123456789012:user/R", "RoleArn").is_err());
        assert!(parse_role_arn("arn:aws:iam::12345:role/R", "RoleArn").is_err());
        assert!(AccountId::parse("12345678901a").is_none());
    }
}
