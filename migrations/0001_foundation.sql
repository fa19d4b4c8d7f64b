-- Foundation: the vault's identity, users and their signing keys, the audit chain, settings.

CREATE TABLE vault_meta (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    vault_id           TEXT NOT NULL,
    organisation       TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    -- Signs events that no signed-in user causes (a failed sign-in). Anyone holding the vault key
    -- can sign with it, so `verify` reports such events as system-signed.
    system_public_key  BLOB NOT NULL,
    system_secret_key  BLOB NOT NULL,
    -- The last event of the chain, updated in the same transaction as each append, so that
    -- removing events from the end of the chain shows.
    head_seq           INTEGER NOT NULL DEFAULT 0,
    head_hash          BLOB NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('administrator', 'archivist', 'access_officer', 'auditor', 'clerk')),
    password_hash  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Each user's Ed25519 signing keys. The secret half is wrapped by a key derived from the user's
-- password (Argon2id, parameters recorded here); a password reset retires the key and adds a new one.
CREATE TABLE user_keys (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    public_key      BLOB NOT NULL UNIQUE,
    kdf_salt        BLOB NOT NULL,
    kdf_m_cost      INTEGER NOT NULL,
    kdf_t_cost      INTEGER NOT NULL,
    kdf_p_cost      INTEGER NOT NULL,
    nonce           BLOB NOT NULL,
    wrapped_secret  BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    retired_at      TEXT
);
CREATE INDEX user_keys_user ON user_keys(user_id);

-- The audit chain. Append-only: the triggers below refuse updates and deletes.
CREATE TABLE audit_events (
    seq                 INTEGER PRIMARY KEY,
    at                  TEXT NOT NULL,
    actor_id            INTEGER,
    actor               TEXT NOT NULL,
    action              TEXT NOT NULL,
    object_type         TEXT NOT NULL,
    object_id           TEXT NOT NULL,
    details_commitment  BLOB,
    introduced_key      BLOB,
    signer_key          BLOB NOT NULL,
    prev_hash           BLOB NOT NULL,
    hash                BLOB NOT NULL,
    signature           BLOB NOT NULL
);
CREATE INDEX audit_events_object ON audit_events(object_type, object_id);

CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- Each event's details, encrypted under a key of their own. Erasing a row (when the record it
-- describes is destroyed) leaves the chain's HMAC commitment in place, and the chain still verifies.
CREATE TABLE audit_details (
    seq         INTEGER PRIMARY KEY REFERENCES audit_events(seq),
    event_key   BLOB NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
