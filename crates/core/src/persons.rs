//! The persons files are about: found by name, birth date or identifier in one query, shown
//! with their identifiers masked, and revealed only on request, with an audit event; attached
//! to a file one at a time, edited, and detached (a person no file needs any more is erased).
//!
//! Every change is audited without identifier values (their kinds only), takes the next
//! `register_state.change_seq` for the person and the files about them (a file's document in
//! the index holds its persons' names), and stores again the due dates of those files, since a
//! rule may count from a person's birth.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{
    audit::{self, AuditAction, NewEvent},
    clock::stamp,
    register::{
        date_col, mask_identifier, next_change, normalize_identifier, parse_category, FileRecord, FileRow, FileStatus,
        IdentifierKind, Purpose, RegisterError, TextField,
    },
    search::{DocKind, SearchRequest},
    users::Session,
    vault::signer,
    Error, Permission, Vault,
};

/// What removing a person from a file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Detached {
    /// The file, without the person.
    pub file: FileRecord,
    /// Whether the person, needed by no other file, was erased with their identifiers.
    pub person_erased: bool,
}

/// An identifier as shown by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaskedIdentifier {
    pub kind: IdentifierKind,
    pub masked: String,
}

/// An identifier in clear: revealed, or typed to attach or edit a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub value: String,
}

/// A person, identifiers masked, with the files about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: i64,
    pub key: Option<String>,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub identifiers: Vec<MaskedIdentifier>,
    pub files: Vec<FileRow>,
}

/// Who a link is about: a person the register has (by id), or a new one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRef {
    Existing(i64),
    New(NewPerson),
}

/// A person not in the register yet, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NewPerson {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    /// The person's key in another system (an employee or client number); unique when given.
    pub external_key: Option<String>,
    pub identifiers: Vec<Identifier>,
}

/// A person linked to a file, with the categories of personal information the file holds about
/// them (codes of [`crate::register::INFO_CATEGORIES`], English or French) and why it was
/// collected.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonLink {
    pub person: PersonRef,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub purposes: Vec<Purpose>,
}

/// A person's fields as they are to be. The identifiers are replaced only when given: `None`
/// keeps them (they are shown masked, so an edit cannot send them back), a list replaces them
/// all (an empty one removes them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersonEdit {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    pub external_key: Option<String>,
    pub identifiers: Option<Vec<Identifier>>,
}

