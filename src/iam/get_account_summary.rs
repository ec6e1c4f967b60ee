//! GetAccountSummary: entity counts and quotas of the caller's account as a
//! `SummaryMap`. stsgate has no server certificates, instance profiles,
//! signing certificates or MFA devices, and the root identity holds no keys,
//! password or MFA, so those counts and flags are 0.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    MAX_ACCESS_KEYS_PER_USER, MAX_GROUP_INLINE_POLICIES, MAX_GROUPS, MAX_GROUPS_PER_USER,
    MAX_ROLE_INLINE_POLICIES, MAX_TRUST_POLICY, MAX_USER_INLINE_POLICIES, MAX_USERS, internal,
};
use crate::iam::managed::{MAX_ATTACHED, MAX_POLICIES, MAX_POLICY_SIZE, MAX_VERSIONS};

/// Quotas of things stsgate does not have, as AWS states them (IAM.md §6).
const SERVER_CERTIFICATES_QUOTA: usize = 20;
const SIGNING_CERTIFICATES_PER_USER_QUOTA: usize = 2;
const INSTANCE_PROFILES_QUOTA: usize = 1000;
/// AWS's account-wide limit on attached policy versions.
const POLICY_VERSIONS_IN_USE_QUOTA: usize = 10000;
/// Tokens from the global STS endpoint are version 1 (valid in default regions).
const GLOBAL_ENDPOINT_TOKEN_VERSION: usize = 1;

#[derive(Debug)]
pub struct Input;

/// What the store knows; everything else in the map is a constant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: usize,
    pub groups: usize,
    pub roles: usize,
    pub policies: usize,
    pub policy_versions_in_use: usize,
    pub providers: usize,
    pub roles_quota: usize,
}

pub struct Output {
    entries: Vec<(&'static str, usize)>,
}

impl Output {
    /// The map in the model's key order (`summaryKeyType`).
    pub fn new(c: &Counts) -> Output {
        let entries = vec![
            ("Users", c.users),
            ("UsersQuota", MAX_USERS),
            ("Groups", c.groups),
            ("GroupsQuota", MAX_GROUPS),
            ("ServerCertificates", 0),
            ("ServerCertificatesQuota", SERVER_CERTIFICATES_QUOTA),
            ("UserPolicySizeQuota", MAX_USER_INLINE_POLICIES),
            ("GroupPolicySizeQuota", MAX_GROUP_INLINE_POLICIES),
            ("GroupsPerUserQuota", MAX_GROUPS_PER_USER),
            (
                "SigningCertificatesPerUserQuota",
                SIGNING_CERTIFICATES_PER_USER_QUOTA,
            ),
            ("AccessKeysPerUserQuota", MAX_ACCESS_KEYS_PER_USER),
            ("MFADevices", 0),
            ("MFADevicesInUse", 0),
            ("AccountMFAEnabled", 0),
            ("AccountAccessKeysPresent", 0),
            ("AccountPasswordPresent", 0),
            ("AccountSigningCertificatesPresent", 0),
            ("AttachedPoliciesPerGroupQuota", MAX_ATTACHED),
            ("AttachedPoliciesPerRoleQuota", MAX_ATTACHED),
            ("AttachedPoliciesPerUserQuota", MAX_ATTACHED),
            ("Policies", c.policies),
            ("PoliciesQuota", MAX_POLICIES),
            ("PolicySizeQuota", MAX_POLICY_SIZE),
            ("PolicyVersionsInUse", c.policy_versions_in_use),
            ("PolicyVersionsInUseQuota", POLICY_VERSIONS_IN_USE_QUOTA),
            ("VersionsPerPolicyQuota", MAX_VERSIONS),
            ("GlobalEndpointTokenVersion", GLOBAL_ENDPOINT_TOKEN_VERSION),
            ("AssumeRolePolicySizeQuota", MAX_TRUST_POLICY),
            ("InstanceProfiles", 0),
            ("InstanceProfilesQuota", INSTANCE_PROFILES_QUOTA),
            ("Providers", c.providers),
            ("RolePolicySizeQuota", MAX_ROLE_INLINE_POLICIES),
            ("Roles", c.roles),
            ("RolesQuota", c.roles_quota),
        ];
        Output { entries }
    }
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("SummaryMap");
        for (key, value) in &self.entries {
            w.open("entry")
                .leaf("key", key)
                .leaf_display("value", value)
                .close("entry");
        }
        w.close("SummaryMap");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetAccountSummary";
    type Output = Output;

    fn from_params(_params: &Params) -> ApiResult<Self> {
        Validator::new().finish()?;
        Ok(Input)
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetAccountSummary",
            resource: "*".to_string(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let store = &ctx.state.store;
        let usage = store.policy_usage(account).await.map_err(internal)?;
        let counts = Counts {
            users: store.list_users(account).await.map_err(internal)?.len(),
            groups: store.list_groups(account).await.map_err(internal)?.len(),
            roles: store.count_roles(account).await.map_err(internal)?,
            policies: store.list_policies(account).await.map_err(internal)?.len(),
            // Each attachment puts one (default) policy version in use.
            policy_versions_in_use: usage.values().map(|u| u.attachments).sum(),
            providers: store
                .list_oidc_providers(account)
                .await
                .map_err(internal)?
                .len()
                + store
                    .list_saml_providers(account)
                    .await
                    .map_err(internal)?
                    .len(),
            roles_quota: ctx.state.settings.max_roles_per_account,
        };
        Ok(Output::new(&counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_model_key_once_in_order() {
        let out = Output::new(&Counts {
            users: 3,
            roles: 7,
            roles_quota: 500,
            ..Counts::default()
        });
        let mut w = XmlWriter::new();
        out.render(&mut w);
        let xml = w.into_string();
        assert!(xml.starts_with(
            "<SummaryMap><entry><key>Users</key><value>3</value></entry><entry><key>UsersQuota</key><value>5000</value></entry>"
        ));
        assert!(xml.ends_with(
            "<entry><key>Roles</key><value>7</value></entry><entry><key>RolesQuota</key><value>500</value></entry></SummaryMap>"
        ));
        let keys: Vec<&str> = out.entries.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys.len(), 34);
        let mut unique = keys.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 34);
    }
}
