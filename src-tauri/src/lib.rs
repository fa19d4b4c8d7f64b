//! Greffier's desktop shell: registers the commands and the one managed state. Every rule lives in
//! greffier-core; the commands only translate.

mod commands;
mod error;
mod report;
mod state;

use tauri::Manager;

pub use error::CommandError;
pub use state::AppState;
/// The argument that makes the executable a report renderer (see `report.rs`).
pub const REPORT_CHILD_ARG: &str = report::CHILD_ARG;

pub fn run() {
    let state = AppState::start();
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_status,
            commands::app::set_language,
            commands::app::set_idle_lock,
            commands::app::choose_file,
            commands::vault::create_vault,
            commands::vault::unlock_with_keyring,
            commands::vault::unlock_with_passphrase,
            commands::vault::lock_vault,
            commands::vault::backup_vault,
            commands::vault::restore_vault,
            commands::vault::cancel_operation,
            commands::vault::rotate_key,
            commands::vault::change_passphrase,
            commands::vault::check_vault,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::users::list_users,
            commands::users::add_user,
            commands::users::reset_password,
            commands::users::set_user_active,
            commands::plan::list_classes,
            commands::plan::list_rules,
            commands::plan::get_rule,
            commands::plan::revise_rule,
            commands::plan::add_class,
            commands::plan::edit_class,
            commands::plan::set_class_active,
            commands::plan::move_class,
            commands::plan::import_plan,
            commands::plan::export_plan,
            commands::projects::list_projects,
            commands::projects::add_project,
            commands::projects::edit_project,
            commands::projects::set_project_active,
            commands::projects::add_override,
            commands::projects::withdraw_override,
            commands::projects::explain,
            commands::register::search_files,
            commands::register::get_file,
            commands::register::create_file,
            commands::register::update_file,
            commands::register::close_file,
            commands::register::reopen_file,
            commands::register::find_persons,
            commands::register::get_person,
            commands::register::reveal_identifiers,
            commands::register::attach_person,
            commands::register::edit_person,
            commands::register::detach_person,
            commands::register::import_register,
            commands::register::export_files,
            commands::disposition::due_calendar,
            commands::disposition::due_files,
            commands::disposition::export_due,
            commands::disposition::list_holds,
            commands::disposition::holds_on_file,
            commands::disposition::place_hold,
            commands::disposition::release_hold,
            commands::disposition::list_batches,
            commands::disposition::get_batch,
            commands::disposition::propose_batch,
            commands::disposition::propose_due,
            commands::disposition::approve_batch,
            commands::disposition::reject_batch,
            commands::disposition::decide_files,
            commands::disposition::execute_batch,
            commands::disposition::destroyed_files,
            commands::disposition::export_certificate,
            commands::disposition::export_transfer_slips,
            commands::disposition::decide_review,
        ])
        .setup(|app| {
            app.state::<AppState>().send_events_to(app.handle().clone());
            #[cfg(target_os = "linux")]
            software_rendering(app);
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(error) => {
            eprintln!("Greffier could not start its window: {error}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // The process ends after this event without dropping its state: the vault is locked
        // here, its log checkpointed and the search index's merges waited for (a process that
        // ends under them crashes; see greffier-core's `SearchIndex::close`).
        if let tauri::RunEvent::Exit = event {
            let state = handle.state::<AppState>();
            let open = match state.slot() {
                Ok(mut slot) => slot.take(),
                Err(_) => None,
            };
            if let Some(open) = open {
                drop(open.session);
                open.vault.lock();
            }
        }
    });
}

/// WebKit draws the window without OpenGL: with no GPU (a virtual desktop, Xvfb) its
/// compositing goes through Mesa's llvmpipe in software, and the web process then holds about
/// 165 MiB more (BENCHMARKS.md, "The whole desktop app at 1M files"). A records manager animates
/// nothing.
#[cfg(target_os = "linux")]
fn software_rendering(app: &tauri::App) {
    use tauri::Manager;
    use webkit2gtk::{SettingsExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else { return };
    let _ = window.with_webview(|webview| {
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(webkit2gtk::HardwareAccelerationPolicy::Never);
        }
    });
}
