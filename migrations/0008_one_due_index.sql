-- One index on the files' final disposition dates instead of two. Every query that reads them
-- (the due list, its count, its calendar by month) keeps only the files still in the register,
-- which the partial index `files_due_open` (0005) holds with their disposition; `files_due`
-- (0004) held every file's date and no query used it but the due list's page, which
-- `files_due_open` serves as fast. Each of them cost a b-tree insert at a random place for every
-- file written: about 6 s of a million-file import (plain SQLite, one transaction: 21.9 s with
-- `files_due` alone against 15.6 s with neither), and every recomputed due date updated both.

DROP INDEX files_due;
