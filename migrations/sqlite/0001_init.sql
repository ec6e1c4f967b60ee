-- Initial schema. Names are unique per account case-insensitively through a
-- lower-cased `*_key` column; tags and string lists are JSON text.

CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    created INTEGER NOT NULL
);

CREATE TABLE users (
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    user_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    created INTEGER NOT NULL,
    tags TEXT NOT NULL,
    is_admin INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (account_id),
    user_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL
);

CREATE TABLE roles (
    account_id TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    role_id TEXT NOT NULL UNIQUE,
    arn TEXT NOT NULL,
    assume_role_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    created INTEGER NOT NULL,
    tags TEXT NOT NULL,
    permissions_boundary TEXT,
    PRIMARY KEY (account_id, name_key)
);

CREATE TABLE role_policies (
    account_id TEXT NOT NULL,
    role_key TEXT NOT NULL,
    name_key TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, role_key, name_key),
    FOREIGN KEY (account_id, role_key) REFERENCES roles (account_id, name_key)
);

CREATE TABLE oidc_providers (
    arn TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    url TEXT NOT NULL,
    client_ids TEXT NOT NULL,
    thumbprints TEXT NOT NULL,
    created INTEGER NOT NULL,
    tags TEXT NOT NULL
);
CREATE INDEX oidc_providers_account ON oidc_providers (account_id);

CREATE TABLE sealing_keys (
    key_id TEXT PRIMARY KEY,
    sealed_key BLOB NOT NULL,
    created INTEGER NOT NULL
);
