-- Managed-policy attachments (users, groups, roles) and user permissions
-- boundaries. Shared by the identity and policy families: deleting a user,
-- group or role is refused while attachments remain.

CREATE TABLE policy_attachments (
    account_id TEXT NOT NULL,
    -- 'user', 'group' or 'role'
    entity_kind TEXT NOT NULL,
    -- lower-cased entity name (the *_key of users/groups/roles)
    entity_key TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_key, policy_arn)
);
CREATE INDEX policy_attachments_by_policy ON policy_attachments (policy_arn);

ALTER TABLE users ADD COLUMN permissions_boundary TEXT;
