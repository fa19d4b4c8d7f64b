//! Export of any filtered view of the register to CSV or XLSX, in the columns the import reads
//! (plus the computed due dates, which the import ignores), so an export imports back.

use std::io::Write;

use crate::{
    audit::{AuditAction, NewEvent},
    register::{FileFilter, RegisterError},
    search::{DocKind, FileSort, SearchRequest, SortBy},
    users::Session,
    Error, Permission, Vault,
};

/// The formats a view of the register exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterFormat {
    Csv,
    Xlsx,
}

impl RegisterFormat {
    pub fn from_path(path: &std::path::Path) -> Option<RegisterFormat> {
        match path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase().as_str() {
            "csv" | "txt" => Some(RegisterFormat::Csv),
            "xlsx" => Some(RegisterFormat::Xlsx),
            _ => None,
        }
    }
}

/// The columns of an export, in order.
pub const EXPORT_COLUMNS: [&str; 21] = [
    "reference",
    "class",
    "rule",
    "project",
    "title",
    "description",
    "keywords",
    "opened",
    "closed",
    "contract_ended",
    "last_activity",
    "holder",
    "location",
    "medium",
    "sensitivity",
    "status",
    "notes",
    "rule_version",
    "active_until",
    "final_disposition_date",
    "disposition",
];

const EXPORT_SQL: &str = "SELECT f.reference, c.code, r.number, p.code, f.title, f.description, f.keywords,
    ifnull(f.opened_on, ''), ifnull(f.closed_on, ''), ifnull(f.contract_ended_on, ''), ifnull(f.last_activity_on, ''),
    f.holder, f.location, f.medium, f.sensitivity, f.status, f.notes, f.rule_version,
    ifnull(f.active_until, ''), ifnull(f.semi_active_until, ''), f.disposition
    FROM files f JOIN plan_classes c ON c.id = f.class_id JOIN retention_rules r ON r.id = f.rule_id
    LEFT JOIN projects p ON p.id = f.project_id";

fn cells(row: &rusqlite::Row<'_>) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::with_capacity(EXPORT_COLUMNS.len());
    for index in 0..EXPORT_COLUMNS.len() {
        let value: rusqlite::types::Value = row.get(index)?;
        out.push(match value {
            rusqlite::types::Value::Null => String::new(),
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(text) if index == 6 => text.replace('\n', "; "),
            rusqlite::types::Value::Text(text) => text,
            other => format!("{other:?}"),
        });
    }
    Ok(out)
}

impl Vault {
    /// Writes the files a filter selects (every file when it is empty) in the filter's sort order,
    /// as the register shows them, or by reference when it has none (a ranking by relevance
    /// means little in a sheet). Audited with the count and the filter.
    pub fn export_files(
        &self,
        session: &Session,
        filter: &FileFilter,
        format: RegisterFormat,
        out: &mut dyn Write,
    ) -> Result<u64, Error> {
        self.require(session, Permission::ViewRegister)?;
        let query = filter.to_query();
        let ids: Option<Vec<i64>> = if query.trim().is_empty() && filter.sort.is_none() {
            None
        } else {
            let request = SearchRequest {
                query,
                kind: DocKind::File,
                offset: 0,
                limit: 1,
                facets: false,
                snippets: false,
                // By reference when the view has no order of its own: the index's reference column
                // is the reference lower-cased, the order of the whole register's export below.
                sort: Some(filter.sort.unwrap_or(FileSort { by: SortBy::Reference, descending: false })),
            };
            Some(self.with_index(|index, conn| {
                index.catch_up(conn)?;
                index.all_ids(&request)
            })?)
        };
        let failed = |e: std::io::Error| RegisterError::SheetUnreadable { detail: e.to_string() };
        let count = match format {
            RegisterFormat::Csv => {
                let mut writer = csv::Writer::from_writer(out);
                writer.write_record(EXPORT_COLUMNS).map_err(|e| failed(e.into()))?;
                let count = self.each_export_record(ids.as_deref(), &mut |record| {
                    writer.write_record(&record).map_err(|e| failed(e.into()).into())
                })?;
                writer.flush().map_err(failed)?;
                count
            }
            RegisterFormat::Xlsx => {
                let mut rows = Vec::new();
                let count = self.each_export_record(ids.as_deref(), &mut |record| {
                    rows.push(record);
                    Ok(())
                })?;
                let header: Vec<String> = EXPORT_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
                let bytes = crate::spreadsheet::write_xlsx(&[("Dossiers".to_owned(), header, rows)])
                    .map_err(|e| RegisterError::SheetUnreadable { detail: e.to_string() })?;
                out.write_all(&bytes).map_err(failed)?;
                count
            }
        };
        self.record(
            session,
            NewEvent::new(AuditAction::RegisterExport, "register", &self.vault_id)
                .details(serde_json::json!({ "files": count, "filter": filter })),
        )?;
        Ok(count)
    }

    /// Emits the records of `ids` in their order (every file by reference when `None`).
    fn each_export_record(
        &self,
        ids: Option<&[i64]>,
        emit: &mut dyn FnMut(Vec<String>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let mut count = 0u64;
        match ids {
            None => {
                let mut stmt = self.conn.prepare(&format!("{EXPORT_SQL} ORDER BY f.reference"))?;
                let mut found = stmt.query([])?;
                while let Some(row) = found.next()? {
                    emit(cells(row)?)?;
                    count += 1;
                }
            }
            Some(ids) => {
                let mut stmt = self.conn.prepare_cached(&format!("{EXPORT_SQL} WHERE f.id = ?1"))?;
                for id in ids {
                    emit(stmt.query_row([id], cells)?)?;
                    count += 1;
                }
            }
        }
        Ok(count)
    }
}
