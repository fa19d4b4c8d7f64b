import { describe, expect, it } from 'vitest';
import { AREAS, areaForKeyStroke, type KeyStroke } from './navigation';

const stroke = (over: Partial<KeyStroke>): KeyStroke => ({
  key: '',
  code: '',
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...over,
});

describe('areas', () => {
  it('list home, the seven areas, and settings last', () => {
    expect(AREAS.map((a) => a.id)).toEqual([
      'home',
      'plan',
      'register',
      'calendar',
      'requests',
      'incidents',
      'audit',
      'settings',
    ]);
    expect(AREAS.filter((a) => a.available).map((a) => a.id)).toEqual(['home', 'plan', 'register', 'calendar', 'settings']);
  });

  it('give Alt+1…Alt+7 in navigation order, each once', () => {
    const digits = AREAS.flatMap((a) => (a.shortcut.kind === 'alt-digit' ? [a.shortcut.digit] : []));
    expect(digits).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('areaForKeyStroke', () => {
  it.each<[string, Partial<KeyStroke>, string | null]>([
    ['Alt+1 (QWERTY)', { altKey: true, key: '1', code: 'Digit1' }, 'home'],
    ['Alt+1 (AZERTY, unshifted key is &)', { altKey: true, key: '&', code: 'Digit1' }, 'home'],
    ['Alt+7', { altKey: true, key: '7', code: 'Digit7' }, 'audit'],
    ['Alt+numpad 3', { altKey: true, key: '3', code: 'Numpad3' }, 'register'],
    ['Alt+8 (no area)', { altKey: true, key: '8', code: 'Digit8' }, null],
    ['Alt+0 (no area)', { altKey: true, key: '0', code: 'Digit0' }, null],
    ['plain 1', { key: '1', code: 'Digit1' }, null],
    ['Alt+Shift+1', { altKey: true, shiftKey: true, key: '!', code: 'Digit1' }, null],
    ['Ctrl+Alt+1 (AltGr on Windows)', { altKey: true, ctrlKey: true, key: '1', code: 'Digit1' }, null],
    ['Ctrl+,', { ctrlKey: true, key: ',', code: 'Comma' }, 'settings'],
    ['Cmd+,', { metaKey: true, key: ',', code: 'Comma' }, 'settings'],
    ['Ctrl+, on AZERTY (comma on the M key)', { ctrlKey: true, key: ',', code: 'KeyM' }, 'settings'],
    ['Alt+A', { altKey: true, key: 'a', code: 'KeyA' }, null],
  ])('%s', (_, over, expected) => {
    expect(areaForKeyStroke(stroke(over))).toBe(expected);
  });
});