fn identifiers(vault: &Vault, id: i64) -> Result<Vec<Identifier>, Error> {
    let mut stmt =
        vault.conn.prepare_cached("SELECT kind, value FROM person_identifiers WHERE person_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map([id], |row| {
        let kind: String = row.get(0)?;
        Ok(Identifier { kind: IdentifierKind::parse(&kind).unwrap_or(IdentifierKind::Other), value: row.get(1)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Vault {
    /// A person with identifiers masked and the files about them.
    pub fn person(&self, session: &Session, id: i64) -> Result<Person, Error> {
        self.require(session, Permission::ViewRegister)?;
        let (key, last_name, first_name, birth): (Option<String>, String, String, Option<String>) = self
            .conn
            .query_row(
                "SELECT external_key, last_name, first_name, birth_date FROM persons WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .optional()?
            .ok_or(RegisterError::UnknownPerson { id })?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT f.id FROM file_persons fp JOIN files f ON f.id = fp.file_id WHERE fp.person_id = ?1 ORDER BY f.reference",
        )?;
        let ids: Vec<i64> = stmt.query_map([id], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
        let mut files = Vec::with_capacity(ids.len());
        for file in ids {
            files.push(self.file_row(file)?);
        }
        Ok(Person {
            id,
            key,
            last_name,
            first_name,
            birth_date: birth.and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
            identifiers: identifiers(self, id)?
                .into_iter()
                .map(|i| MaskedIdentifier { kind: i.kind, masked: mask_identifier(&i.value) })
                .collect(),
            files,
        })
    }

    /// A person's identifiers in clear. Audited (who, whose; never the values).
    pub fn reveal_identifiers(&self, session: &Session, id: i64) -> Result<Vec<Identifier>, Error> {
        self.require(session, Permission::RevealIdentifiers)?;
        let exists: Option<i64> =
            self.conn.query_row("SELECT id FROM persons WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        if exists.is_none() {
            return Err(RegisterError::UnknownPerson { id }.into());
        }
        let revealed = identifiers(self, id)?;
        self.record(
            session,
            NewEvent::new(AuditAction::PersonReveal, "person", id.to_string())
                .details(serde_json::json!({ "identifiers": revealed.len() })),
        )?;
        Ok(revealed)
    }

    /// Persons by name, birth date or identifier (the search syntax), best first.
    pub fn find_persons(&self, session: &Session, query: &str, limit: usize) -> Result<Vec<Person>, Error> {
        self.require(session, Permission::ViewRegister)?;
        let request = SearchRequest {
            query: query.to_owned(),
            kind: DocKind::Person,
            offset: 0,
            limit: limit.clamp(1, 200),
            facets: false,
            snippets: false,
            sort: None,
        };
        let page = self.with_index(|index, conn| {
            index.catch_up(conn)?;
            index.search(&request)
        })?;
        let mut persons = Vec::with_capacity(page.hits.len());
        for hit in page.hits {
            match self.person(session, hit.id) {
                Ok(person) => persons.push(person),
                Err(Error::Register(RegisterError::UnknownPerson { .. })) => continue,
                Err(error) => return Err(error),
            }
        }
        Ok(persons)
    }

    pub(crate) fn file_row(&self, id: i64) -> Result<FileRow, Error> {
        let mut stmt = self.conn.prepare_cached(crate::register::ROW_SQL)?;
        Ok(stmt.query_row(params![id], crate::register::file_row)?)
    }
}

impl Vault {
    /// Links a person to a file: one the register has, or a new one (created with their
    /// identifiers). Refused when the file is unknown, destroyed, transferred, held or
    /// anonymised, when the person is already linked to it, and for a new person without a last name, with a key
    /// another person has, or with an identifier without a letter or digit. The file's due
    /// dates are stored again (a rule may count from the person's birth). Audited: `person.create`
    /// (names, identifier kinds) and `person.link` (the person's id, categories, purposes).
    pub fn attach_person(&mut self, session: &Session, reference: &str, link: PersonLink) -> Result<FileRecord, Error> {
        self.require(session, Permission::ManageRegister)?;
        let (file_id, reference) = changeable_file(&self.conn, reference)?;
        // An anonymised file stays without persons: linking one would undo what was certified.
        let anonymised: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM anonymised_files WHERE file_id = ?1)",
            [file_id],
            |row| row.get(0),
        )?;
        if anonymised {
            return Err(RegisterError::FileAnonymised { reference }.into());
        }
        let categories = categories(&link.categories)?;
        let purposes = purposes(link.purposes)?;
        let who = match link.person {
            PersonRef::Existing(id) => {
                let name = person_name(&self.conn, id)?.ok_or(RegisterError::UnknownPerson { id })?;
                if is_linked(&self.conn, file_id, id)? {
                    return Err(RegisterError::PersonAlreadyLinked { reference, id, name }.into());
                }
                Who::Existing(id)
            }
            PersonRef::New(new) => Who::New(Fields::checked(
                &self.conn,
                None,
                new.last_name,
                new.first_name,
                new.birth_date,
                new.external_key,
                Some(new.identifiers),
            )?),
        };
        let now = stamp(self.env.clock.now());
        let tx = self.conn.unchecked_transaction()?;
        let seq = next_change(&tx)?;
        let person_id = match &who {
            Who::Existing(id) => *id,
            Who::New(fields) => {
                let id: i64 = tx.query_row(
                    "INSERT INTO persons (external_key, last_name, first_name, birth_date, change_seq, created_at,
                        updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) RETURNING id",
                    params![
                        fields.external_key,
                        fields.last_name,
                        fields.first_name,
                        date_col(fields.birth_date),
                        seq,
                        now
                    ],
                    |row| row.get(0),
                )?;
                write_identifiers(&tx, id, fields.identifiers.as_deref().unwrap_or_default())?;
                audit::append(
                    &tx,
                    &signer(session),
                    NewEvent::new(AuditAction::PersonCreate, "person", id.to_string()).details(fields.audit_view()),
                    self.env.clock.now(),
                )?;
                id
            }
        };
        tx.execute(
            "INSERT INTO file_persons (file_id, person_id, categories) VALUES (?1, ?2, ?3)",
            params![file_id, person_id, categories.join(";")],
        )?;
        for purpose in &purposes {
            tx.execute(
                "INSERT INTO file_person_purposes (file_id, person_id, purpose, consent, consent_date, consent_source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    file_id,
                    person_id,
                    purpose.purpose,
                    purpose.consent.as_str(),
                    date_col(purpose.consent_date),
                    purpose.consent_source
                ],
            )?;
        }
        self.store_file_dates(&tx, file_id, seq, Some(now.as_str()))?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::PersonLink, "file", file_id.to_string()).details(serde_json::json!({
                "reference": reference, "person": person_id, "created": matches!(who, Who::New(_)),
                "categories": categories, "purposes": purposes,
            })),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        self.sync_index();
        self.file_by_id(file_id)
    }

    /// Changes a person's names, birth date, key and (when given) identifiers. Refused when a
    /// file about them is held, like an edit of that file. A new birth date stores again the
    /// due dates of the files about them. Audited (`person.edit`, before and after, identifier
    /// kinds only).
    pub fn edit_person(&mut self, session: &Session, id: i64, edit: PersonEdit) -> Result<Person, Error> {
        self.require(session, Permission::ManageRegister)?;
        let before = Fields::stored(&self.conn, id)?.ok_or(RegisterError::UnknownPerson { id })?;
        let files = files_of(&self.conn, id)?;
        for (file_id, reference) in &files {
            crate::disposition::refuse_if_held(&self.conn, *file_id, reference)?;
        }
        let after = Fields::checked(
            &self.conn,
            Some(id),
            edit.last_name,
            edit.first_name,
            edit.birth_date,
            edit.external_key,
            edit.identifiers,
        )?;
        let now = stamp(self.env.clock.now());
        let tx = self.conn.unchecked_transaction()?;
        let seq = next_change(&tx)?;
        tx.execute(
            "UPDATE persons SET last_name = ?1, first_name = ?2, birth_date = ?3, external_key = ?4, change_seq = ?5,
                updated_at = ?6
             WHERE id = ?7",
            params![after.last_name, after.first_name, date_col(after.birth_date), after.external_key, seq, now, id],
        )?;
        if let Some(identifiers) = &after.identifiers {
            tx.execute("DELETE FROM person_identifiers WHERE person_id = ?1", [id])?;
            write_identifiers(&tx, id, identifiers)?;
        }
        // The files' documents hold the person's names and identifiers, and their due dates
        // may count from the birth date.
        for (file_id, _) in &files {
            self.store_file_dates(&tx, *file_id, seq, None)?;
        }
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::PersonEdit, "person", id.to_string()).details(serde_json::json!({
                "before": before.audit_view(), "after": after.audit_view(),
                "identifiersReplaced": after.identifiers.is_some(), "files": files.len(),
            })),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        self.sync_index();
        self.person(session, id)
    }

    /// Removes a person from a file, with the categories and purposes the file held about them.
    /// A person no other file needs is erased with their identifiers, and the details of their
    /// audit events, as a destruction does. Refused when the file is unknown, destroyed,
    /// transferred or held, or without a reason. The file's due dates are stored again.
    /// Audited (`person.unlink` on the file, with the reason). Answers the file as it is now,
    /// and whether the person was erased.
    pub fn detach_person(
        &mut self,
        session: &Session,
        reference: &str,
        person_id: i64,
        reason: &str,
    ) -> Result<Detached, Error> {
        self.require(session, Permission::ManageRegister)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RegisterError::DetachReasonMissing.into());
        }
        let (file_id, reference) = changeable_file(&self.conn, reference)?;
        if person_name(&self.conn, person_id)?.is_none() {
            return Err(RegisterError::UnknownPerson { id: person_id }.into());
        }
        if !is_linked(&self.conn, file_id, person_id)? {
            return Err(RegisterError::PersonNotLinked { reference, id: person_id }.into());
        }
        let now = stamp(self.env.clock.now());
        let tx = self.conn.unchecked_transaction()?;
        let seq = next_change(&tx)?;
        tx.execute("DELETE FROM file_person_purposes WHERE file_id = ?1 AND person_id = ?2", [file_id, person_id])?;
        tx.execute("DELETE FROM file_persons WHERE file_id = ?1 AND person_id = ?2", [file_id, person_id])?;
        let erased = crate::disposition::erase_unneeded_persons(&tx, BTreeSet::from([person_id]), seq)?;
        self.store_file_dates(&tx, file_id, seq, Some(now.as_str()))?;
        audit::append(
            &tx,
            &signer(session),
            NewEvent::new(AuditAction::PersonUnlink, "file", file_id.to_string()).details(serde_json::json!({
                "reference": reference, "person": person_id, "reason": reason, "personErased": !erased.is_empty(),
            })),
            self.env.clock.now(),
        )?;
        tx.commit()?;
        self.sync_index();
        Ok(Detached { file: self.file_by_id(file_id)?, person_erased: !erased.is_empty() })
    }

    /// Stores a file's due dates as [`Vault::file`] computes them now (with its persons' birth
    /// dates as they are in the transaction) and gives it change `seq`, inside the caller's
    /// transaction.
    fn store_file_dates(&self, tx: &Connection, file_id: i64, seq: i64, updated_at: Option<&str>) -> Result<(), Error> {
        let due = self.file_by_id(file_id)?.due;
        tx.execute(
            "UPDATE files SET active_until = ?1, semi_active_until = ?2, disposition = ?3, change_seq = ?4,
                updated_at = ifnull(?5, updated_at)
             WHERE id = ?6",
            params![
                date_col(due.active_until),
                date_col(due.semi_active_until),
                due.disposition.code().to_string(),
                seq,
                updated_at,
                file_id
            ],
        )?;
        Ok(())
    }
}

