//! Tauri's build step, with the app's own commands declared so the capability can name them.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(&["app_status", "set_language"])),
    )
    .expect("tauri build step");
}
