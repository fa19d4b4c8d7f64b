-- The classification plan and the retention schedule: classes, numbered rules, each rule's
-- versions (a change never rewrites history), each version's copies and the classes it applies to.
-- Column comments name the element of the Quebec XML exchange format each value comes from.

-- A class of the plan. Codes are unique without regard to case; a child's code continues its
-- parent's (the rule is `ClassCode::continues` in crates/core/src/plan.rs, checked by the core).
-- Classes are never deleted: files and rule versions point at them; retiring sets active = 0.
CREATE TABLE plan_classes (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    parent_id      INTEGER REFERENCES plan_classes(id) CHECK (parent_id IS NULL OR parent_id <> id),
    title_fr       TEXT NOT NULL CHECK (length(trim(title_fr)) > 0),
    title_en       TEXT NOT NULL DEFAULT '',
    scope_note_fr  TEXT NOT NULL DEFAULT '',
    scope_note_en  TEXT NOT NULL DEFAULT '',
    -- Examples of documents filed in the class, one per line.
    examples       TEXT NOT NULL DEFAULT '',
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX plan_classes_parent ON plan_classes(parent_id);
CREATE TRIGGER plan_classes_never_deleted BEFORE DELETE ON plan_classes
BEGIN
    SELECT RAISE(ABORT, 'classes are retired, never deleted');
END;

-- A rule of the schedule: only its number (NUMREGLE) is fixed; everything it says is in its versions.
CREATE TABLE retention_rules (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(number) BETWEEN 1 AND 32),
    created_at  TEXT NOT NULL
);
CREATE TRIGGER retention_rules_never_deleted BEFORE DELETE ON retention_rules
BEGIN
    SELECT RAISE(ABORT, 'retention rules are never deleted');
END;

-- One version of a rule. Editing a rule adds a version; older ones stay as they were.
CREATE TABLE retention_rule_versions (
    id                 INTEGER PRIMARY KEY,
    rule_id            INTEGER NOT NULL REFERENCES retention_rules(id),
    version            INTEGER NOT NULL CHECK (version >= 1),
    effective_date     TEXT NOT NULL CHECK (effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    author_id          INTEGER NOT NULL REFERENCES users(id),
    recorded_at        TEXT NOT NULL,
    origin             TEXT NOT NULL CHECK (origin IN ('import', 'revision')),
    note               TEXT NOT NULL DEFAULT '',
    organisation_id    TEXT NOT NULL DEFAULT '',   -- ID_ORGANISME
    transaction_type   TEXT NOT NULL DEFAULT '',   -- TYPE_TRANS
    collection         TEXT NOT NULL DEFAULT '',   -- RECUEIL
    collection_number  TEXT NOT NULL DEFAULT '',   -- NO_RECUEIL
    series_title       TEXT NOT NULL,              -- TITRESER
    description        TEXT NOT NULL DEFAULT '',   -- DESCSERIE
    process_activity   TEXT NOT NULL DEFAULT '',   -- PROCACTIVI
    holding_units      TEXT NOT NULL DEFAULT '',   -- NOMUNITE
    document_types     TEXT NOT NULL DEFAULT '',   -- TYPESDOC
    legal_reference    TEXT NOT NULL DEFAULT '',   -- REFLEGALE
    essential          INTEGER CHECK (essential IN (0, 1)),      -- DOCUMESSEN (O/N; NULL when empty)
    confidential       INTEGER CHECK (confidential IN (0, 1)),   -- DOCUMCONFI (O/N; NULL when empty)
    period_remarks     TEXT NOT NULL DEFAULT '',   -- REMARQDELA (numbered remarks R1:, R2:…)
    general_remarks    TEXT NOT NULL DEFAULT '',   -- REMARQGEN
    grillechan         TEXT NOT NULL DEFAULT '',   -- GRILLECHAN, kept as found
    -- The event that starts the clock; the XML has none, so imported rules start at 'file_closed'.
    trigger_event      TEXT NOT NULL DEFAULT 'file_closed' CHECK (trigger_event IN
                           ('file_closed', 'contract_ended', 'last_activity', 'birth_date', 'file_date', 'fixed_date')),
    -- The name of the file's date ('file_date') or the date itself ('fixed_date'); '' otherwise.
    trigger_detail     TEXT NOT NULL DEFAULT '',
    UNIQUE (rule_id, version)
);
CREATE TRIGGER retention_rule_versions_immutable_update BEFORE UPDATE ON retention_rule_versions
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;
CREATE TRIGGER retention_rule_versions_immutable_delete BEFORE DELETE ON retention_rule_versions
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;

-- The copies of a version (DELAI/DELAI_ROW): periods are a unit and, for years and months, a count.
CREATE TABLE retention_copies (
    id                  INTEGER PRIMARY KEY,
    version_id          INTEGER NOT NULL REFERENCES retention_rule_versions(id),
    position            INTEGER NOT NULL CHECK (position >= 1),
    delay_number        TEXT,                                      -- NUMDELAI
    kind                TEXT NOT NULL CHECK (kind IN ('P', 'S')),  -- TYPEDOSS
    media               TEXT NOT NULL DEFAULT '',                  -- SUPPDOSS, such as 'PA,DM'
    active_unit         TEXT NOT NULL CHECK (active_unit IN ('years', 'months', 'until_event', 'while_in_use')),
    active_count        INTEGER CHECK (active_count >= 0),         -- PERIOACTIF
    semi_active_unit    TEXT NOT NULL CHECK (semi_active_unit IN ('years', 'months', 'until_event', 'while_in_use')),
    semi_active_count   INTEGER CHECK (semi_active_count >= 0),    -- PERIOSMACT
    disposition         TEXT NOT NULL CHECK (disposition IN ('C', 'D', 'T')),  -- ID_REF_DISPOSITION
    media_remark        TEXT,                                      -- REM_SUPPDOSS
    active_remark       TEXT,                                      -- REM_PERIOACTIF
    semi_active_remark  TEXT,                                      -- REM_PERIOSMACT
    disposition_remark  TEXT,                                      -- REM_DISPOINACT
    CHECK ((active_unit IN ('years', 'months')) = (active_count IS NOT NULL)),
    CHECK ((semi_active_unit IN ('years', 'months')) = (semi_active_count IS NOT NULL)),
    UNIQUE (version_id, position)
);
CREATE TRIGGER retention_copies_immutable_update BEFORE UPDATE ON retention_copies
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;
CREATE TRIGGER retention_copies_immutable_delete BEFORE DELETE ON retention_copies
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;

-- The classes a version applies to (CODECLASS, ';'-separated), in the order the rule lists them.
CREATE TABLE retention_version_classes (
    version_id  INTEGER NOT NULL REFERENCES retention_rule_versions(id),
    class_id    INTEGER NOT NULL REFERENCES plan_classes(id),
    position    INTEGER NOT NULL CHECK (position >= 1),
    PRIMARY KEY (version_id, class_id),
    UNIQUE (version_id, position)
);
CREATE INDEX retention_version_classes_class ON retention_version_classes(class_id);
CREATE TRIGGER retention_version_classes_immutable_update BEFORE UPDATE ON retention_version_classes
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;
CREATE TRIGGER retention_version_classes_immutable_delete BEFORE DELETE ON retention_version_classes
BEGIN
    SELECT RAISE(ABORT, 'rule versions are history: add a version instead');
END;
