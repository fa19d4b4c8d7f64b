//! Projects, their destruction calendars, and the explanation of which rule applies.

use greffier_core::{
    project::{ProjectEdit, ProjectEditReport},
    CopyKind, ExplainQuery, Explanation, NewOverride, NewProject, OverrideId, Project, Sensitivity,
};
use serde::Deserialize;
use tauri::AppHandle;

use crate::{state::blocking, CommandError};

#[tauri::command]
pub async fn list_projects(app: AppHandle) -> Result<Vec<Project>, CommandError> {
    blocking(app, |state| state.with_session(|vault, session| vault.projects(session))).await
}

#[tauri::command]
pub async fn add_project(app: AppHandle, project: NewProject) -> Result<Project, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.add_project(session, project))).await
}

/// Replaces a project's name, owner and level; answers the project and the files that followed.
#[tauri::command]
pub async fn edit_project(app: AppHandle, code: String, edit: ProjectEdit) -> Result<ProjectEditReport, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.edit_project(session, &code, edit))).await
}

/// Closes (`active: false`) or reopens a project.
#[tauri::command]
pub async fn set_project_active(app: AppHandle, code: String, active: bool) -> Result<Project, CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.set_project_active(session, &code, active)))
        .await
}

/// Adds an override to a project's calendar; answers the project as it now stands.
#[tauri::command]
pub async fn add_override(app: AppHandle, project: String, r#override: NewOverride) -> Result<Project, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| {
            vault.add_override(session, &project, r#override)?;
            vault.project(session, &project)
        })
    })
    .await
}

#[tauri::command]
pub async fn withdraw_override(app: AppHandle, project: String, id: i64) -> Result<Project, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| {
            vault.withdraw_override(session, &project, OverrideId(id))?;
            vault.project(session, &project)
        })
    })
    .await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExplainInput {
    class: String,
    project: Option<String>,
    sensitivity: Option<Sensitivity>,
    rule: Option<String>,
    copy: Option<CopyKind>,
}

/// Which rule applies to a class in a project at a sensitivity, and why.
#[tauri::command]
pub async fn explain(app: AppHandle, query: ExplainInput) -> Result<Explanation, CommandError> {
    let query = ExplainQuery {
        class: query.class,
        project: query.project.filter(|p| !p.is_empty()),
        sensitivity: query.sensitivity,
        rule: query.rule.filter(|r| !r.is_empty()),
        copy: query.copy,
        file_exception: None,
    };
    blocking(app, move |state| state.with_session(|vault, session| vault.explain(session, &query))).await
}
