//! Greffier's desktop shell: registers the commands and the one managed state. Every rule lives in
//! greffier-core; the commands only translate.

mod commands;
mod error;
mod state;

pub use error::CommandError;
pub use state::AppState;

pub fn run() {
    let state = AppState::start();
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::app::app_status, commands::app::set_language])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Greffier could not start its window: {error}");
        std::process::exit(1);
    }
}
