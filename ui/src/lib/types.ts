// Data shapes exchanged with the Tauri shell (`src-tauri`).
//
// Written by hand for now. They mirror the Rust DTOs field for field (serde `camelCase`, enums
// in `snake_case`) and will be generated from Rust by ts-rs later, at which point this file is
// replaced by the generated bindings: change the Rust type first, never only this file.

/** The interface languages. Mirrors the core's language enum (`"fr"` is the default). */
export type Language = 'fr' | 'en';

/** What the desktop shell knows about the OS keyring it uses to hold the vault key. */
export interface KeyringInfo {
  /** `true` when the key is kept in the operating system's secret store. */
  osStore: boolean;
  /** A human-readable description of the store (e.g. "Secret Service (GNOME Keyring)"). */
  description: string;
}

/** The roles of `greffier_core::Role`. */
export type Role = 'administrator' | 'archivist' | 'access_officer' | 'auditor' | 'clerk';

/** The permissions of `greffier_core::Permission`; the core enforces them, the UI only adapts. */
export type Permission =
  | 'manage_users'
  | 'view_users'
  | 'manage_vault'
  | 'check_vault'
  | 'view_audit'
  | 'export_audit';

/** Who is signed in, and what their role lets them do. */
export interface SessionInfo {
  username: string;
  displayName: string;
  role: Role;
  permissions: Permission[];
}

/** Answer of the `app_status` command (and of every command that changes the state). */
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
  /** The signed-in user, `null` while nobody is signed in (always `null` when locked). */
  session: SessionInfo | null;
  /** Minutes of inactivity after which the UI locks the vault; 0 means never. */
  idleLockMinutes: number;
}

/** What `create_vault` needs. */
export interface VaultSetup {
  organisation: string;
  adminUsername: string;
  adminDisplayName: string;
  adminPassword: string;
  recoveryPassphrase: string;
}

/** Answer of `create_vault`: the vault is created and unlocked, nobody is signed in yet. */
export interface VaultCreated {
  status: AppStatus;
  /** `false` when the key could not be put in an OS keyring: unlocking then needs the passphrase. */
  keyringSaved: boolean;
}

/** A user as the users table shows them. */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  /** RFC 3339, UTC. */
  createdAt: string;
}

/** What `add_user` needs. */
export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

/** The last event of the audit chain: printed on backups so that a rollback shows. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface BackupReport {
  path: string;
  bytes: number;
  sha256: string;
  chainHead: ChainHead;
}

export interface RestoreReport {
  /** RFC 3339, UTC. */
  backupCreatedAt: string;
  backupChainHead: ChainHead;
  /** Where the replaced vault was kept, if there was one. */
  previousSavedAs: string | null;
  /** `true` when the recovery file came from the backup: its passphrase is then the one in force then. */
  recoveryFileFromBackup: boolean;
}

/** Answer of `restore_vault`: the vault is replaced and open, nobody is signed in. */
export interface VaultRestored {
  report: RestoreReport;
  status: AppStatus;
}

export type ChainFault =
  | 'missing'
  | 'edited'
  | 'out_of_place'
  | 'bad_signature'
  | 'wrong_signer'
  | 'details_altered'
  | 'truncated';

/** Verification of the audit trail's hash chain. */
export interface VerifyReport {
  events: number;
  head: ChainHead | null;
  systemSigned: number;
  erasedDetails: number;
  /** The first event that does not verify, `null` when the chain is intact. */
  problem: { seq: number; fault: ChainFault } | null;
}

/** Answer of `check_vault`. */
export interface CheckReport {
  /** `PRAGMA integrity_check`: `["ok"]` when sound. */
  integrity: string[];
  /** `PRAGMA cipher_integrity_check`: empty when every page's HMAC verifies. */
  cipherIntegrity: string[];
  audit: VerifyReport;
}

/** Payload of the `vault-progress` event, sent while a backup or a restore runs. */
export interface VaultProgress {
  operation: 'backup' | 'restore';
  done: number;
  total: number;
}

/** What the native file chooser is opened for. */
export type FilePurpose = 'backup' | 'restore';

/**
 * How every command fails. `code` is a stable identifier the UI may switch on (the Rust
 * `ErrorCode` enum, snake_case); `message` is already translated by the core into the
 * current language and is shown as is.
 */
export interface CommandError {
  code: string;
  message: string;
}
