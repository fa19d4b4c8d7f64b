// The current interface language: Svelte 5 rune state, persisted in localStorage.
//
// Reading `locale.current` inside a component (directly or through `t`) subscribes that
// component, so switching the language re-renders every message in place.
import type { Language } from '../types';

export const LANGUAGES = ['fr', 'en'] as const satisfies readonly Language[];
export const DEFAULT_LANGUAGE: Language = 'fr';
/** The localStorage key; kept stable so a user's choice survives upgrades. */
export const LOCALE_STORAGE_KEY = 'greffier.locale';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

class LocaleState {
  #current = $state<Language>(readStoredLanguage());

  get current(): Language {
    return this.#current;
  }

  /** Switches the interface language and remembers the choice on this computer. */
  set(lang: Language): void {
    this.#current = lang;
    const storage = storageOrNull();
    try {
      storage?.setItem(LOCALE_STORAGE_KEY, lang);
    } catch {
      // A full or disabled storage only costs persistence; the switch itself has happened.
    }
  }
}

export const locale = new LocaleState();

function readStoredLanguage(): Language {
  try {
    const stored = storageOrNull()?.getItem(LOCALE_STORAGE_KEY);
    return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

function storageOrNull(): Storage | null {
  try {
    // `globalThis` rather than `window`: the tests run in Node, where it may be stubbed.
    return (globalThis as { localStorage?: Storage }).localStorage ?? null;
  } catch {
    // Accessing localStorage throws a SecurityError when storage is disabled.
    return null;
  }
}
