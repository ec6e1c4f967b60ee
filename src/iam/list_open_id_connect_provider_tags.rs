//! ListOpenIDConnectProviderTags: a provider's tags, paginated.

pub type Input = crate::iam::provider_tags::ListProviderTags<crate::iam::provider_tags::Oidc>;
