//! CreatePolicyVersion: a new document for a customer managed policy,
//! optionally made the default. The answer leaves the document out.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::internal;
use crate::iam::managed::{
    MAX_VERSIONS, check_managed_document, check_policy_arn, load_customer_policy, policy_arn_param,
    policy_not_found, render_version_members,
};
use crate::store::{PolicyVersion, StoreError};

#[derive(Debug)]
pub struct Input {
    arn: String,
    document: String,
    set_as_default: bool,
}

pub struct Output(PolicyVersion);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("PolicyVersion");
        render_version_members(w, &self.0, false);
        w.close("PolicyVersion");
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreatePolicyVersion";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        let document = v
            .required(params, "PolicyDocument", &validate::POLICY_DOCUMENT)
            .to_string();
        let set_as_default = v.optional_bool(params, "SetAsDefault").unwrap_or(false);
        v.finish()?;
        check_policy_arn(&arn)?;
        check_managed_document(&document)?;
        Ok(Input {
            arn,
            document,
            set_as_default,
        })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:CreatePolicyVersion",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        load_customer_policy(ctx, &self.arn).await?;
        let version = ctx
            .state
            .store
            .create_policy_version(
                &self.arn,
                &self.document,
                self.set_as_default,
                ctx.now,
                MAX_VERSIONS,
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound => policy_not_found(&self.arn),
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."
                    ),
                ),
                other => internal(other),
            })?;
        tracing::info!(policy = %self.arn, version = %version.version_id, "policy version created");
        Ok(Output(version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_without_document() {
        let mut w = XmlWriter::new();
        Output(PolicyVersion {
            version_id: "v2".into(),
            document: "{}".into(),
            is_default: true,
            created: 0,
        })
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<PolicyVersion><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>1970-01-01T00:00:00Z</CreateDate></PolicyVersion>"
        );
        let p = Params::from_pairs([
            ("PolicyArn", "arn:aws:iam::123456789012:policy/p"),
            ("PolicyDocument", "{}"),
            ("SetAsDefault", "maybe"),
        ])
        .unwrap();
        assert!(
            Input::from_params(&p)
                .unwrap_err()
                .message
                .contains("'setAsDefault'")
        );
    }
}
