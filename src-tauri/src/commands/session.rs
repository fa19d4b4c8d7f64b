//! Signing in and out.

use greffier_core::Secret;
use tauri::AppHandle;

use crate::{
    state::{blocking, AppStatus},
    CommandError,
};

#[tauri::command]
pub async fn sign_in(app: AppHandle, username: String, password: String) -> Result<AppStatus, CommandError> {
    let password = Secret::from(password);
    blocking(app, move |state| {
        state.with_vault(|open| {
            open.session = None;
            open.session = Some(open.vault.sign_in(&username, &password).map_err(|e| state.core_error(&e))?);
            Ok(())
        })?;
        state.status()
    })
    .await
}

#[tauri::command]
pub async fn sign_out(app: AppHandle) -> Result<AppStatus, CommandError> {
    blocking(app, |state| {
        state.with_vault(|open| {
            open.session = None;
            Ok(())
        })?;
        state.status()
    })
    .await
}
