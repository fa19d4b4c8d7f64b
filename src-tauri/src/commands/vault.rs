//! Creating, unlocking and locking the vault, and the administrator's vault operations. Backup
//! and restore report progress through the `vault-progress` event and can be cancelled.

use std::path::PathBuf;

use greffier_core::{
    backup, BackupReport, CheckReport, Credentials, NewUser, Progress, RestoreReport, Role, Secret, Unlock, Vault,
    VaultSetup,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};

use crate::{
    error::ShellCode,
    state::{blocking, AppStatus, OpenVault},
    AppState, CommandError,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetupInput {
    organisation: String,
    admin_username: String,
    admin_display_name: String,
    admin_password: String,
    recovery_passphrase: String,
    /// Start from the sample plan that ships with Greffier rather than an empty one.
    #[serde(default)]
    sample_plan: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    status: AppStatus,
    keyring_saved: bool,
}

#[tauri::command]
pub async fn create_vault(app: AppHandle, setup: SetupInput) -> Result<Created, CommandError> {
    let sample_plan = setup.sample_plan;
    let setup = VaultSetup {
        organisation: setup.organisation,
        admin: NewUser {
            username: setup.admin_username,
            display_name: setup.admin_display_name,
            role: Role::Administrator,
            password: Secret::from(setup.admin_password),
        },
        recovery_passphrase: Secret::from(setup.recovery_passphrase),
    };
    blocking(app, move |state| {
        let admin = (setup.admin.username.clone(), setup.admin.password.clone());
        let (mut vault, report) =
            Vault::create(&state.vault_dir, setup, &state.env).map_err(|e| state.core_error(&e))?;
        if sample_plan {
            // The administrator's first act, signed and audited like any import.
            let session = vault.sign_in(&admin.0, &admin.1).map_err(|e| state.core_error(&e))?;
            vault.import_sample_plan(&session).map_err(|e| state.core_error(&e))?;
        }
        *state.slot()? = Some(state.hold(vault, None));
        Ok(Created { status: state.status()?, keyring_saved: report.keystore.is_ok() })
    })
    .await
}

#[tauri::command]
pub async fn unlock_with_keyring(app: AppHandle) -> Result<AppStatus, CommandError> {
    blocking(app, |state| state.unlock(Unlock::KeyStore)).await
}

#[tauri::command]
pub async fn unlock_with_passphrase(app: AppHandle, passphrase: String) -> Result<AppStatus, CommandError> {
    let passphrase = Secret::from(passphrase);
    blocking(app, move |state| state.unlock(Unlock::Passphrase(passphrase))).await
}

#[tauri::command]
pub async fn lock_vault(app: AppHandle) -> Result<AppStatus, CommandError> {
    blocking(app, |state| {
        if let Some(open) = state.slot()?.take() {
            drop(open.session);
            open.vault.lock();
        }
        state.status()
    })
    .await
}

/// A `vault-progress` event: `done` of `total` for `operation` (backup, restore, and the search
/// index's catch-up, `index`, which `AppState::hold` sends).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VaultProgress {
    pub operation: &'static str,
    pub done: u64,
    pub total: u64,
}

/// A progress callback that emits events and honours the cancel flag.
fn reporter<'a>(app: &'a AppHandle, state: &'a AppState, operation: &'static str) -> impl FnMut(Progress) -> bool + 'a {
    move |p: Progress| {
        let _ = app.emit("vault-progress", VaultProgress { operation, done: p.done, total: p.total });
        !state.cancelled()
    }
}

#[tauri::command]
pub async fn backup_vault(app: AppHandle, path: String) -> Result<BackupReport, CommandError> {
    let emitter = app.clone();
    blocking(app, move |state| {
        let mut progress = reporter(&emitter, state, "backup");
        state.long_operation(|slot| {
            let open = slot.as_mut().ok_or_else(|| state.shell_error(ShellCode::NotUnlocked))?;
            let session = open.session.as_ref().ok_or_else(|| state.shell_error(ShellCode::NotSignedIn))?;
            open.vault.backup(session, &PathBuf::from(&path), &mut progress).map_err(|e| state.core_error(&e))
        })
    })
    .await
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Restored {
    report: RestoreReport,
    status: AppStatus,
}

/// Restores over the open vault. The signed-in administrator confirms with their password; the
/// vault is given back as it was if the backup fails its verification.
#[tauri::command]
pub async fn restore_vault(
    app: AppHandle,
    path: String,
    password: String,
    passphrase: Option<String>,
) -> Result<Restored, CommandError> {
    let password = Secret::from(password);
    let passphrase = passphrase.filter(|p| !p.is_empty()).map(Secret::from);
    let emitter = app.clone();
    blocking(app, move |state| {
        let report = state.long_operation(|slot| restore_over(state, &emitter, slot, &path, &password, passphrase))?;
        Ok(Restored { report, status: state.status()? })
    })
    .await
}

/// Restores over the open vault held in `slot`; on failure the vault goes back in the slot as
/// it was, its administrator still signed in.
fn restore_over(
    state: &AppState,
    emitter: &AppHandle,
    slot: &mut Option<OpenVault>,
    path: &str,
    password: &Secret,
    passphrase: Option<Secret>,
) -> Result<RestoreReport, CommandError> {
    let open = slot.take().ok_or_else(|| state.shell_error(ShellCode::NotUnlocked))?;
    let Some(session) = open.session else {
        *slot = Some(OpenVault { vault: open.vault, session: None });
        return Err(state.shell_error(ShellCode::NotSignedIn));
    };
    let username = session.user().username.clone();
    let locked = open.vault.into_locked();
    let unlock = passphrase.map_or(Unlock::KeyStore, Unlock::Passphrase);
    let mut progress = reporter(emitter, state, "restore");
    let result = backup::restore(
        &PathBuf::from(path),
        &state.vault_dir,
        unlock,
        Some(&locked),
        Credentials { username: &username, password },
        &state.env,
        &mut progress,
    );
    match result {
        Ok((vault, report)) => {
            *slot = Some(state.hold(vault, None));
            Ok(report)
        }
        Err(error) => {
            *slot = locked.reopen().ok().map(|vault| state.hold(vault, Some(session)));
            Err(state.core_error(&error))
        }
    }
}

#[tauri::command]
pub fn cancel_operation(state: State<'_, AppState>) {
    state.cancel_operation();
}

#[tauri::command]
pub async fn rotate_key(app: AppHandle, passphrase: String) -> Result<(), CommandError> {
    let passphrase = Secret::from(passphrase);
    blocking(app, move |state| state.with_session(|vault, session| vault.rekey(session, &passphrase))).await
}

#[tauri::command]
pub async fn change_passphrase(app: AppHandle, current: String, next: String) -> Result<(), CommandError> {
    let (current, next) = (Secret::from(current), Secret::from(next));
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.change_recovery_passphrase(session, &current, &next))
    })
    .await
}

#[tauri::command]
pub async fn check_vault(app: AppHandle) -> Result<CheckReport, CommandError> {
    blocking(app, |state| state.with_session(|vault, session| vault.check(session))).await
}
