-- Legal holds, disposition batches, the residual records of destroyed files, and the tombstones
-- that tell the search index which documents to drop (crates/core/src/disposition.rs).

-- A legal hold on a file, a person's files, a class (and the classes under it) or a project.
-- Holds are never deleted: releasing one records who, when and why.
CREATE TABLE holds (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL CHECK (kind IN ('litigation', 'access_request', 'audit', 'investigation', 'other')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    target_type     TEXT NOT NULL CHECK (target_type IN ('file', 'person', 'class', 'project')),
    target_id       INTEGER NOT NULL,
    -- What the hold is on, as the user named it (a reference, a class or project code, a person's
    -- name is never copied here: persons are named by their id).
    target_label    TEXT NOT NULL,
    placed_by       TEXT NOT NULL,
    placed_at       TEXT NOT NULL,
    released_by     TEXT,
    released_at     TEXT,
    release_reason  TEXT,
    -- The access request that placed the hold automatically, if any.
    request_ref     TEXT,
    CHECK ((released_at IS NULL) = (released_by IS NULL)),
    CHECK (released_at IS NULL OR length(trim(release_reason)) > 0)
);
CREATE INDEX holds_active ON holds(target_type, target_id) WHERE released_at IS NULL;
CREATE TRIGGER holds_never_deleted BEFORE DELETE ON holds
BEGIN
    SELECT RAISE(ABORT, 'holds are released, never deleted');
END;

-- A batch of files proposed for destruction or transfer, decided by another user, executed.
CREATE TABLE disposition_batches (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('destruction', 'transfer')),
    -- incomplete: the rows are gone but the index merge or the checkpoint has not completed yet;
    -- no certificate until it is executed.
    state               TEXT NOT NULL CHECK (state IN ('proposed', 'approved', 'rejected', 'incomplete', 'executed')),
    note                TEXT NOT NULL DEFAULT '',
    proposed_by_id      INTEGER NOT NULL,
    proposed_by         TEXT NOT NULL,
    proposed_at         TEXT NOT NULL,
    decided_by_id       INTEGER,
    decided_by          TEXT,
    decided_at          TEXT,
    decision_reason     TEXT,
    executed_by         TEXT,
    executed_at         TEXT,
    method              TEXT,
    -- The audit chain's head right after the execution event: printed on the certificate.
    chain_seq           INTEGER,
    chain_hash          TEXT,
    certificate_number  TEXT UNIQUE,
    CHECK (decided_by_id IS NULL OR decided_by_id <> proposed_by_id)
);
CREATE INDEX disposition_batches_state ON disposition_batches(state);

-- The files of a batch. No foreign key to files: a destroyed file's row is gone.
CREATE TABLE batch_files (
    batch_id   INTEGER NOT NULL REFERENCES disposition_batches(id),
    file_id    INTEGER NOT NULL,
    reference  TEXT NOT NULL,
    decision   TEXT NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'rejected')),
    PRIMARY KEY (batch_id, file_id)
);
CREATE INDEX batch_files_file ON batch_files(file_id);

-- What stays of a destroyed file, as records standards require: it can be listed and searched,
-- not opened or edited.
CREATE TABLE destroyed_files (
    id            INTEGER PRIMARY KEY,   -- the file's former id
    reference     TEXT NOT NULL,
    class_code    TEXT NOT NULL,
    -- NULL when the rule says the documents are confidential (DOCUMCONFI).
    title         TEXT,
    opened_on     TEXT,
    closed_on     TEXT,
    rule_number   TEXT NOT NULL,
    rule_version  INTEGER NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES disposition_batches(id),
    proposed_by   TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    executed_by   TEXT NOT NULL,
    destroyed_at  TEXT NOT NULL
);
CREATE INDEX destroyed_files_batch ON destroyed_files(batch_id);
CREATE INDEX destroyed_files_reference ON destroyed_files(reference COLLATE NOCASE);
CREATE TRIGGER destroyed_files_read_only BEFORE UPDATE ON destroyed_files
BEGIN
    SELECT RAISE(ABORT, 'residual records of destroyed files cannot be edited');
END;

-- Documents the search index must drop: files and persons whose rows were destroyed. The index
-- replays the tombstones above its change_seq, like the changes of the files themselves.
CREATE TABLE register_deletions (
    kind        TEXT NOT NULL CHECK (kind IN ('file', 'person')),
    id          INTEGER NOT NULL,
    change_seq  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX register_deletions_change ON register_deletions(change_seq);

-- The due list reads the stored final disposition dates of the files still in the register.
CREATE INDEX files_due_open ON files(semi_active_until, disposition) WHERE status NOT IN ('destroyed', 'transferred');
