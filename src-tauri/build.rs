//! Tauri's build step, with the app's own commands declared so the capability can name them.

const COMMANDS: [&str; 34] = [
    "app_status",
    "set_language",
    "set_idle_lock",
    "choose_file",
    "create_vault",
    "unlock_with_keyring",
    "unlock_with_passphrase",
    "lock_vault",
    "backup_vault",
    "restore_vault",
    "cancel_operation",
    "rotate_key",
    "change_passphrase",
    "check_vault",
    "sign_in",
    "sign_out",
    "list_users",
    "add_user",
    "reset_password",
    "set_user_active",
    "list_classes",
    "list_rules",
    "get_rule",
    "revise_rule",
    "add_class",
    "edit_class",
    "set_class_active",
    "import_plan",
    "export_plan",
    "list_projects",
    "add_project",
    "add_override",
    "withdraw_override",
    "explain",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&COMMANDS)),
    )
    .expect("tauri build step");
}
