//! UntagSAMLProvider: drop tags by exact key.

pub type Input = crate::iam::provider_tags::UntagProvider<crate::iam::provider_tags::Saml>;
