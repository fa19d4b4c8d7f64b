import { beforeEach, describe, expect, it, vi } from 'vitest';

/** A Map-backed Storage, optionally refusing every access as a locked-down webview would. */
function memoryStorage(initial: Record<string, string> = {}, broken = false): Storage {
  const data = new Map(Object.entries(initial));
  const guard = () => {
    if (broken) throw new DOMException('storage disabled', 'SecurityError');
  };
  return {
    get length() {
      return data.size;
    },
    clear: () => {
      guard();
      data.clear();
    },
    getItem: (key) => {
      guard();
      return data.get(key) ?? null;
    },
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => {
      guard();
      data.delete(key);
    },
    setItem: (key, value) => {
      guard();
      data.set(key, value);
    },
  };
}

/** Imports a fresh copy of the module, as a new window would on start-up. */
async function freshLocale() {
  vi.resetModules();
  return import('./locale.svelte');
}

describe('locale', () => {
  beforeEach(() => {
    vi.unstubAllGlobals();
  });

  it('defaults to French with nothing stored', async () => {
    vi.stubGlobal('localStorage', memoryStorage());
    const { locale } = await freshLocale();
    expect(locale.current).toBe('fr');
  });

  it('defaults to French where there is no localStorage at all', async () => {
    vi.stubGlobal('localStorage', undefined);
    const { locale } = await freshLocale();
    expect(locale.current).toBe('fr');
  });

  it('restores the stored choice on start-up', async () => {
    vi.stubGlobal('localStorage', memoryStorage({ 'greffier.locale': 'en' }));
    const { locale } = await freshLocale();
    expect(locale.current).toBe('en');
  });

  it('ignores a stored value that is not a language', async () => {
    vi.stubGlobal('localStorage', memoryStorage({ 'greffier.locale': 'de' }));
    const { locale } = await freshLocale();
    expect(locale.current).toBe('fr');
  });

  it('persists a change so that the next start-up keeps it', async () => {
    const storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
    const first = await freshLocale();
    first.locale.set('en');
    expect(storage.getItem(first.LOCALE_STORAGE_KEY)).toBe('en');

    const second = await freshLocale();
    expect(second.locale.current).toBe('en');
  });

  it('still switches when storage refuses access', async () => {
    vi.stubGlobal('localStorage', memoryStorage({}, true));
    const { locale } = await freshLocale();
    expect(locale.current).toBe('fr');
    locale.set('en');
    expect(locale.current).toBe('en');
  });

  it('recognises only the supported languages', async () => {
    const { isLanguage } = await freshLocale();
    expect(['fr', 'en', 'FR', 'fr-CA', '', null, 1].map(isLanguage)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
