//! ListUserTags: a user's tags, paginated.

pub type Input = crate::iam::entity_tags::ListEntityTags<crate::iam::entity_tags::User>;
