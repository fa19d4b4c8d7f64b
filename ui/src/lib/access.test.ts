import { describe, expect, it } from 'vitest';
import { PERMISSION_LABELS, ROLES, ROLE_LABELS, can, settingsTabs } from './access';
import { t } from './i18n';
import type { SessionInfo } from './types';

const session = (role: SessionInfo['role'], permissions: SessionInfo['permissions']): SessionInfo => ({
  username: 'u',
  displayName: 'U',
  role,
  permissions,
});

// What the core grants today (greffier_core::access): the UI only reads `permissions`.
const administrator = session('administrator', [
  'manage_users',
  'view_users',
  'manage_vault',
  'check_vault',
  'view_audit',
  'export_audit',
]);
const auditor = session('auditor', ['view_users', 'check_vault', 'view_audit', 'export_audit']);
const clerk = session('clerk', []);

describe('can', () => {
  it('reads the session permissions', () => {
    expect(can(administrator, 'manage_users')).toBe(true);
    expect(can(auditor, 'manage_users')).toBe(false);
    expect(can(auditor, 'check_vault')).toBe(true);
    expect(can(null, 'view_users')).toBe(false);
  });
});

describe('settingsTabs', () => {
  it('shows the administrator both tabs', () => {
    expect(settingsTabs(administrator)).toEqual(['users', 'vault']);
  });

  it('shows the auditor the users (to read) and the vault (to check)', () => {
    expect(settingsTabs(auditor)).toEqual(['users', 'vault']);
  });

  it('shows a role without permissions no tab', () => {
    expect(settingsTabs(clerk)).toEqual([]);
    expect(settingsTabs(null)).toEqual([]);
  });

  it('shows the users tab to whoever may manage them, even without view_users', () => {
    expect(settingsTabs(session('archivist', ['manage_users']))).toEqual(['users']);
  });
});

describe('labels', () => {
  it('name every role and permission in both languages', () => {
    expect(ROLES).toHaveLength(5);
    for (const role of ROLES) {
      expect(t(ROLE_LABELS[role], undefined, 'fr')).not.toBe(ROLE_LABELS[role]);
      expect(t(ROLE_LABELS[role], undefined, 'en')).not.toBe(ROLE_LABELS[role]);
    }
    expect(t(ROLE_LABELS.access_officer, undefined, 'fr')).toBe('Responsable de l’accès');
    expect(t(ROLE_LABELS.access_officer, undefined, 'en')).toBe('Access officer');
    expect(Object.keys(PERMISSION_LABELS)).toHaveLength(14);
    expect(t(PERMISSION_LABELS.reveal_identifiers, undefined, 'en')).toBe('Reveal persons’ identifiers (recorded)');
    expect(t(PERMISSION_LABELS.manage_plan, undefined, 'en')).toBe(
      'Maintain the classification plan, the schedule and the projects',
    );
  });
});
