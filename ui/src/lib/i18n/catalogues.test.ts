import { describe, expect, it } from 'vitest';
import { en } from './en';
import { fr } from './fr';

// Every source file of the app, as text (Vite's glob import; tests and catalogues left out).
const sources = Object.entries(
  import.meta.glob<string>(['/src/**/*.{ts,svelte}', '!/src/**/*.test.ts', '!/src/lib/i18n/{fr,en}.ts'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
);

const placeholders = (message: string): string[] =>
  [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('catalogues', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it.each([
    ['fr', fr],
    ['en', en],
  ] as const)('%s has no empty or padded message', (_, catalogue) => {
    for (const [key, message] of Object.entries(catalogue)) {
      expect(message.trim(), `${key} must not be empty`).not.toBe('');
      expect(message, `${key} must not start or end with white space`).toBe(message.trim());
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(placeholders(en[key]), `placeholders of ${key}`).toEqual(placeholders(fr[key]));
    }
  });

  it('hold no message that the application never asks for', () => {
    expect(sources.length, 'the glob must find the sources').toBeGreaterThan(5);
    const unused = Object.keys(fr).filter(
      (key) => !sources.some(([, text]) => text.includes(`'${key}'`)),
    );
    expect(unused).toEqual([]);
  });

  it('follow French typography: a non-breaking space before a colon, curly apostrophes', () => {
    for (const [key, message] of Object.entries(fr)) {
      expect(message, `${key}: plain space before ':'`).not.toMatch(/ :/);
      expect(message, `${key}: straight apostrophe`).not.toMatch(/'/);
    }
  });
});
