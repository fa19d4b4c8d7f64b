//! The persons files are about: found by name, birth date or identifier in one query, shown
//! with their identifiers masked, and revealed only on request, with an audit event.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::{
    audit::{AuditAction, NewEvent},
    register::{mask_identifier, FileRow, IdentifierKind, RegisterError},
    search::{DocKind, SearchRequest},
    users::Session,
    Error, Permission, Vault,
};

/// An identifier as shown by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaskedIdentifier {
    pub kind: IdentifierKind,
    pub masked: String,
}

/// An identifier revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
