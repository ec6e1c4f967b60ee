//! UntagUser: drop tags by key (ignoring case); unknown keys are ignored.

pub type Input = crate::iam::entity_tags::UntagEntity<crate::iam::entity_tags::User>;
