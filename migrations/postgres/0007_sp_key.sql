-- stsgate's SAML SP signing key (signs AuthnRequests), one row shared by all
-- nodes: the RSA key sealed under the master key, its certificate in clear.
CREATE TABLE sp_signing_key (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    sealed_key BYTEA NOT NULL,
    cert TEXT NOT NULL,
    created BIGINT NOT NULL
);
