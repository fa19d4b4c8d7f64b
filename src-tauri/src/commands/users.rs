//! Users and roles.

use greffier_core::{NewUser, Role, Secret, User};
use serde::Deserialize;
use tauri::AppHandle;

use crate::{state::blocking, CommandError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUserInput {
    username: String,
    display_name: String,
    role: Role,
    password: String,
}

#[tauri::command]
pub async fn list_users(app: AppHandle) -> Result<Vec<User>, CommandError> {
    blocking(app, |state| state.with_session(|vault, session| vault.list_users(session))).await
}

#[tauri::command]
pub async fn add_user(app: AppHandle, user: NewUserInput) -> Result<User, CommandError> {
    let new = NewUser {
        username: user.username,
        display_name: user.display_name,
        role: user.role,
        password: Secret::from(user.password),
    };
    blocking(app, move |state| state.with_session(|vault, session| vault.add_user(session, new))).await
}

#[tauri::command]
pub async fn reset_password(app: AppHandle, username: String, password: String) -> Result<(), CommandError> {
    let password = Secret::from(password);
    blocking(app, move |state| state.with_session(|vault, session| vault.reset_password(session, &username, &password)))
        .await
}

#[tauri::command]
pub async fn set_user_active(app: AppHandle, username: String, active: bool) -> Result<(), CommandError> {
    blocking(app, move |state| state.with_session(|vault, session| vault.set_user_active(session, &username, active)))
        .await
}
