//! GetPolicy: a managed policy, the account's or AWS's, with its usage counts.

use crate::action::{Action, Authorization, Ctx, Render};
use crate::core::arn::AccountId;
use crate::core::error::ApiResult;
use crate::core::query::Params;
use crate::core::validate::Validator;
use crate::core::xml::{Service, XmlWriter};
use crate::iam::managed::{
    PolicyView, check_policy_arn, find_policy, policy_arn_param, policy_not_found, render_policy,
    usage_of,
};

#[derive(Debug)]
pub struct Input {
    arn: String,
}

pub struct Output(PolicyView);

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        render_policy(w, &self.0);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "GetPolicy";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let arn = policy_arn_param(&mut v, params);
        v.finish()?;
        check_policy_arn(&arn)?;
        Ok(Input { arn })
    }

    fn authorization(&self, _account: Option<&AccountId>) -> Authorization {
        Authorization::Allow {
            action: "iam:GetPolicy",
            resource: self.arn.clone(),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let policy = find_policy(ctx, &self.arn)
            .await?
            .ok_or_else(|| policy_not_found(&self.arn))?;
        let usage = usage_of(ctx, &self.arn).await?;
        Ok(Output(PolicyView::new(&policy, usage)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;

    #[test]
    fn arn_is_required_and_checked() {
        assert_eq!(
            Input::from_params(&Params::default()).unwrap_err().code,
            ErrorCode::ValidationError
        );
        let p = Params::from_pairs([("PolicyArn", "arn:aws:iam::123456789012:role/x")]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
