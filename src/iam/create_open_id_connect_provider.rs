//! CreateOpenIDConnectProvider: register an OIDC issuer whose tokens
//! AssumeRoleWithWebIdentity accepts.

use crate::action::{Action, Authorization, Ctx, Render, iam_resource};
use crate::core::arn::{AccountId, oidc_provider_arn};
use crate::core::error::{ApiError, ApiResult, ErrorCode};
use crate::core::query::Params;
use crate::core::validate::{self, Validator};
use crate::core::xml::{Service, XmlWriter};
use crate::iam::common::{
    Entity, MAX_CLIENT_IDS, MAX_OIDC_PROVIDERS, TagKeys, check_tags, dedup, normalize_provider_url,
    render_tags, store_error, tags_param, thumbprints_param, url_without_scheme,
};
use crate::store::{OidcProvider, StoreError, Tag};

#[derive(Debug)]
pub struct Input {
    /// As sent; normalised in `execute`, where the http setting is known.
    url: String,
    client_ids: Vec<String>,
    thumbprints: Vec<String>,
    tags: Vec<Tag>,
}

pub struct Output {
    arn: String,
    tags: Vec<Tag>,
}

impl Render for Output {
    fn render(&self, w: &mut XmlWriter) {
        w.leaf("OpenIDConnectProviderArn", &self.arn);
        render_tags(w, &self.tags);
    }
}

impl Action for Input {
    const SERVICE: Service = Service::Iam;
    const NAME: &'static str = "CreateOpenIDConnectProvider";
    type Output = Output;

    fn from_params(params: &Params) -> ApiResult<Self> {
        let mut v = Validator::new();
        let url = v.required(params, "Url", &validate::OIDC_URL).to_string();
        let client_ids = v
            .list(params, "ClientIDList", MAX_CLIENT_IDS, &validate::CLIENT_ID)
            .unwrap_or_default();
        let client_ids = dedup(client_ids.into_iter().map(str::to_string).collect());
        let thumbprints = thumbprints_param(&mut v, params).unwrap_or_default();
        let tags = tags_param(&mut v, params, "Tags")?.unwrap_or_default();
        v.finish()?;
        check_tags(&tags, TagKeys::CaseSensitive)?;
        // The scheme rule depends on settings; the rest is checked here.
        normalize_provider_url(&url, true)?;
        Ok(Input {
            url,
            client_ids,
            thumbprints,
            tags,
        })
    }

    fn request_tags(&self) -> Vec<(String, String)> {
        crate::iam::common::tag_pairs(&self.tags)
    }

    fn authorization(&self, account: Option<&AccountId>) -> Authorization {
        let url = normalize_provider_url(&self.url, true).unwrap_or_else(|_| self.url.clone());
        Authorization::Allow {
            action: "iam:CreateOpenIDConnectProvider",
            resource: iam_resource(
                account,
                &format!("oidc-provider/{}", url_without_scheme(&url)),
            ),
        }
    }

    async fn execute(self, ctx: &Ctx<'_>) -> ApiResult<Output> {
        let account = ctx.account()?;
        let url = normalize_provider_url(&self.url, ctx.state.settings.oidc.allow_http_issuers)?;
        let provider = OidcProvider {
            account: account.clone(),
            arn: oidc_provider_arn(account, url_without_scheme(&url)),
            url,
            client_ids: self.client_ids,
            thumbprints: self.thumbprints,
            created: ctx.now,
            tags: self.tags,
        };
        ctx.state
            .store
            .create_oidc_provider(&provider, MAX_OIDC_PROVIDERS)
            .await
            .map_err(|e| match e {
                StoreError::Limit(_) => ApiError::new(
                    ErrorCode::LimitExceeded,
                    format!(
                        "Cannot exceed quota for OpenIdConnectProvidersPerAccount: {MAX_OIDC_PROVIDERS}"
                    ),
                ),
                other => store_error(other, Entity::NewProvider(&provider.url)),
            })?;
        tracing::info!(provider = %provider.arn, "OIDC provider created");
        Ok(Output {
            arn: provider.arn,
            tags: provider.tags,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists_and_checks_the_url() {
        let p = Params::from_pairs([
            ("Url", "https://idp.example.com:8443/realms/x/"),
            ("ClientIDList.member.1", "app"),
            ("ClientIDList.member.2", "app"),
            (
                "ThumbprintList.member.1",
                "9E99A48A9960B14926BB7F3B02E22DA2B0AB7280",
            ),
        ])
        .unwrap();
        let i = Input::from_params(&p).unwrap();
        assert_eq!(i.client_ids, vec!["app"]);
        assert_eq!(
            i.thumbprints,
            vec!["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
        );
        let acct = AccountId::parse("123456789012").unwrap();
        assert_eq!(
            i.authorization(Some(&acct)),
            Authorization::Allow {
                action: "iam:CreateOpenIDConnectProvider",
                resource: "arn:aws:iam::123456789012:oidc-provider/idp.example.com:8443/realms/x"
                    .into()
            }
        );

        let p = Params::from_pairs([("Url", "https://a.example.com?x=1")]).unwrap();
        assert_eq!(
            Input::from_params(&p).unwrap_err().code,
            ErrorCode::InvalidInput
        );

        let p = Params::from_pairs([
            ("Url", "https://a.example.com"),
            ("ThumbprintList.member.1", "abc"),
        ])
        .unwrap();
        let e = Input::from_params(&p).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationError);
        assert!(e.message.contains("'thumbprintList'"), "{}", e.message);

        let e = Input::from_params(&Params::default()).unwrap_err();
        assert!(e.message.contains("Value null at 'url'"));
    }

    #[test]
    fn list_limits() {
        let ids: Vec<(String, String)> = (1..=101)
            .map(|i| (format!("ClientIDList.member.{i}"), format!("c{i}")))
            .collect();
        let mut pairs: Vec<(&str, &str)> =
            ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("Url", "https://a.example.com"));
        let e = Input::from_params(&Params::from_pairs(pairs).unwrap()).unwrap_err();
        assert!(e.message.contains(
            "Value at 'clientIDList' failed to satisfy constraint: Member must have length less than or equal to 100"
        ), "{}", e.message);
        let t = "a".repeat(40);
        let tps: Vec<(String, String)> = (1..=6)
            .map(|i| (format!("ThumbprintList.member.{i}"), t.clone()))
            .collect();
        let mut pairs: Vec<(&str, &str)> =
            tps.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("Url", "https://a.example.com"));
        assert!(Input::from_params(&Params::from_pairs(pairs).unwrap()).is_err());
    }
}
