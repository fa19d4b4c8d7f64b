//! The application's status and language.

use greffier_core::{KeyStoreInfo, Lang};
use serde::Serialize;
use tauri::State;

use crate::{AppState, CommandError};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    version: &'static str,
    vault_dir: String,
    vault_exists: bool,
    unlocked: bool,
    organisation: Option<String>,
    keyring: KeyStoreInfo,
    sqlcipher_version: Option<String>,
}

#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Result<AppStatus, CommandError> {
    let vault = state.vault();
    let organisation = match vault.as_ref() {
        Some(vault) => Some(vault.organisation().map_err(|e| CommandError::from_core(&e, state.lang()))?),
        None => None,
    };
    let mut keyring = state.self_check.keystore.clone();
    keyring.os_store = state.self_check.os_keyring_ok();
    Ok(AppStatus {
        version: env!("CARGO_PKG_VERSION"),
        vault_dir: state.vault_dir.display().to_string(),
        vault_exists: state.vault_dir.join(greffier_core::vault::DB_FILE).exists(),
        unlocked: vault.is_some(),
        organisation,
        keyring,
        sqlcipher_version: state.self_check.sqlcipher_version.clone(),
    })
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, lang: Lang) {
    state.set_lang(lang);
}
