-- Groups, group membership, user and group inline policies, access-key last
-- use and account aliases. Names are matched through lower-cased `*_key`
-- columns, as in 0001.

CREATE TABLE iam_groups (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    group_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE group_members (
    account_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    user_key TEXT NOT NULL,
    PRIMARY KEY (account_id, group_key, user_key)
);
CREATE INDEX group_members_by_user ON group_members (account_id, user_key);

CREATE TABLE user_policies (
    account_id TEXT NOT NULL,
    user_key TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, user_key, name_key)
);

CREATE TABLE group_policies (
    account_id TEXT NOT NULL,
    group_key TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, group_key, name_key)
);

CREATE TABLE account_aliases (
    alias TEXT PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE
);

CREATE INDEX access_keys_by_user ON access_keys (account_id, user_name);

ALTER TABLE access_keys ADD COLUMN last_used INTEGER;
ALTER TABLE access_keys ADD COLUMN last_used_service TEXT;
ALTER TABLE access_keys ADD COLUMN last_used_region TEXT;
