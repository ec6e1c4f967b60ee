-- Groups, group membership, user and group inline policies, access-key last
-- use and account aliases. Names are matched through lower-cased `*_key`
-- columns (collation "C" so lists sort by bytes, as on SQLite), as in 0001.

CREATE TABLE iam_groups (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    group_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE group_members (
    account_id TEXT NOT NULL,
    group_key TEXT COLLATE "C" NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, group_key, user_key)
);
CREATE INDEX group_members_by_user ON group_members (account_id, user_key);

CREATE TABLE user_policies (
    account_id TEXT NOT NULL,
    user_key TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, user_key, name_key)
);

CREATE TABLE group_policies (
    account_id TEXT NOT NULL,
    group_key TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, group_key, name_key)
);

CREATE TABLE account_aliases (
    alias TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE
);

CREATE INDEX access_keys_by_user ON access_keys (account_id, user_name);

ALTER TABLE access_keys ADD COLUMN last_used BIGINT;
ALTER TABLE access_keys ADD COLUMN last_used_service TEXT;
ALTER TABLE access_keys ADD COLUMN last_used_region TEXT;
