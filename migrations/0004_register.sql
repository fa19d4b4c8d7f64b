-- The file register: files ("dossiers"), the persons they are about, the personal information
-- each file holds about each person, and the purposes and consents of its collection.
--
-- `change_seq` ties the register to the full-text index (a separate SQLCipher file, search.db,
-- keyed from the vault key): every change to a file takes the next value of
-- register_state.change_seq, and each index commit records the last value it holds. At open the
-- core replays the files whose change_seq is above the index's (crates/core/src/search/).

CREATE TABLE register_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    change_seq  INTEGER NOT NULL DEFAULT 0
);
INSERT INTO register_state (id, change_seq) VALUES (1, 0);

CREATE TABLE files (
    id              INTEGER PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(reference)) BETWEEN 1 AND 64),
    class_id        INTEGER NOT NULL REFERENCES plan_classes(id),
    -- The rule (and its version) the file's due dates come from: a file keeps its version until
    -- the archivist applies a newer one.
    rule_id         INTEGER NOT NULL REFERENCES retention_rules(id),
    rule_version    INTEGER NOT NULL CHECK (rule_version >= 1),
    project_id      INTEGER REFERENCES projects(id),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    description     TEXT NOT NULL DEFAULT '',
    keywords        TEXT NOT NULL DEFAULT '',   -- one per line
    opened_on       TEXT CHECK (opened_on IS NULL OR opened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    closed_on       TEXT CHECK (closed_on IS NULL OR closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    contract_ended_on TEXT CHECK (contract_ended_on IS NULL OR contract_ended_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    last_activity_on  TEXT CHECK (last_activity_on IS NULL OR last_activity_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    -- Other dates a rule's trigger may name (TriggerEvent::FileDate), as a JSON object of ISO dates.
    other_dates     TEXT NOT NULL DEFAULT '{}',
    holder          TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    medium          TEXT NOT NULL DEFAULT 'paper' CHECK (medium IN ('paper', 'digital', 'hybrid')),
    sensitivity     TEXT NOT NULL DEFAULT 'internal' CHECK (sensitivity IN
                        ('public', 'internal', 'confidential', 'personal', 'highly_sensitive')),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN
                        ('active', 'semi_active', 'inactive', 'on_hold', 'destroyed', 'transferred')),
    notes           TEXT NOT NULL DEFAULT '',
    -- The file's own exception to its calendar (the most specific source), as JSON; NULL for none.
    exception       TEXT,
    -- Computed by the core from the rule that applies; NULL while the triggering event has not
    -- happened (or the period runs "until an event" / "while in use").
    active_until    TEXT,
    semi_active_until TEXT,
    disposition     TEXT NOT NULL CHECK (disposition IN ('C', 'D', 'T')),
    change_seq      INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (closed_on IS NULL OR opened_on IS NULL OR closed_on >= opened_on)
);
CREATE INDEX files_class ON files(class_id);
CREATE INDEX files_project ON files(project_id);
CREATE INDEX files_change ON files(change_seq);
CREATE INDEX files_due ON files(semi_active_until);
CREATE INDEX files_status ON files(status);

-- A person files are about: a resident, a client, an employee.
CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    -- The key a spreadsheet gives the person (such as an employee number), unique when present.
    external_key TEXT UNIQUE COLLATE NOCASE,
    last_name    TEXT NOT NULL CHECK (length(trim(last_name)) > 0),
    first_name   TEXT NOT NULL DEFAULT '',
    birth_date   TEXT CHECK (birth_date IS NULL OR birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    change_seq   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX persons_change ON persons(change_seq);
CREATE INDEX persons_name ON persons(last_name COLLATE NOCASE, first_name COLLATE NOCASE);

-- A person's identifiers: shown masked, revealed on request with an audit event.
CREATE TABLE person_identifiers (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES persons(id),
    kind       TEXT NOT NULL CHECK (kind IN
                   ('sin', 'health_insurance', 'driver_licence', 'client_number', 'employee_number', 'other')),
    value      TEXT NOT NULL CHECK (length(trim(value)) > 0),
    -- The value without spaces, dashes or case, to find a person by identifier.
    normalized TEXT NOT NULL,
    UNIQUE (person_id, kind, normalized)
);
CREATE INDEX person_identifiers_value ON person_identifiers(normalized);

-- A file is about a person, and holds these categories of personal information about them.
CREATE TABLE file_persons (
    file_id     INTEGER NOT NULL REFERENCES files(id),
    person_id   INTEGER NOT NULL REFERENCES persons(id),
    -- The categories, ';'-separated codes (crates/core/src/register.rs, InfoCategory).
    categories  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (file_id, person_id)
);
CREATE INDEX file_persons_person ON file_persons(person_id);

-- Why the information about a person in a file was collected, and the consent given for it.
CREATE TABLE file_person_purposes (
    id              INTEGER PRIMARY KEY,
    file_id         INTEGER NOT NULL,
    person_id       INTEGER NOT NULL,
    purpose         TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    consent         TEXT NOT NULL DEFAULT 'unknown' CHECK (consent IN ('given', 'refused', 'withdrawn', 'not_required', 'unknown')),
    consent_date    TEXT CHECK (consent_date IS NULL OR consent_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    consent_source  TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (file_id, person_id) REFERENCES file_persons(file_id, person_id)
);
CREATE INDEX file_person_purposes_link ON file_person_purposes(file_id, person_id);
