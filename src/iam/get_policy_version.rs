//! GetPolicyVersion: one version of a managed policy, its document URL-encoded.
//! AWS managed policies show their default version only.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::{ApiError, ApiResult};
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::internal;
use crate::iam::managed::{
    Managed, aws_version, check_policy_arn, find_policy, policy_arn_param, policy_not_found,
    render_version_members, version_id_param,
};
use crate::store::PolicyVersion;

#[derive(Debug)]
pub struct Input {
    arn: String,
    version_id: String,
}

pub struct Output(PolicyVersion);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.open("PolicyVersion");
        render_version_members(w, &self.0, true);
        w.close("PolicyVersion");
    }
}

/// A version the policy does not have.
pub fn version_not_found(arn: &str, version_id: &str) -> ApiError {
    ApiError::no_such_entity(format!(
        "Policy {arn} version {version_id} does not exist or is not attachable."
    ))
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetPolicyVersion";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        let version_id = version_id_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { arn, version_id })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetPolicyVersion",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let version = match find_policy(ctx, &self.arn).await? {
            None => return Err(policy_not_found(&self.arn)),
            Some(Managed::Aws(p)) => {
                Some(aws_version(p)).filter(|v| v.version_id == self.version_id)
            }
            Some(Managed::Customer(_)) => ctx
                .state
                .store
                .get_policy_version(&self.arn, &self.version_id)
                .await
                .map_err(internal)?,
        };
        version
            .map(Output)
            .ok_or_else(|| version_not_found(&self.arn, &self.version_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_document_encoded() {
        let mut w = XmlWriter::new();
        Output(PolicyVersion {
            version_id: "v1".into(),
            document: "{\"Version\":\"2012-10-17\"}".into(),
            is_default: true,
            created: 0,
        })
        .render(&mut w);
        assert_eq!(
            w.into_string(),
            "<PolicyVersion><Document>%7B%22Version%22%3A%222012-10-17%22%7D</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>1970-01-01T00:00:00Z</CreateDate></PolicyVersion>"
        );
        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(e.message.starts_with("2 validation errors detected"));
    }
}
