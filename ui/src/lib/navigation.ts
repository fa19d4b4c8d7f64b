// The application's areas, in navigation order, and their keyboard shortcuts.
import { t, type MessageKey } from './i18n';

export type AreaId =
  | 'home'
  | 'plan'
  | 'register'
  | 'calendar'
  | 'requests'
  | 'incidents'
  | 'audit'
  | 'settings';

/** Alt+digit for the main areas; Ctrl+, (the desktop convention) for the settings. */
export type Shortcut = { kind: 'alt-digit'; digit: number } | { kind: 'settings' };

export interface Area {
  id: AreaId;
  label: MessageKey;
  /** The group heading shown above the area in the navigation, if any. */
  group: MessageKey | null;
  /** `false` for areas that are announced but not built yet. */
  available: boolean;
  shortcut: Shortcut;
}

export const AREAS: readonly Area[] = [
  area('home', 'nav.home', null, true, 1),
  area('plan', 'nav.plan', 'nav.group.records', true, 2),
  area('register', 'nav.register', 'nav.group.records', true, 3),
  area('calendar', 'nav.calendar', 'nav.group.records', true, 4),
  area('requests', 'nav.requests', 'nav.group.privacy', false, 5),
  area('incidents', 'nav.incidents', 'nav.group.privacy', false, 6),
  area('audit', 'nav.audit', 'nav.group.oversight', false, 7),
  { id: 'settings', label: 'nav.settings', group: null, available: true, shortcut: { kind: 'settings' } },
];

/** The parts of a `KeyboardEvent` that decide a shortcut (a plain object in tests). */
export interface KeyStroke {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
}

/**
 * The area a keystroke asks for, or `null`. Alt+digit is matched on the physical key
 * (`Digit1`…), because on a French AZERTY keyboard the unshifted key is `&`, not `1`;
 * Ctrl+, (Cmd+, on macOS) is matched on the character, wherever the comma sits.
 */
export function areaForKeyStroke(stroke: KeyStroke): AreaId | null {
  if (stroke.altKey && !stroke.ctrlKey && !stroke.metaKey && !stroke.shiftKey) {
    const digit = digitOf(stroke);
    const found = AREAS.find((a) => a.shortcut.kind === 'alt-digit' && a.shortcut.digit === digit);
    return found ? found.id : null;
  }
  if ((stroke.ctrlKey || stroke.metaKey) && !stroke.altKey && stroke.key === ',') {
    return 'settings';
  }
  return null;
}

/** How the shortcut is written for the user, e.g. `Alt+2`. */
export function shortcutLabel(shortcut: Shortcut): string {
  return shortcut.kind === 'alt-digit'
    ? t('shortcuts.altDigit', { digit: shortcut.digit })
    : t('shortcuts.settings');
}

/** The same shortcut in `aria-keyshortcuts` syntax. */
export function ariaKeyShortcut(shortcut: Shortcut): string {
  return shortcut.kind === 'alt-digit' ? `Alt+${shortcut.digit}` : 'Control+,';
}

export function findArea(id: AreaId): Area {
  const found = AREAS.find((a) => a.id === id);
  if (!found) throw new Error(`unknown area ${id}`);
  return found;
}

function area(
  id: AreaId,
  label: MessageKey,
  group: MessageKey | null,
  available: boolean,
  digit: number,
): Area {
  return { id, label, group, available, shortcut: { kind: 'alt-digit', digit } };
}

function digitOf(stroke: KeyStroke): number | null {
  const fromCode = /^(?:Digit|Numpad)([0-9])$/.exec(stroke.code);
  if (fromCode) return Number(fromCode[1]);
  return /^[0-9]$/.test(stroke.key) ? Number(stroke.key) : null;
}
