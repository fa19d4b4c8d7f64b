//! The file register: its view (search, filters, facets, pages), a file's detail with its
//! calendar explained, filing and editing, persons, imports with progress and cancel, exports.

use std::path::PathBuf;

use greffier_core::{
    persons::{PersonEdit, PersonLink},
    FileDraft, FileFilter, FileRecord, FileSearchPage, Identifier, ImportProgress, Person, RegisterFormat,
    RegisterImportReport, Session, Vault,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter};

use crate::{
    error::ShellCode,
    state::{blocking, AppState},
    CommandError,
};

/// A page of the register's view: the files a filter selects, ranked when it has words.
#[tauri::command]
pub async fn search_files(
    app: AppHandle,
    filter: FileFilter,
    offset: usize,
    limit: usize,
    facets: bool,
) -> Result<FileSearchPage, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.search_files(session, &filter, offset, limit, facets))
    })
    .await
}

#[tauri::command]
pub async fn get_file(app: AppHandle, reference: String) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.file(session, &reference))).await
}

#[tauri::command]
pub async fn create_file(app: AppHandle, draft: FileDraft) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.create_file(session, draft))).await
}

#[tauri::command]
pub async fn update_file(app: AppHandle, reference: String, draft: FileDraft) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.update_file(session, &reference, draft))).await
}

#[tauri::command]
pub async fn close_file(app: AppHandle, reference: String, on: chrono::NaiveDate) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.close_file(session, &reference, on))).await
}

#[tauri::command]
pub async fn reopen_file(app: AppHandle, reference: String) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.reopen_file(session, &reference))).await
}

#[tauri::command]
pub async fn find_persons(app: AppHandle, query: String) -> Result<Vec<Person>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.find_persons(session, &query, 50))).await
}

#[tauri::command]
pub async fn get_person(app: AppHandle, id: i64) -> Result<Person, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.person(session, id))).await
}

/// A person's identifiers in clear; the core records who asked.
#[tauri::command]
pub async fn reveal_identifiers(app: AppHandle, id: i64) -> Result<Vec<Identifier>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.reveal_identifiers(session, id))).await
}

/// Links a person (of the register, or new) to a file; answers the file.
#[tauri::command]
pub async fn attach_person(app: AppHandle, reference: String, link: PersonLink) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.attach_person(session, &reference, link)))
        .await
}

/// Changes a person; the identifiers, when given, replace theirs.
#[tauri::command]
pub async fn edit_person(app: AppHandle, id: i64, edit: PersonEdit) -> Result<Person, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.edit_person(session, id, edit))).await
}

/// Removes a person from a file, with a reason; answers the file and whether the person was
/// erased.
#[tauri::command]
pub async fn detach_person(
    app: AppHandle,
    reference: String,
    person_id: i64,
    reason: String,
) -> Result<greffier_core::Detached, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.detach_person(session, &reference, person_id, &reason))
    })
    .await
}

/// Progress of an import (`vault-progress`, operation `import`): the phase, the rows done in it,
/// and the work done of `total` (0: not known).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportProgressEvent {
    operation: &'static str,
    #[serde(flatten)]
    progress: ImportProgress,
}

/// Imports a files sheet and/or a persons sheet; progress events `vault-progress` (operation
/// `import`), cancel with `cancel_operation` (nothing is then imported).
#[tauri::command]
pub async fn import_register(
    app: AppHandle,
    files: Option<String>,
    persons: Option<String>,
) -> Result<RegisterImportReport, CommandError> {
    let emitter = app.clone();
    blocking(app, move |state: &AppState| {
        let files = files.filter(|p| !p.is_empty()).map(PathBuf::from);
        let persons = persons.filter(|p| !p.is_empty()).map(PathBuf::from);
        state.long_operation(|slot| {
            let open = slot.as_mut().ok_or_else(|| state.shell_error(ShellCode::NotUnlocked))?;
            let session = open.session.as_ref().ok_or_else(|| state.shell_error(ShellCode::NotSignedIn))?;
            let mut progress = |progress: ImportProgress| {
                let _ = emitter.emit("vault-progress", ImportProgressEvent { operation: "import", progress });
                !state.cancelled()
            };
            open.vault
                .import_register(session, files.as_deref(), persons.as_deref(), &mut progress)
                .map_err(|e| state.core_error(&e))
        })
    })
    .await
}

/// Progress of an export (`vault-progress`, operation `export`): files written of `total`.
#[derive(Serialize, Clone)]
struct ExportProgress {
    operation: &'static str,
    done: u64,
    total: u64,
}

/// Runs an export on the signed-in vault as a long operation: `vault-progress` events
/// (operation `export`) with the files written of all, stopped by `cancel_operation` (nothing
/// is then written); answers how many files.
pub(crate) fn run_export(
    state: &AppState,
    emitter: &AppHandle,
    export: impl FnOnce(&Vault, &Session, &mut dyn FnMut(u64, u64) -> bool) -> Result<u64, greffier_core::Error>,
) -> Result<u64, CommandError> {
    state.long_operation(|slot| {
        let open = slot.as_mut().ok_or_else(|| state.shell_error(ShellCode::NotUnlocked))?;
        let session = open.session.as_ref().ok_or_else(|| state.shell_error(ShellCode::NotSignedIn))?;
        let mut progress = |done: u64, total: u64| {
            let _ = emitter.emit("vault-progress", ExportProgress { operation: "export", done, total });
            !state.cancelled()
        };
        export(&open.vault, session, &mut progress).map_err(|e| state.core_error(&e))
    })
}

/// Writes the files a filter selects to a .csv or .xlsx file; answers how many. Progress events
/// `vault-progress` (operation `export`), cancel with `cancel_operation` (nothing is then written).
#[tauri::command]
pub async fn export_files(app: AppHandle, filter: FileFilter, path: String) -> Result<u64, CommandError> {
    let emitter = app.clone();
    blocking(app, move |state: &AppState| {
        let path = PathBuf::from(&path);
        let format = RegisterFormat::from_path(&path).unwrap_or(RegisterFormat::Csv);
        run_export(state, &emitter, |vault, session, progress| {
            vault.export_files(session, &filter, format, &path, progress)
        })
    })
    .await
}
