//! TagUser: add or replace tags (keys compare ignoring case).

pub type Input = crate::iam::entity_tags::TagEntity<crate::iam::entity_tags::User>;
