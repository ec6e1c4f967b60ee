//! CreateRole: a role with a trust policy, optional path, description,
//! session-duration limit, permissions boundary and tags.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::app::SysRandom;
use crate::core::arn::{AccountId, role_arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::ids::{IdKind, new_id};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_MAX_SESSION, MIN_MAX_SESSION, TagKeys, check_boundary_arn, check_tags,
    check_trust_policy, path_param, render_role, store_error, tags_param,
};
use crate::iam::managed::{boundary_not_found, find_policy};
use crate::store::{Role, StoreError, Tag};

#[derive(Debug)]
pub struct Input {
    path: String,
    name: String,
    trust_policy: String,
    description: Option<String>,
    max_session_duration: i64,
    permissions_boundary: Option<String>,
    tags: Vec<Tag>,
}

pub struct Output(Role);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_role(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateRole";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let path = path_param(&mut v, params);
        let name = v
            .required(params, "RoleName", &validate::ROLE_NAME)
            .to_string();
        let trust_policy = v
            .required(
                params,
                "AssumeRolePolicyDocument",
                &validate::POLICY_DOCUMENT,
            )
            .to_string();
        let description = v
            .optional(params, "Description", &validate::ROLE_DESCRIPTION)
            .map(str::to_string);
        let max_session_duration = v
            .optional_int(
                params,
                "MaxSessionDuration",
                MIN_MAX_SESSION,
                MAX_MAX_SESSION,
            )
            .unwrap_or(MIN_MAX_SESSION);
        let permissions_boundary = v
            .optional(params, "PermissionsBoundary", &validate::ARN)
            .map(str::to_string);
        let tags = tags_param(&mut v, params, "Tags")?.unwrap_or_default();
        v.finish()?;
        check_tags(&tags, TagKeys::CaseInsensitive)?;
        if let Some(arn) = &permissions_boundary {
            check_boundary_arn(arn)?;
        }
        check_trust_policy(&trust_policy)?;
        Ok(Input {
            path,
            name,
            trust_policy,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreateRole",
            resource: iam_resource(account, &format!("role{}{}", self.path, self.name)),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let max_roles = ctx.state.settings.max_roles_per_account;
        if let Some(arn) = &self.permissions_boundary
            && find_policy(ctx, arn).await?.is_none()
        {
            return Err(boundary_not_found(arn));
        }
        let role = Role {
            account: account.clone(),
            arn: role_arn(account, &self.path, &self.name),
            role_id: new_id(IdKind::Role, &mut SysRandom),
            name: self.name,
            path: self.path,
            assume_role_policy: self.trust_policy,
            description: self.description,
            max_session_duration: self.max_session_duration,
            created: ctx.now,
            tags: self.tags,
            permissions_boundary: self.permissions_boundary,
        };
        ctx.state
            .store
            .create_role(&role, max_roles)
            .await
            .map_err(|e| match e {
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!("Cannot exceed quota for RolesPerAccount: {max_roles}"),
                ),
                other => store_error(other, Entity::Role(&role.name)),
            })?;
        tracing::info!(role = %role.arn, "role created");
        Ok(Output(role))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

    #[test]
    fn parses_every_member() {
        let p = Params::from_pairs([
            ("RoleName", "app"),
            ("Path", "/svc/"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Description", "the app"),
            ("MaxSessionDuration", "7200"),
            (
                "PermissionsBoundary",
                "arn:aws:iam::aws:policy/PowerUserAccess",
            ),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "a"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.path, "/svc/");
        assert_eq!(i.max_session_duration, 7200);
        assert_eq!(i.tags.len(), 1);
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::Allow {
                action: "iam:CreateRole",
                resource: "arn:aws:iam::123456789012:role/svc/app".into()
            }
        );
    }

    #[test]
    fn defaults() {
        let p =
            Params::from_pairs([("RoleName", "app"), ("AssumeRolePolicyDocument", TRUST)]).unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.path, "/");
        assert_eq!(i.max_session_duration, 3600);
        assert!(i.description.is_none() && i.permissions_boundary.is_none());
    }

    #[test]
    fn reports_all_model_violations() {
        let p = Params::from_pairs([("MaxSessionDuration", "60")]).unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.starts_with("3 validation errors detected: "));
        assert!(e.message.contains(
            "Value null at 'roleName' failed to satisfy constraint: Member must not be null"
        ));
        assert!(e.message.contains("'assumeRolePolicyDocument'"));
        assert!(
            e.message
                .contains("Member must have value greater than or equal to 3600")
        );
    }

    #[test]
    fn semantic_errors() {
        let base = [("RoleName", "app"), ("AssumeRolePolicyDocument", TRUST)];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            Input::from_params(&Params::from_pairs(pairs).unwrap()).unwrap_err()
        };
        assert_eq!(
            with(&[("PermissionsBoundary", "arn:aws:iam::123456789012:role/x")]).code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            with(&[
                ("Tags.member.1.Key", "a"),
                ("Tags.member.1.Value", ""),
                ("Tags.member.2.Key", "A"),
                ("Tags.member.2.Value", "")
            ])
            .code,
            ErrorCode::InvalidInput
        );
        let p =
            Params::from_pairs([("RoleName", "app"), ("AssumeRolePolicyDocument", "{x")]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
    }
}
