//! CreatePolicy: a customer managed policy whose document becomes version `v1`.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::app::SysRandom;
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::ids::{IdKind, new_id};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{TagKeys, check_tags, internal, tags_param};
use crate::iam::managed::{
    MAX_POLICIES, Managed, POLICY_DESCRIPTION, PolicyView, check_managed_document, policy_arn,
    policy_path_param, render_policy,
};
use crate::store::{ManagedPolicy, PolicyUsage, StoreError, Tag};

#[derive(Debug)]
pub struct Input {
    name: String,
    path: String,
    document: String,
    description: Option<String>,
    tags: Vec<Tag>,
}

pub struct Output(PolicyView);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_policy(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreatePolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let name = v
            .required(params, "PolicyName", &validate::POLICY_NAME)
            .to_string();
        let path = policy_path_param(&mut v, params, "Path");
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        let description = v
            .optional(params, "Description", &POLICY_DESCRIPTION)
            .map(str::to_string);
        let tags = tags_param(&mut v, params, "Tags")?.unwrap_or_default();
        v.finish()?;
        check_tags(&tags, TagKeys::CaseSensitive)?;
        check_managed_document(&document)?;
        Ok(Input {
            name,
            path,
            document,
            description,
            tags,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreatePolicy",
            resource: iam_resource(account, &format!("policy{}{}", self.path, self.name)),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let policy = ManagedPolicy {
            account: account.clone(),
            arn: policy_arn(account, &self.path, &self.name),
            policy_id: new_id(IdKind::Policy, &mut SysRandom),
            default_version_id: "v1".into(),
            name: self.name,
            path: self.path,
            description: self.description,
            created: ctx.now,
            updated: ctx.now,
            tags: self.tags,
        };
        ctx.state
            .store
            .create_policy(&policy, &self.document, MAX_POLICIES)
            .await
            .map_err(|e| match e {
                StoreError::AlreadyExists => ApiError::new(
                    ErrorCode::EntityAlreadyExists,
                    format!(
                        "A policy called {} already exists. Duplicate names are not allowed.",
                        policy.name
                    ),
                ),
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!("Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES}"),
                ),
                other => internal(other),
            })?;
        tracing::info!(policy = %policy.arn, "managed policy created");
        Ok(Output(PolicyView::new(
            &Managed::Customer(policy),
            PolicyUsage::default(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

    #[test]
    fn parses_and_checks() {
        let p = Params::from_pairs([
            ("PolicyName", "read"),
            ("Path", "/team/"),
            ("PolicyDocument", DOC),
            ("Description", "reads"),
            ("Tags.member.1.Key", "k"),
            ("Tags.member.1.Value", "v"),
            ("Tags.member.2.Key", "K"),
            ("Tags.member.2.Value", "v"),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!((i.path.as_str(), i.tags.len()), ("/team/", 2));
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::Allow {
                action: "iam:CreatePolicy",
                resource: "arn:aws:iam::123456789012:policy/team/read".into()
            }
        );
        let e = Input::from_params(&Params::from_pairs([("Path", "/x")]).unwrap()).unwrap_err();
        assert!(
            e.message.starts_with("3 validation errors detected"),
            "{}",
            e.message
        );
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
        let p = Params::from_pairs([("PolicyName", "p"), ("PolicyDocument", trust)]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::MalformedPolicyDocument
        );
    }
}
