-- stsgate's SAML SP signing key (signs AuthnRequests), one row shared by all
-- nodes: the RSA key sealed under the master key, its certificate in clear.
CREATE TABLE sp_signing_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_key BLOB NOT NULL,
    cert TEXT NOT NULL,
    created INTEGER NOT NULL
);
