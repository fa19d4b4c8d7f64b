//! The classification plan and the retention schedule.

use std::path::PathBuf;

use greffier_core::{
    plan::MoveReport, ClassDraft, ImportReport, PlanClass, PlanFormat, RetentionRule, RuleContent, RuleRevision,
};
use serde::{Deserialize, Serialize};
use tauri::AppHandle;

use crate::{state::blocking, CommandError};

#[tauri::command]
pub async fn list_classes(app: AppHandle) -> Result<Vec<PlanClass>, CommandError> {
    blocking(app, |state| state.with_session(|vault, session| vault.list_classes(session))).await
}

#[tauri::command]
pub async fn list_rules(app: AppHandle) -> Result<Vec<RetentionRule>, CommandError> {
    blocking(app, |state| state.with_session(|vault, session| vault.rules(session))).await
}

#[tauri::command]
pub async fn get_rule(app: AppHandle, number: String) -> Result<RetentionRule, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.rule(session, &number))).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionInput {
    effective_date: chrono::NaiveDate,
    note: String,
    content: RuleContent,
}

/// Records a new version of a rule; answers the rule with its whole history.
#[tauri::command]
pub async fn revise_rule(
    app: AppHandle,
    number: String,
    revision: RevisionInput,
) -> Result<RetentionRule, CommandError> {
    let revision =
        RuleRevision { effective_date: revision.effective_date, note: revision.note, content: revision.content };
    blocking(app, move |state| {
        state.with_session(|vault, session| {
            vault.revise_rule(session, &number, revision)?;
            vault.rule(session, &number)
        })
    })
    .await
}

#[tauri::command]
pub async fn add_class(app: AppHandle, draft: ClassDraft) -> Result<PlanClass, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.add_class(session, draft))).await
}

#[tauri::command]
pub async fn edit_class(app: AppHandle, code: String, draft: ClassDraft) -> Result<PlanClass, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.edit_class(session, &code, draft))).await
}

#[tauri::command]
pub async fn set_class_active(app: AppHandle, code: String, active: bool) -> Result<PlanClass, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.set_class_active(session, &code, active)))
        .await
}

/// Moves a class and its branch under `new_parent` (the top of the plan when `None`) with
/// `new_code`; answers every code that changed and how many files the classes hold.
#[tauri::command]
pub async fn move_class(
    app: AppHandle,
    code: String,
    new_parent: Option<String>,
    new_code: String,
) -> Result<MoveReport, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.move_class(session, &code, new_parent.as_deref(), &new_code))
    })
    .await
}

/// What the import screen shows: the rules' counts and every class the import created.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    rules: u32,
    copies: u32,
    created: u32,
    revised: u32,
    unchanged: u32,
    /// Classes the file named that the plan did not have, from class rows and from rules.
    classes_created: u32,
    classes_updated: u32,
}

/// Imports a plan file; its extension says the format (.xml, .csv, .xlsx).
#[tauri::command]
pub async fn import_plan(app: AppHandle, path: String) -> Result<ImportSummary, CommandError> {
    blocking(app, move |state| {
        let path = PathBuf::from(&path);
        let (format, bytes) = PlanFormat::read_file(&path).map_err(|e| state.core_error(&e))?;
        let report = state.with_session(|vault, session| vault.import_plan(session, format, &bytes))?;
        let ImportReport { rules, copies, created, revised, unchanged, classes_created } = report.schedule;
        Ok(ImportSummary {
            rules,
            copies,
            created,
            revised,
            unchanged,
            // For XML the report's count is the rules'; for CSV/XLSX it includes them.
            classes_created: report.classes_created.max(classes_created),
            classes_updated: report.classes_updated,
        })
    })
    .await
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Xml,
    Csv,
    Xlsx,
    /// The retention schedule as printed for approval, with the plan attached.
    Pdf,
}

#[tauri::command]
pub async fn export_plan(app: AppHandle, path: String, format: ExportFormat) -> Result<(), CommandError> {
    let format = match format {
        ExportFormat::Xml => Some(PlanFormat::Xml),
        ExportFormat::Csv => Some(PlanFormat::Csv),
        ExportFormat::Xlsx => Some(PlanFormat::Xlsx),
        ExportFormat::Pdf => None,
    };
    blocking(app, move |state| {
        let lang = state.lang();
        let bytes = match format {
            Some(format) => state.with_session(|vault, session| vault.export_plan(session, format, lang))?,
            None => {
                let today = chrono::Local::now().date_naive();
                let report = state.with_session(|vault, session| vault.schedule_report(session, lang, today))?;
                let io = |e| greffier_core::IoError { action: "write", path: PathBuf::from(&path), source: e };
                crate::report::render_schedule(&report).map_err(|e| state.core_error(&io(e)))?
            }
        };
        let path = PathBuf::from(&path);
        let io = |e| greffier_core::IoError { action: "write", path: path.clone(), source: e };
        greffier_core::write_whole(&path, |out| out.write_all(&bytes).map_err(|e| io(e).into()))
            .map_err(|e| state.core_error(&e))
    })
    .await
}
