// English catalogue. `satisfies Catalogue` makes the type checker refuse a missing or an extra
// key; `catalogues.test.ts` checks that placeholders match the French ones.
import type { Catalogue } from './fr';

export const en = {
  'app.name': 'Greffier',
  'app.versionLine': 'Greffier {version}',
  'app.offline': 'Offline: no data leaves this computer',

  'header.organisationLabel': 'Organisation',
  'header.noVault': 'No vault',
  'header.vaultLocked': 'Vault locked',
  'header.statusUnknown': 'Status unknown',

  'lang.groupLabel': 'Interface language',
  'lang.fr.short': 'FR',
  'lang.fr.name': 'Français',
  'lang.en.short': 'EN',
  'lang.en.name': 'English',

  'nav.label': 'Main navigation',
  'nav.group.records': 'Records',
  'nav.group.privacy': 'Access and privacy',
  'nav.group.oversight': 'Oversight',
  'nav.home': 'Home',
  'nav.plan': 'Classification plan',
  'nav.register': 'Register',
  'nav.calendar': 'Calendar',
  'nav.requests': 'Requests',
  'nav.incidents': 'Incidents',
  'nav.audit': 'Audit',
  'nav.settings': 'Settings',
  'nav.soonBadge': 'Soon',
  'nav.unavailable': '{area}: coming soon',
  'nav.shortcutHint': 'Shortcut: {keys}',
  'nav.soonWithShortcut': 'Coming soon — shortcut: {keys}',

  'shortcuts.title': 'Keyboard shortcuts',
  'shortcuts.altDigit': 'Alt+{digit}',
  'shortcuts.settings': 'Ctrl+,',
  'shortcuts.intro':
    'Alt+1 to Alt+7 go to the navigation sections, in order, and Ctrl+comma opens the settings. A section still to come simply says that it is not available yet.',

  'status.title': 'Application status',
  'status.summary': 'What Greffier knows about this computer and its encrypted vault.',
  'status.loading': 'Reading status…',
  'status.refresh': 'Refresh',
  'status.version': 'Version',
  'status.vaultDir': 'Vault folder',
  'status.vaultState': 'Vault state',
  'status.vault.none': 'No vault',
  'status.vault.locked': 'Locked',
  'status.vault.unlocked': 'Unlocked',
  'status.keyring': 'Keyring',
  'status.keyring.osStore': 'Operating-system keyring',
  'status.keyring.noOsStore': 'No system keyring: the recovery passphrase opens the vault',
  'status.sqlcipher': 'SQLCipher version',
  'status.notAvailable': 'Not available',
  'status.errorTitle': 'Could not read the application status',
  'status.errorCode': 'Code: {code}',
  'status.retry': 'Retry',

  'errors.ipcUnavailable':
    'The Greffier core cannot be reached: this page is running outside the desktop application.',
  'errors.unexpected': 'Unexpected error: {detail}',
} as const satisfies Catalogue;
