//! `serve --demo`: seed a demo account wired to the in-process mock IdP and
//! print commands that exercise it from a shell.

use crate::app::AppState;
use crate::bootstrap::{BootstrapError, BootstrapOutput, bootstrap};
use crate::core::arn::{AccountId, oidc_provider_arn, role_arn};
use crate::core::ids::{IdKind, new_id};
use crate::store::{InlinePolicy, OidcProvider, Role, StoreError, Tag};

pub const DEMO_ACCOUNT: &str = "123456789012";
pub const DEMO_ROLE: &str = "demo-web-identity";
pub const DEMO_CLIENT_ID: &str = "demo-app";

pub struct DemoInfo {
    pub account: AccountId,
    pub role_arn: String,
    pub issuer: String,
    /// Present only the first time (the admin secret is shown once).
    pub admin: Option<BootstrapOutput>,
}

fn ignore_exists(r: Result<(), StoreError>) -> Result<(), String> {
    match r {
        Ok(()) | Err(StoreError::AlreadyExists) => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// Create (idempotently) the demo account, admin, OIDC provider for `issuer`,
/// and a role that trusts it.
pub async fn seed(state: &AppState, issuer: &str) -> Result<DemoInfo, String> {
    let account = AccountId::parse(DEMO_ACCOUNT).ok_or("bad demo account")?;
    let store = state.store.as_ref();
    let now = state.now();
    let admin = match bootstrap(store, &state.master, &account, "admin", now).await {
        Ok(out) => Some(out),
        Err(BootstrapError::AlreadyBootstrapped(accounts)) => {
            if !accounts.contains(&account) {
                return Err(format!(
                    "this data dir belongs to account {}; use an empty --data-dir for the demo",
                    accounts.first().map(|a| a.to_string()).unwrap_or_default()
                ));
            }
            None
        }
        Err(BootstrapError::Store(e)) => return Err(e),
    };
    let host_path = issuer
        .strip_prefix("http://")
        .or_else(|| issuer.strip_prefix("https://"))
        .unwrap_or(issuer);
    let provider_arn = oidc_provider_arn(&account, host_path);
    ignore_exists(
        store
            .create_oidc_provider(
                &OidcProvider {
                    account: account.clone(),
                    arn: provider_arn.clone(),
                    url: issuer.to_string(),
                    client_ids: vec![DEMO_CLIENT_ID.to_string()],
                    thumbprints: Vec::new(),
                    created: now,
                    tags: vec![Tag {
                        key: "stsgate".into(),
                        value: "demo".into(),
                    }],
                },
                100,
            )
            .await,
    )?;
    let trust = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{host_path}:aud"): DEMO_CLIENT_ID}}
        }]
    });
    let arn = role_arn(&account, "/", DEMO_ROLE);
    let existing = store
        .get_role(&account, DEMO_ROLE)
        .await
        .map_err(|e| e.to_string())?;
    match existing {
        Some(_) => store
            .update_assume_role_policy(&account, DEMO_ROLE, &trust.to_string())
            .await
            .map_err(|e| e.to_string())?,
        None => ignore_exists(
            store
                .create_role(
                    &Role {
                        account: account.clone(),
                        name: DEMO_ROLE.into(),
                        path: "/".into(),
                        role_id: new_id(IdKind::Role, &mut crate::app::SysRandom),
                        arn: arn.clone(),
                        assume_role_policy: trust.to_string(),
                        description: Some("Assumed with tokens from the built-in mock IdP".into()),
                        max_session_duration: 3600,
                        created: now,
                        tags: Vec::new(),
                        permissions_boundary: None,
                    },
                    state.settings.max_roles_per_account,
                )
                .await,
        )?,
    }
    let permissions = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListRoles"], "Resource": "*"}]
    });
    store
        .put_role_policy(
            &account,
            DEMO_ROLE,
            &InlinePolicy {
                name: "demo-read-roles".into(),
                document: permissions.to_string(),
            },
            10240,
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(DemoInfo {
        account,
        role_arn: arn,
        issuer: issuer.to_string(),
        admin,
    })
}

/// The copy-paste block printed at start-up.
pub fn instructions(base_url: &str, info: &DemoInfo) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "\nstsgate demo is running at {base_url} (account {}).\n\
         Mock OIDC provider: {} (client id {DEMO_CLIENT_ID})\n\n",
        info.account, info.issuer
    ));
    if let Some(admin) = &info.admin {
        out.push_str(&format!(
            "Administrator keys (shown once):\n  export AWS_ACCESS_KEY_ID={}\n  export AWS_SECRET_ACCESS_KEY={}\n\n",
            admin.access_key_id,
            admin.secret_access_key.expose()
        ));
    }
    out.push_str(&format!(
        "1. Mint an ID token from the mock IdP:\n\
         \x20 TOKEN=$(curl -s -X POST {issuer}/mint -H 'content-type: application/json' -d '{{\"sub\":\"alice\"}}' | sed -E 's/.*\"id_token\":\"([^\"]+)\".*/\\1/')\n\n\
         2. Exchange it with the aws CLI:\n\
         \x20 aws sts assume-role-with-web-identity --no-sign-request --endpoint-url {base_url} --region us-east-1 \\\n\
         \x20   --role-arn {role} --role-session-name alice --web-identity-token \"$TOKEN\"\n\n\
         \x20 or with curl:\n\
         \x20 curl -s {base_url}/ -d Action=AssumeRoleWithWebIdentity -d Version=2011-06-15 \\\n\
         \x20   --data-urlencode RoleArn={role} -d RoleSessionName=alice --data-urlencode \"WebIdentityToken=$TOKEN\"\n\n\
         3. Or let the SDK do it (standard web-identity environment):\n\
         \x20 printf %s \"$TOKEN\" > /tmp/stsgate-demo-token\n\
         \x20 AWS_ROLE_ARN={role} AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/stsgate-demo-token AWS_ROLE_SESSION_NAME=alice \\\n\
         \x20   AWS_ENDPOINT_URL_STS={base_url} aws sts get-caller-identity --region us-east-1\n",
        issuer = info.issuer,
        role = info.role_arn,
    ));
    out
}
