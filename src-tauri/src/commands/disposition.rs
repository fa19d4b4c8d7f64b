//! The destruction calendar and what auditors sign: the calendar and its due list, legal holds,
//! disposition batches (proposed, decided by another user, executed), residual records and
//! destruction certificates.

use std::path::PathBuf;

use greffier_core::{
    disposition::ExecutionProgress, Batch, BatchFile, BatchKind, DestroyedFile, DueCalendar, DuePage, DueQuery,
    ExecutionReport, FileDecision, FileRecord, Hold, HoldKind, HoldTarget, RegisterFormat, ReviewDecision,
};
use serde::Serialize;
use tauri::{AppHandle, Emitter};

use crate::{
    commands::register::run_export,
    error::ShellCode,
    state::{blocking, AppState},
    CommandError,
};

#[tauri::command]
pub async fn due_calendar(
    app: AppHandle,
    from: chrono::NaiveDate,
    months: u32,
    project: Option<String>,
) -> Result<DueCalendar, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.due_calendar(session, from, months, project.as_deref()))
    })
    .await
}

#[tauri::command]
pub async fn due_files(app: AppHandle, query: DueQuery, offset: u64, limit: u64) -> Result<DuePage, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.due_files(session, &query, offset, limit)))
        .await
}

/// Writes the whole due list (streamed) to a .csv, .xlsx or .pdf file; answers how many files.
/// Progress events `vault-progress` (operation `export`: files written of `total`), cancel with
/// `cancel_operation`; a cancelled or failed export writes nothing, and an older file stays.
#[tauri::command]
pub async fn export_due(app: AppHandle, query: DueQuery, path: String) -> Result<u64, CommandError> {
    let emitter = app.clone();
    blocking(app, move |state: &AppState| {
        let path = PathBuf::from(&path);
        let pdf = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        let format = RegisterFormat::from_path(&path).unwrap_or(RegisterFormat::Csv);
        let lang = state.lang();
        run_export(state, &emitter, |vault, session, progress| {
            if pdf {
                crate::report::write_due_list(vault, session, &query, lang, &path, progress)
            } else {
                vault.export_due(session, &query, lang, format, &path, progress)
            }
        })
    })
    .await
}

#[tauri::command]
pub async fn list_holds(app: AppHandle, include_released: bool) -> Result<Vec<Hold>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.holds(session, include_released))).await
}

#[tauri::command]
pub async fn holds_on_file(app: AppHandle, reference: String) -> Result<Vec<Hold>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.holds_on_file(session, &reference))).await
}

#[tauri::command]
pub async fn place_hold(
    app: AppHandle,
    target: HoldTarget,
    kind: HoldKind,
    reason: String,
    request_ref: Option<String>,
) -> Result<Hold, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.place_hold(session, target, kind, &reason, request_ref.as_deref()))
    })
    .await
}

#[tauri::command]
pub async fn release_hold(app: AppHandle, number: String, reason: String) -> Result<Hold, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.release_hold(session, &number, &reason))).await
}

#[tauri::command]
pub async fn list_batches(app: AppHandle) -> Result<Vec<Batch>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.batches(session))).await
}

/// A batch with its files and what changed since it was proposed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchDetail {
    batch: Batch,
    files: Vec<BatchFile>,
}

#[tauri::command]
pub async fn get_batch(app: AppHandle, number: String) -> Result<BatchDetail, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| {
            Ok(BatchDetail { batch: vault.batch(session, &number)?, files: vault.batch_files(session, &number)? })
        })
    })
    .await
}

#[tauri::command]
pub async fn propose_batch(
    app: AppHandle,
    kind: BatchKind,
    references: Vec<String>,
    note: String,
) -> Result<Batch, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.propose_batch(session, kind, &references, &note))
    })
    .await
}

/// Proposes every file of the due list a query selects (held ones and those in a batch left out).
#[tauri::command]
pub async fn propose_due(
    app: AppHandle,
    kind: BatchKind,
    query: DueQuery,
    limit: u64,
    note: String,
) -> Result<Batch, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.propose_due(session, kind, &query, limit, &note))
    })
    .await
}

#[tauri::command]
pub async fn approve_batch(app: AppHandle, number: String, reason: String) -> Result<Batch, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.approve_batch(session, &number, &reason)))
        .await
}