/// Whom an attachment links: a person of the register, or one to create.
enum Who {
    Existing(i64),
    New(Fields),
}

/// A person's fields, checked: trimmed names, a key no other person has, identifiers with a
/// letter or a digit each (`None`: not given).
struct Fields {
    last_name: String,
    first_name: String,
    birth_date: Option<NaiveDate>,
    external_key: Option<String>,
    identifiers: Option<Vec<Identifier>>,
}

impl Fields {
    #[allow(clippy::too_many_arguments)]
    fn checked(
        conn: &Connection,
        id: Option<i64>,
        last_name: String,
        first_name: String,
        birth_date: Option<NaiveDate>,
        external_key: Option<String>,
        identifiers: Option<Vec<Identifier>>,
    ) -> Result<Fields, Error> {
        let last_name = last_name.trim().to_owned();
        if last_name.is_empty() {
            return Err(RegisterError::PersonNameMissing.into());
        }
        TextField::LastName.check(&last_name)?;
        TextField::FirstName.check(first_name.trim())?;
        let external_key = external_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty());
        if let Some(key) = &external_key {
            TextField::PersonKey.check(key)?;
        }
        if let Some(key) = &external_key {
            let holder: Option<i64> = conn
                .query_row("SELECT id FROM persons WHERE external_key = ?1 AND id IS NOT ?2", params![key, id], |row| {
                    row.get(0)
                })
                .optional()?;
            if let Some(holder) = holder {
                let name = person_name(conn, holder)?.unwrap_or_default();
                return Err(RegisterError::PersonKeyTaken { key: key.clone(), id: holder, name }.into());
            }
        }
        let identifiers = match identifiers {
            Some(list) => {
                let mut checked = Vec::with_capacity(list.len());
                for identifier in list {
                    let value = identifier.value.trim().to_owned();
                    if normalize_identifier(&value).is_empty() {
                        return Err(RegisterError::IdentifierInvalid { kind: identifier.kind }.into());
                    }
                    TextField::Identifier.check(&value)?;
                    checked.push(Identifier { kind: identifier.kind, value });
                }
                Some(checked)
            }
            None => None,
        };
        Ok(Fields { last_name, first_name: first_name.trim().to_owned(), birth_date, external_key, identifiers })
    }

    fn stored(conn: &Connection, id: i64) -> Result<Option<Fields>, Error> {
        let found = conn
            .query_row(
                "SELECT last_name, first_name, birth_date, external_key FROM persons WHERE id = ?1",
                [id],
                |row| {
                    Ok(Fields {
                        last_name: row.get(0)?,
                        first_name: row.get(1)?,
                        birth_date: crate::register::parse_col(row.get(2)?),
                        external_key: row.get(3)?,
                        identifiers: None,
                    })
                },
            )
            .optional()?;
        let Some(mut fields) = found else { return Ok(None) };
        let kinds: Vec<String> = conn
            .prepare_cached("SELECT kind FROM person_identifiers WHERE person_id = ?1 ORDER BY id")?
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // Only the kinds are kept: this is what the audit trail sees.
        fields.identifiers = Some(
            kinds
                .iter()
                .map(|k| Identifier {
                    kind: IdentifierKind::parse(k).unwrap_or(IdentifierKind::Other),
                    value: String::new(),
                })
                .collect(),
        );
        Ok(Some(fields))
    }

    /// What the audit trail records: names, birth date, key, and the kinds of the identifiers,
    /// never their values.
    fn audit_view(&self) -> serde_json::Value {
        serde_json::json!({
            "lastName": self.last_name, "firstName": self.first_name, "birthDate": self.birth_date,
            "externalKey": self.external_key,
            "identifiers": self.identifiers.as_ref().map(|list| list.iter().map(|i| i.kind).collect::<Vec<_>>()),
        })
    }
}

