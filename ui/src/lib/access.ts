// What the signed-in user's role allows, for showing and enabling controls. The core enforces
// every permission itself; hiding a button is a courtesy, not a protection.
import type { MessageKey } from './i18n';
import type { Permission, Role, SessionInfo } from './types';

export const ROLES: readonly Role[] = [
  'administrator',
  'archivist',
  'access_officer',
  'auditor',
  'clerk',
];

export const ROLE_LABELS: Readonly<Record<Role, MessageKey>> = {
  administrator: 'role.administrator',
  archivist: 'role.archivist',
  access_officer: 'role.access_officer',
  auditor: 'role.auditor',
  clerk: 'role.clerk',
};

export const PERMISSION_LABELS: Readonly<Record<Permission, MessageKey>> = {
  manage_users: 'permission.manage_users',
  view_users: 'permission.view_users',
  manage_vault: 'permission.manage_vault',
  check_vault: 'permission.check_vault',
  view_audit: 'permission.view_audit',
  export_audit: 'permission.export_audit',
  view_plan: 'permission.view_plan',
  manage_plan: 'permission.manage_plan',
  view_register: 'permission.view_register',
  manage_register: 'permission.manage_register',
  reveal_identifiers: 'permission.reveal_identifiers',
  manage_holds: 'permission.manage_holds',
  propose_disposition: 'permission.propose_disposition',
  approve_disposition: 'permission.approve_disposition',
};

export function can(session: SessionInfo | null, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false;
}

/** The settings tabs a session may open, in order. */
export type SettingsTab = 'users' | 'vault';

export function settingsTabs(session: SessionInfo | null): SettingsTab[] {
  const tabs: SettingsTab[] = [];
  if (can(session, 'view_users') || can(session, 'manage_users')) tabs.push('users');
  if (can(session, 'manage_vault') || can(session, 'check_vault')) tabs.push('vault');
  return tabs;
}