#[tauri::command]
pub async fn reject_batch(app: AppHandle, number: String, reason: String) -> Result<Batch, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.reject_batch(session, &number, &reason))).await
}

#[tauri::command]
pub async fn decide_files(
    app: AppHandle,
    number: String,
    references: Vec<String>,
    decision: FileDecision,
    reason: String,
) -> Result<Batch, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.decide_files(session, &number, &references, decision, &reason))
    })
    .await
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExecuteProgress {
    operation: &'static str,
    #[serde(flatten)]
    progress: ExecutionProgress,
}

/// Executes an approved batch (or finishes an incomplete one); progress events `vault-progress`
/// (operation `execute`, with the phase). `cancel_operation` does not stop it: a batch is
/// executed whole or not at all. Other commands answer `busy` meanwhile.
#[tauri::command]
pub async fn execute_batch(app: AppHandle, number: String, method: String) -> Result<ExecutionReport, CommandError> {
    let emitter = app.clone();
    blocking(app, move |state: &AppState| {
        state.long_operation(|slot| {
            let open = slot.as_mut().ok_or_else(|| state.shell_error(ShellCode::NotUnlocked))?;
            let session = open.session.as_ref().ok_or_else(|| state.shell_error(ShellCode::NotSignedIn))?;
            let mut progress = |progress: ExecutionProgress| {
                let _ = emitter.emit("vault-progress", ExecuteProgress { operation: "execute", progress });
            };
            open.vault
                .execute_batch_with_progress(session, &number, &method, &mut progress)
                .map_err(|e| state.core_error(&e))
        })
    })
    .await
}

#[tauri::command]
pub async fn destroyed_files(app: AppHandle, text: String, limit: u64) -> Result<Vec<DestroyedFile>, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.destroyed_files(session, &text, limit))).await
}

/// Writes the certificate of an executed destruction batch: .pdf (rendered in a child process),
/// .csv or .json, by the path's extension; in the interface's language.
#[tauri::command]
pub async fn export_certificate(app: AppHandle, number: String, path: String) -> Result<String, CommandError> {
    blocking(app, move |state| {
        let lang = state.lang();
        let path = PathBuf::from(&path);
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        state.with_session(|vault, session| {
            let certificate = vault.certificate(session, &number, lang)?;
            if extension == "pdf" {
                crate::report::write_certificate(vault, session, &certificate, &path)?;
            } else {
                // Streamed, the files one at a time, into a file that takes the path's place once
                // whole.
                greffier_core::write_whole(&path, |out| match extension.as_str() {
                    "json" => vault.write_certificate_json(session, &certificate, out),
                    _ => vault.write_certificate_csv(session, &certificate, out),
                })?;
            }
            Ok(certificate.certificate_number)
        })
    })
    .await
}

/// Writes the transfer slips of an executed transfer batch (one per box): .pdf (rendered in a
/// child process) or .csv, by the path's extension; answers how many slips.
#[tauri::command]
pub async fn export_transfer_slips(app: AppHandle, number: String, path: String) -> Result<usize, CommandError> {
    blocking(app, move |state| {
        let lang = state.lang();
        let path = PathBuf::from(&path);
        let io = |e: std::io::Error| greffier_core::IoError { action: "write", path: path.clone(), source: e };
        let slips = state.with_session(|vault, session| vault.transfer_slips(session, &number, lang))?;
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
        let bytes = if extension == "pdf" {
            crate::report::render_transfer_slips(lang, &slips).map_err(|e| state.core_error(&io(e)))?
        } else {
            let mut out = Vec::new();
            state.with_session(|vault, _| vault.write_transfer_slips_csv(&slips, &mut out))?;
            out
        };
        greffier_core::write_whole(&path, |out| out.write_all(&bytes).map_err(|e| io(e).into()))
            .map_err(|e| state.core_error(&e))?;
        Ok(slips.len())
    })
    .await
}

/// A decision on a file whose final disposition is review (sort/sample): destroy, keep
/// permanently, extend to a date, or reassign a rule, with a justification.
#[tauri::command]
pub async fn decide_review(
    app: AppHandle,
    reference: String,
    decision: ReviewDecision,
    justification: String,
) -> Result<FileRecord, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.decide_review(session, &reference, decision, &justification))
    })
    .await
}
