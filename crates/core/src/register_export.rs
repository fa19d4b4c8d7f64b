//! Export of any filtered view of the register to CSV or XLSX, in the columns the import reads
//! (plus the computed due dates, which the import ignores), so an export imports back.

use std::{io::BufWriter, path::Path};

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
    /// means little in a sheet), to `path`. Audited with the count and the filter. Written a row
    /// at a time into a temporary file beside `path`, which then takes its place: a million files
    /// are never held in memory (the XLSX sheet in rust_xlsxwriter's constant-memory mode), and
    /// a failed export leaves no half-written file. Held as one sheet, an XLSX export takes at
    /// most [`XLSX_MAX_FILES`] files; more are refused before anything is written.
    ///
    /// `progress` hears the files written and how many there are in all, at the start, every
    /// [`PROGRESS_EVERY`] files and at the end; `false` from it cancels the export
    /// (`cancelled`): nothing is written, an older file at `path` is left as it was.
    pub fn export_files(
        &self,
        session: &Session,
        filter: &FileFilter,
        format: RegisterFormat,
        path: &Path,
        progress: &mut dyn FnMut(u64, u64) -> bool,
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
        let total = ids.as_deref().map_or_else(|| self.file_count(session), |ids| Ok(ids.len() as u64))?;
        if !progress(0, total) {
            return Err(crate::BackupError::Cancelled.into());
        }
        let mut done = 0u64;
        let count = write_export(path, format, &REGISTER_LAYOUT, total, &mut |emit| {
            self.each_export_record(ids.as_deref(), &mut |record| {
                emit(record)?;
                done += 1;
                if done.is_multiple_of(PROGRESS_EVERY) && !progress(done, total) {
                    return Err(crate::BackupError::Cancelled.into());
                }
                Ok(())
            })
        })?;
        progress(count, total);
        self.record(
            session,
            NewEvent::new(AuditAction::RegisterExport, "register", &self.vault_id)
                .details(serde_json::json!({ "files": count, "filter": filter })),
        )?;
        Ok(count)
    }

    /// Emits the records of `ids` in their order (every file by reference when `None`).
    fn each_export_record(&self, ids: Option<&[i64]>, emit: &mut Emit<'_>) -> Result<u64, Error> {
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

/// How often an export reports its progress, in files (about a tenth of a second's work).
pub const PROGRESS_EVERY: u64 = 5_000;

/// Takes the records of an export one by one.
pub(crate) type Emit<'a> = dyn FnMut(Vec<String>) -> Result<(), Error> + 'a;

/// The files an XLSX export holds: a sheet's 1,048,576 rows, less the header.
pub const XLSX_MAX_FILES: u64 = 1_048_575;

/// A table as an export writes it: its XLSX sheet's name, its columns, and their widths in an
/// XLSX sheet (characters; a constant-memory sheet cannot fit them to its cells).
pub(crate) struct Layout {
    pub sheet: &'static str,
    pub columns: &'static [&'static str],
    pub widths: &'static [f64],
}

const REGISTER_LAYOUT: Layout = Layout {
    sheet: "Dossiers",
    columns: &EXPORT_COLUMNS,
    widths: &[
        16.0, 11.0, 8.0, 10.0, 50.0, 60.0, 24.0, 11.0, 11.0, 11.0, 11.0, 20.0, 20.0, 10.0, 14.0, 12.0, 30.0, 6.0, 11.0,
        11.0, 12.0,
    ],
};

