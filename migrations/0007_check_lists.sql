-- The register's CHECK constraints on lists of values, written as comparisons. SQLite codes
-- `x IN ('a', 'b', 'c')` (more than two values) as a temporary b-tree of the values, which a
-- query builds once but a constraint builds again for every row it checks: the four of `files`
-- opened four such b-trees for each file inserted, about 3 µs a row (a million rows into this
-- table: 9.4–10.8 s with them, 6.7 s as comparisons, in the sqlite3 shell), and an import's own
-- thread is the one the whole import waits on. The same values pass and fail as before; only the
-- text of the constraints changes, which SQLite's documented procedure for changing CHECK
-- constraints does in place (https://sqlite.org/lang_altertable.html#otheralter: the runner
-- bumps the schema version after a migration that turns `writable_schema` on). A table rebuild
-- would copy every file of a large register instead.

PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(replace(replace(replace(sql,
    'CHECK (medium IN (''paper'', ''digital'', ''hybrid''))',
    'CHECK (medium = ''paper'' OR medium = ''digital'' OR medium = ''hybrid'')'),
    'CHECK (sensitivity IN
                        (''public'', ''internal'', ''confidential'', ''personal'', ''highly_sensitive''))',
    'CHECK (sensitivity = ''public'' OR sensitivity = ''internal'' OR sensitivity = ''confidential''
                        OR sensitivity = ''personal'' OR sensitivity = ''highly_sensitive'')'),
    'CHECK (status IN
                        (''active'', ''semi_active'', ''inactive'', ''on_hold'', ''destroyed'', ''transferred''))',
    'CHECK (status = ''active'' OR status = ''semi_active'' OR status = ''inactive'' OR status = ''on_hold''
                        OR status = ''destroyed'' OR status = ''transferred'')'),
    'CHECK (disposition IN (''C'', ''D'', ''T''))',
    'CHECK (disposition = ''C'' OR disposition = ''D'' OR disposition = ''T'')')
WHERE type = 'table' AND name = 'files';

UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (kind IN
                   (''sin'', ''health_insurance'', ''driver_licence'', ''client_number'', ''employee_number'', ''other''))',
    'CHECK (kind = ''sin'' OR kind = ''health_insurance'' OR kind = ''driver_licence'' OR kind = ''client_number''
                   OR kind = ''employee_number'' OR kind = ''other'')')
WHERE type = 'table' AND name = 'person_identifiers';

UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (consent IN (''given'', ''refused'', ''withdrawn'', ''not_required'', ''unknown''))',
    'CHECK (consent = ''given'' OR consent = ''refused'' OR consent = ''withdrawn'' OR consent = ''not_required''
                    OR consent = ''unknown'')')
WHERE type = 'table' AND name = 'file_person_purposes';

PRAGMA writable_schema = OFF;
