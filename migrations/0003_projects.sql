-- Projects (a client mandate, a programme, a service) and their destruction calendars: overrides
-- of the class rule by class and/or by sensitivity level. The precedence (file exception, then
-- the project's overrides from the most specific, then the class rule) is computed by the core
-- (crates/core/src/project.rs); these tables only hold what the archivist decided.

CREATE TABLE projects (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    owner_id     INTEGER NOT NULL REFERENCES users(id),
    sensitivity  TEXT NOT NULL CHECK (sensitivity IN
                     ('public', 'internal', 'confidential', 'personal', 'highly_sensitive')),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE TRIGGER projects_never_deleted BEFORE DELETE ON projects
BEGIN
    SELECT RAISE(ABORT, 'projects are closed, never deleted');
END;

-- One override of a project's calendar. Its scope is a class, a sensitivity level, or both; it
-- replaces the active period, the semi-active period and/or the disposition (periods stored as in
-- retention_copies), always with a reason. An override is withdrawn (withdrawn_at), never edited
-- or deleted, so the calendar's history stays readable.
CREATE TABLE project_overrides (
    id                 INTEGER PRIMARY KEY,
    project_id         INTEGER NOT NULL REFERENCES projects(id),
    class_id           INTEGER REFERENCES plan_classes(id),
    sensitivity        TEXT CHECK (sensitivity IS NULL OR sensitivity IN
                           ('public', 'internal', 'confidential', 'personal', 'highly_sensitive')),
    active_unit        TEXT CHECK (active_unit IS NULL OR active_unit IN ('years', 'months', 'until_event', 'while_in_use')),
    active_count       INTEGER CHECK (active_count >= 0),
    semi_active_unit   TEXT CHECK (semi_active_unit IS NULL OR semi_active_unit IN ('years', 'months', 'until_event', 'while_in_use')),
    semi_active_count  INTEGER CHECK (semi_active_count >= 0),
    disposition        TEXT CHECK (disposition IS NULL OR disposition IN ('C', 'D', 'T')),
    reason             TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    author_id          INTEGER NOT NULL REFERENCES users(id),
    created_at         TEXT NOT NULL,
    withdrawn_at       TEXT,
    withdrawn_by       INTEGER REFERENCES users(id),
    CHECK (class_id IS NOT NULL OR sensitivity IS NOT NULL),
    CHECK (active_unit IS NOT NULL OR semi_active_unit IS NOT NULL OR disposition IS NOT NULL),
    CHECK ((active_unit IN ('years', 'months')) = (active_count IS NOT NULL) OR active_unit IS NULL AND active_count IS NULL),
    CHECK ((semi_active_unit IN ('years', 'months')) = (semi_active_count IS NOT NULL) OR semi_active_unit IS NULL AND semi_active_count IS NULL)
);
-- At most one override in force per project and scope.
CREATE UNIQUE INDEX project_overrides_one_per_scope
    ON project_overrides (project_id, ifnull(class_id, 0), ifnull(sensitivity, ''))
    WHERE withdrawn_at IS NULL;
CREATE TRIGGER project_overrides_never_deleted BEFORE DELETE ON project_overrides
BEGIN
    SELECT RAISE(ABORT, 'overrides are withdrawn, never deleted');
END;
CREATE TRIGGER project_overrides_only_withdrawn BEFORE UPDATE ON project_overrides
WHEN OLD.withdrawn_at IS NOT NULL
  OR NEW.id IS NOT OLD.id OR NEW.project_id IS NOT OLD.project_id OR NEW.class_id IS NOT OLD.class_id
  OR NEW.sensitivity IS NOT OLD.sensitivity OR NEW.active_unit IS NOT OLD.active_unit
  OR NEW.active_count IS NOT OLD.active_count OR NEW.semi_active_unit IS NOT OLD.semi_active_unit
  OR NEW.semi_active_count IS NOT OLD.semi_active_count OR NEW.disposition IS NOT OLD.disposition
  OR NEW.reason IS NOT OLD.reason OR NEW.author_id IS NOT OLD.author_id OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'an override is only ever withdrawn: add a new one instead');
END;
