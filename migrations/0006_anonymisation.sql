-- Anonymisation (Quebec's access act, s. 73): a third kind of disposition batch, and the record
-- of what an anonymisation removed (crates/core/src/anonymise.rs). The runner turns foreign keys
-- off around a migration and checks them before it commits, as SQLite's table rebuild asks.

CREATE TABLE disposition_batches_v6 (
    id                  INTEGER PRIMARY KEY,
    number              TEXT NOT NULL UNIQUE,
    kind                TEXT NOT NULL CHECK (kind IN ('destruction', 'transfer', 'anonymisation')),
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
    chain_seq           INTEGER,
    chain_hash          TEXT,
    certificate_number  TEXT UNIQUE,
    CHECK (decided_by_id IS NULL OR decided_by_id <> proposed_by_id)
);
INSERT INTO disposition_batches_v6 SELECT * FROM disposition_batches;
DROP TABLE disposition_batches;
ALTER TABLE disposition_batches_v6 RENAME TO disposition_batches;
CREATE INDEX disposition_batches_state ON disposition_batches(state);

-- What an anonymisation kept of the persons it removed from a file, in aggregate, and who did
-- it. The file stays in the register (kept permanently); this row cannot be edited.
CREATE TABLE anonymised_files (
    file_id        INTEGER PRIMARY KEY,
    reference      TEXT NOT NULL,
    batch_id       INTEGER NOT NULL REFERENCES disposition_batches(id),
    persons        INTEGER NOT NULL,
    -- The categories of personal information the file held, ';'-separated codes.
    categories     TEXT NOT NULL,
    -- The persons' birth decades with their counts, such as '1970:2;1980:1'.
    birth_decades  TEXT NOT NULL,
    -- How many names, identifiers and birth dates were replaced in the file's own text.
    replaced       INTEGER NOT NULL,
    proposed_by    TEXT NOT NULL,
    approved_by    TEXT NOT NULL,
    executed_by    TEXT NOT NULL,
    anonymised_at  TEXT NOT NULL
);
CREATE INDEX anonymised_files_batch ON anonymised_files(batch_id);
CREATE TRIGGER anonymised_files_read_only BEFORE UPDATE ON anonymised_files
BEGIN
    SELECT RAISE(ABORT, 'the records of anonymisations cannot be edited');
END;
