// Suggests a recovery passphrase: words drawn with the platform's cryptographic generator.
// Six words from a 2048-word list are 66 random bits, and the core then stretches the
// passphrase with Argon2id. The user may type their own instead; the core only asks for
// MIN_PASSPHRASE_CHARS characters.
import type { Language } from './types';
import { WORDS_EN } from './wordlists/en';
import { WORDS_FR } from './wordlists/fr';

export const SUGGESTED_WORDS = 6;

const LISTS: Readonly<Record<Language, readonly string[]>> = { fr: WORDS_FR, en: WORDS_EN };

/** Fills the array with random values (`crypto.getRandomValues` in the app, fixed in tests). */
export type RandomFill = (values: Uint16Array<ArrayBuffer>) => Uint16Array<ArrayBuffer>;

const cryptoFill: RandomFill = (values) => crypto.getRandomValues(values);

/** Words separated by single spaces, in the interface language. */
export function suggestPassphrase(
  lang: Language,
  words: number = SUGGESTED_WORDS,
  fill: RandomFill = cryptoFill,
): string {
  const list = LISTS[lang];
  // The lists have a power-of-two length, so masking a 16-bit value picks every word equally.
  const mask = list.length - 1;
  if ((list.length & mask) !== 0) throw new Error('the word list length must be a power of two');
  const values = fill(new Uint16Array(words));
  return Array.from(values, (value) => list[value & mask] ?? '').join(' ');
}