/// The file a person may be attached to or detached from: known, not destroyed or transferred,
/// not held. Returns its id and stored reference.
fn changeable_file(conn: &Connection, reference: &str) -> Result<(i64, String), Error> {
    let reference = reference.trim();
    let found: Option<(i64, String, String)> = conn
        .query_row("SELECT id, reference, status FROM files WHERE reference = ?1", [reference], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })
        .optional()?;
    let Some((id, reference, status)) = found else {
        // A destroyed file leaves only its residual record.
        let destroyed: Option<String> = conn
            .query_row(
                "SELECT reference FROM destroyed_files WHERE reference = ?1 COLLATE NOCASE",
                [reference],
                |row| row.get(0),
            )
            .optional()?;
        return Err(match destroyed {
            Some(reference) => RegisterError::FileFinal { reference, status: FileStatus::Destroyed.as_str() },
            None => RegisterError::UnknownFile { reference: reference.to_owned() },
        }
        .into());
    };
    let status = FileStatus::parse(&status).unwrap_or_default();
    if matches!(status, FileStatus::Destroyed | FileStatus::Transferred) {
        return Err(RegisterError::FileFinal { reference, status: status.as_str() }.into());
    }
    crate::disposition::refuse_if_held(conn, id, &reference)?;
    Ok((id, reference))
}

