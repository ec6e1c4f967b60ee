CREATE TABLE saml_providers (
    arn TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    metadata TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    certs TEXT NOT NULL,
    valid_until BIGINT NOT NULL,
    created BIGINT NOT NULL,
    tags TEXT NOT NULL,
    encryption_mode TEXT NOT NULL,
    private_keys TEXT NOT NULL,
    allow_sha1 BIGINT NOT NULL,
    allow_reuse BIGINT NOT NULL
);
CREATE INDEX saml_providers_account ON saml_providers (account_id);

CREATE TABLE saml_replay (
    provider_arn TEXT NOT NULL,
    assertion_id TEXT NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (provider_arn, assertion_id)
);
CREATE INDEX saml_replay_expires ON saml_replay (expires);
