-- Customer managed policies and their versions. AWS managed policies live in
-- the code (src/iam/aws_managed.rs), never in these tables. Policy names are
-- unique per account case-insensitively (name_key), whatever the path.

CREATE TABLE managed_policies (
    arn TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    policy_id TEXT NOT NULL UNIQUE,
    default_version_id TEXT NOT NULL,
    -- version numbers are never reused: the next CreatePolicyVersion gets this
    next_version BIGINT NOT NULL,
    description TEXT,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    tags TEXT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_arn TEXT NOT NULL REFERENCES managed_policies (arn),
    version_id TEXT NOT NULL,
    version_num BIGINT NOT NULL,
    document TEXT NOT NULL,
    created BIGINT NOT NULL,
    PRIMARY KEY (policy_arn, version_id)
);
