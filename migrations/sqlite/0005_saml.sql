CREATE TABLE saml_providers (
    arn TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    metadata TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    certs TEXT NOT NULL,
    valid_until INTEGER NOT NULL,
    created INTEGER NOT NULL,
    tags TEXT NOT NULL,
    encryption_mode TEXT NOT NULL,
    private_keys TEXT NOT NULL,
    allow_sha1 INTEGER NOT NULL,
    allow_reuse INTEGER NOT NULL
);
CREATE INDEX saml_providers_account ON saml_providers (account_id);

CREATE TABLE saml_replay (
    provider_arn TEXT NOT NULL,
    assertion_id TEXT NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (provider_arn, assertion_id)
);
CREATE INDEX saml_replay_expires ON saml_replay (expires);
