//! The application's status, language, idle lock and file chooser.

use greffier_core::Lang;
use serde::Deserialize;
use tauri::{AppHandle, State};

use crate::{
    error::ShellCode,
    state::{blocking, AppStatus},
    AppState, CommandError,
};

#[tauri::command]
pub async fn app_status(app: AppHandle) -> Result<AppStatus, CommandError> {
    blocking(app, |state| state.status()).await
}

#[tauri::command]
pub fn set_language(state: State<'_, AppState>, lang: Lang) {
    state.set_lang(lang);
}

#[tauri::command]
pub async fn set_idle_lock(app: AppHandle, minutes: u32) -> Result<AppStatus, CommandError> {
    blocking(app, move |state| {
        state.with_session(|vault, session| vault.set_idle_lock_minutes(session, minutes))?;
        state.status()
    })
    .await
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    Backup,
    Restore,
    PlanImport,
    PlanExport,
    RegisterImport,
    RegisterExport,
    DueExport,
    CertificateExport,
    TransferSlips,
}

/// Asks the user where to save a backup or which one to restore (a native dialog). `None` when
/// they cancel.
///
/// On Linux rfd's GTK backend hands the dialog to the GTK main loop itself and blocks until it
/// answers: called on the main thread, which runs that loop, it waits for itself and the whole
/// app hangs (seen under Xvfb: the Browse… buttons froze the window). So there it is called
/// from a thread of its own, as tauri-plugin-dialog does; elsewhere on the main thread.
#[tauri::command]
pub async fn choose_file(app: AppHandle, purpose: FilePurpose) -> Result<Option<String>, CommandError> {
    let (tx, rx) = std::sync::mpsc::channel();
    let lang = app_lang(&app);
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let dialog = move || {
        let backups = || rfd::FileDialog::new().add_filter("Greffier", &["greffier"]);
        let plans = || rfd::FileDialog::new().add_filter("Plan (XML, CSV, XLSX)", &["xml", "csv", "xlsx"]);
        let schedule = || {
            rfd::FileDialog::new()
                .add_filter("Plan (XML, CSV, XLSX)", &["xml", "csv", "xlsx"])
                .add_filter(lang.pick("Calendrier imprimable (PDF)", "Printable schedule (PDF)"), &["pdf"])
        };
        let sheets = || rfd::FileDialog::new().add_filter("CSV, XLSX", &["csv", "xlsx"]);
        let chosen = match purpose {
            FilePurpose::Backup => backups()
                .set_title(lang.pick("Enregistrer la sauvegarde", "Save the backup"))
                .set_file_name(format!("greffier-{today}.greffier"))
                .save_file(),
            FilePurpose::Restore => backups()
                .set_title(lang.pick("Choisir la sauvegarde à restaurer", "Choose the backup to restore"))
                .pick_file(),
            FilePurpose::PlanImport => {
                plans().set_title(lang.pick("Choisir le plan à importer", "Choose the plan to import")).pick_file()
            }
            FilePurpose::PlanExport => schedule()
                .set_title(lang.pick("Exporter le plan", "Export the plan"))
                .set_file_name(format!("plan-{today}.xlsx"))
                .save_file(),
            FilePurpose::RegisterImport => {
                sheets().set_title(lang.pick("Choisir la feuille à importer", "Choose the sheet to import")).pick_file()
            }
            FilePurpose::RegisterExport => sheets()
                .set_title(lang.pick("Exporter les dossiers", "Export the files"))
                .set_file_name(format!("dossiers-{today}.xlsx"))
                .save_file(),
            FilePurpose::DueExport => rfd::FileDialog::new()
                .add_filter("CSV", &["csv"])
                .add_filter("Excel", &["xlsx"])
                .add_filter("PDF", &["pdf"])
                .set_title(lang.pick("Exporter la liste des échéances", "Export the due list"))
                .set_file_name(format!("echeances-{today}.csv"))
                .save_file(),
            FilePurpose::CertificateExport => rfd::FileDialog::new()
                .add_filter("PDF", &["pdf"])
                .add_filter("CSV", &["csv"])
                .set_title(lang.pick("Enregistrer le certificat", "Save the certificate"))
                .set_file_name(lang.pick("certificat-de-destruction.pdf", "destruction-certificate.pdf"))
                .save_file(),
            FilePurpose::TransferSlips => rfd::FileDialog::new()
                .add_filter("PDF", &["pdf"])
                .add_filter("CSV", &["csv"])
                .set_title(lang.pick("Enregistrer les bordereaux de versement", "Save the transfer slips"))
                .set_file_name(
                    lang.pick(format!("bordereaux-de-versement-{today}.pdf"), format!("transfer-slips-{today}.pdf")),
                )
                .save_file(),
        };
        let _ = tx.send(chosen);
    };
    #[cfg(target_os = "linux")]
    let shown = std::thread::Builder::new().name("file-dialog".into()).spawn(dialog).map(drop).map_err(drop);
    #[cfg(not(target_os = "linux"))]
    let shown = app.run_on_main_thread(dialog).map_err(drop);
    let state_error = |app: &AppHandle| CommandError::shell(ShellCode::DialogUnavailable, app_lang(app));
    if shown.is_err() {
        return Err(state_error(&app));
    }
    let chosen = tauri::async_runtime::spawn_blocking(move || rx.recv()).await;
    match chosen {
        Ok(Ok(path)) => Ok(path.map(|p| p.display().to_string())),
        _ => Err(state_error(&app)),
    }
}

fn app_lang(app: &AppHandle) -> Lang {
    use tauri::Manager;
    app.state::<AppState>().lang()
}