/// Writes `count` records, which `records` hands to the function it is given, as `format` in
/// `layout` into a temporary file beside `path`, then moves it to `path`: a failed or cancelled
/// export leaves no half-written file, and an older file at `path` stays as it was.
pub(crate) fn write_export(
    path: &Path,
    format: RegisterFormat,
    layout: &Layout,
    count: u64,
    records: &mut dyn FnMut(&mut Emit<'_>) -> Result<u64, Error>,
) -> Result<u64, Error> {
    if format == RegisterFormat::Xlsx && count > XLSX_MAX_FILES {
        return Err(RegisterError::ExportTooLarge { files: count, max: XLSX_MAX_FILES }.into());
    }
    let failed = |e: std::io::Error| -> Error { crate::IoError::new("write", path, e).into() };
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = tempfile::Builder::new().prefix(".greffier-export-").tempfile_in(dir).map_err(failed)?;
    let written = match format {
        RegisterFormat::Csv => {
            let mut writer = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, temp.as_file()));
            writer.write_record(layout.columns).map_err(|e| failed(e.into()))?;
            let written = records(&mut |record| writer.write_record(&record).map_err(|e| failed(e.into())))?;
            writer.flush().map_err(failed)?;
            written
        }
        RegisterFormat::Xlsx => {
            use rust_xlsxwriter::{Format, Workbook};
            let xlsx_failed = |e: rust_xlsxwriter::XlsxError| failed(std::io::Error::other(e.to_string()));
            let mut workbook = Workbook::new();
            workbook.set_tempdir(dir).map_err(xlsx_failed)?;
            let bold = Format::new().set_bold();
            let sheet = workbook.add_worksheet_with_constant_memory();
            sheet.set_name(layout.sheet).map_err(xlsx_failed)?;
            for (column, (title, width)) in layout.columns.iter().zip(layout.widths).enumerate() {
                sheet.write_string_with_format(0, column as u16, *title, &bold).map_err(xlsx_failed)?;
                sheet.set_column_width(column as u16, *width).map_err(xlsx_failed)?;
            }
            sheet.set_freeze_panes(1, 0).map_err(xlsx_failed)?;
            let mut row = 0u32;
            let written = records(&mut |record| {
                row += 1;
                for (column, text) in record.iter().enumerate() {
                    // Every cell a text cell, so that codes such as `0002` keep their zeros.
                    if !text.is_empty() {
                        sheet.write_string(row, column as u16, text).map_err(xlsx_failed)?;
                    }
                }
                Ok(())
            })?;
            workbook.save(temp.path()).map_err(xlsx_failed)?;
            written
        }
    };
    temp.persist(path).map_err(|e| failed(e.error))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserMessage;

    /// More files than an XLSX sheet holds are refused before anything is written; CSV has no
    /// such bound.
    #[test]
    fn an_xlsx_export_over_a_sheet_s_rows_is_refused_before_writing() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("trop.xlsx");
        let mut never = |_: &mut Emit<'_>| -> Result<u64, Error> { panic!("nothing is read") };
        let error = write_export(&path, RegisterFormat::Xlsx, &REGISTER_LAYOUT, XLSX_MAX_FILES + 1, &mut never)
            .expect_err("refused");
        assert_eq!(error.code(), crate::ErrorCode::ExportTooLarge);
        assert!(error.to_string().contains("export it as CSV"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0, "nothing written");
        let csv = dir.path().join("tout.csv");
        let mut one = |emit: &mut Emit<'_>| -> Result<u64, Error> {
            emit(vec!["A-1".to_owned(); EXPORT_COLUMNS.len()])?;
            Ok(1)
        };
        assert_eq!(
            write_export(&csv, RegisterFormat::Csv, &REGISTER_LAYOUT, XLSX_MAX_FILES + 1, &mut one).expect("csv"),
            1
        );
        assert_eq!(std::fs::read_to_string(&csv).expect("csv").lines().count(), 2);
    }

    /// A text field's limit (`TEXT_MAX`) is what an XLSX cell holds: a cell one character
    /// longer cannot be written, so the register refuses such text when it is typed or imported.
    #[test]
    fn a_text_field_at_its_limit_fills_an_xlsx_cell_and_one_character_more_does_not_fit() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("cellule.xlsx");
        let write = |length: usize| {
            let mut one = |emit: &mut Emit<'_>| -> Result<u64, Error> {
                emit(vec!["é".repeat(length)])?;
                Ok(1)
            };
            write_export(&path, RegisterFormat::Xlsx, &REGISTER_LAYOUT, 1, &mut one)
        };
        assert_eq!(write(crate::register::TEXT_MAX).expect("at the limit"), 1);
        let error = write(crate::register::TEXT_MAX + 1).expect_err("one more");
        assert_eq!(error.code(), crate::ErrorCode::Io, "{error}");
    }
}