/// Category codes, each once; unknown ones refused.
fn categories(values: &[String]) -> Result<Vec<&'static str>, Error> {
    let mut codes = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let code = parse_category(value).ok_or_else(|| RegisterError::UnknownCategory { value: value.to_owned() })?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

fn purposes(list: Vec<Purpose>) -> Result<Vec<Purpose>, Error> {
    list.into_iter()
        .map(|p| -> Result<Purpose, Error> {
            let purpose = p.purpose.trim().to_owned();
            if purpose.is_empty() {
                return Err(RegisterError::PurposeMissing.into());
            }
            TextField::Purpose.check(&purpose)?;
            TextField::ConsentSource.check(p.consent_source.trim())?;
            Ok(Purpose { purpose, consent_source: p.consent_source.trim().to_owned(), ..p })
        })
        .collect()
}

fn write_identifiers(tx: &Connection, person: i64, identifiers: &[Identifier]) -> Result<(), Error> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO person_identifiers (person_id, kind, value, normalized) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for identifier in identifiers {
        insert.execute(params![
            person,
            identifier.kind.as_str(),
            identifier.value,
            normalize_identifier(&identifier.value)
        ])?;
    }
    Ok(())
}

/// "First Last", or `None` when there is no such person.
fn person_name(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT first_name, last_name FROM persons WHERE id = ?1", [id], |row| {
        let (first, last): (String, String) = (row.get(0)?, row.get(1)?);
        Ok(if first.is_empty() { last } else { format!("{first} {last}") })
    })
    .optional()
}

fn is_linked(conn: &Connection, file_id: i64, person_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM file_persons WHERE file_id = ?1 AND person_id = ?2)",
        [file_id, person_id],
        |row| row.get(0),
    )
}

/// The files about a person, as (id, reference).
fn files_of(conn: &Connection, person_id: i64) -> rusqlite::Result<Vec<(i64, String)>> {
    conn.prepare_cached(
        "SELECT f.id, f.reference FROM file_persons fp JOIN files f ON f.id = fp.file_id WHERE fp.person_id = ?1
         ORDER BY f.id",
    )?
    .query_map([person_id], |row| Ok((row.get(0)?, row.get(1)?)))?
    .collect()
}
