-- Initial schema. Names are unique per account case-insensitively through a
-- lower-cased `*_key` column; tags and string lists are JSON text.
-- Keys use the "C" collation so lists sort by bytes, as on SQLite, whatever
-- the server's locale.

CREATE TABLE change_counter (
    id BIGINT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE accounts (
    account_id TEXT COLLATE "C" PRIMARY KEY,
    created BIGINT NOT NULL
);

CREATE TABLE users (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    user_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    created BIGINT NOT NULL,
    tags TEXT NOT NULL,
    is_admin BIGINT NOT NULL,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE access_keys (
    access_key_id TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    user_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    secret_sealed BYTEA NOT NULL,
    status TEXT NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE roles (
    account_id TEXT NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    role_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    assume_role_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration BIGINT NOT NULL,
    created BIGINT NOT NULL,
    tags TEXT NOT NULL,
    permissions_boundary TEXT,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE role_policies (
    account_id TEXT NOT NULL,
    role_key TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, role_key, name_key),
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
);

CREATE TABLE oidc_providers (
    arn TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT NOT NULL,
    url TEXT NOT NULL,
    client_ids TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    created BIGINT NOT NULL,
    tags TEXT NOT NULL
);
CREATE INDEX oidc_providers_account ON oidc_providers (account_id);

CREATE TABLE sealing_keys (
    key_id TEXT COLLATE "C" PRIMARY KEY,
    sealed_key BYTEA NOT NULL,
    created BIGINT NOT NULL
);
