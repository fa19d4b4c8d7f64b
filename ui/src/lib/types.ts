// Data shapes exchanged with the Tauri shell (`src-tauri`).
//
// Written by hand for now. They mirror the Rust DTOs field for field (serde `camelCase`) and
// will be generated from Rust by ts-rs later, at which point this file is replaced by the
// generated bindings: change the Rust type first, never only this file.

/** The interface languages. Mirrors the core's language enum (`"fr"` is the default). */
export type Language = 'fr' | 'en';

/** What the desktop shell knows about the OS keyring it uses to hold the vault key. */
export interface KeyringInfo {
  /** `true` when the key is kept in the operating system's secret store. */
  osStore: boolean;
  /** A translated, human-readable description of the store (e.g. "Secret Service (GNOME Keyring)"). */
  description: string;
}

/** Answer of the `app_status` command. */
export interface AppStatus {
  /** The application's version (the shell's Cargo package version). */
  version: string;
  /** Absolute path of the folder that holds (or will hold) the vault. */
  vaultDir: string;
  /** `true` when a vault file exists in `vaultDir`. */
  vaultExists: boolean;
  /** `true` when the vault is open in this session. */
  unlocked: boolean;
  /** The organisation named in the vault, once it is unlocked; `null` otherwise. */
  organisation: string | null;
  keyring: KeyringInfo;
  /** `PRAGMA cipher_version` of the linked SQLCipher, `null` if it could not be read. */
  sqlcipherVersion: string | null;
}

/**
 * How every command fails. `code` is a stable identifier the UI may switch on (the Rust
 * `ErrorCode` enum, snake_case); `message` is already translated by the core into the
 * current language and is shown as is.
 */
export interface CommandError {
  code: string;
  message: string;
}
