import { describe, expect, it } from 'vitest';
import { SUGGESTED_WORDS, suggestPassphrase } from './passphrase';
import { MIN_PASSPHRASE_CHARS, charCount } from './validation';
import { WORDS_EN } from './wordlists/en';
import { WORDS_FR } from './wordlists/fr';

/** A fill that writes the given values, in order (then zeros). */
const fixed =
  (...values: number[]) =>
  (array: Uint16Array<ArrayBuffer>): Uint16Array<ArrayBuffer> => {
    array.set(values.slice(0, array.length));
    return array;
  };

describe('word lists', () => {
  it.each([
    ['fr', WORDS_FR],
    ['en', WORDS_EN],
  ] as const)('%s: 2048 distinct lower-case ASCII words', (_, list) => {
    expect(list).toHaveLength(2048);
    expect(new Set(list).size).toBe(2048);
    for (const word of list) expect(word).toMatch(/^[a-z]{3,8}$/);
  });

  it('start and end where BIP-0039 does', () => {
    expect([WORDS_EN[0], WORDS_EN[2047]]).toEqual(['abandon', 'zoo']);
    expect([WORDS_FR[0], WORDS_FR[2047]]).toEqual(['abaisser', 'zoologie']);
  });
});

describe('suggestPassphrase', () => {
  it('draws six words in the interface language', () => {
    expect(suggestPassphrase('en', SUGGESTED_WORDS, fixed(0, 1, 2, 3, 4, 2047))).toBe(
      'abandon ability able about above zoo',
    );
    expect(suggestPassphrase('fr', 2, fixed(0, 2047))).toBe('abaisser zoologie');
  });

  it('uses every bit of randomness it needs and no more (11 bits a word)', () => {
    // 2048 + 5 wraps to 5: the upper bits of the 16-bit value are masked off, evenly.
    expect(suggestPassphrase('en', 1, fixed(2048 + 5))).toBe(WORDS_EN[5]);
    expect(suggestPassphrase('en', 1, fixed(0xffff))).toBe(WORDS_EN[2047]);
  });

  it('is long enough for the core with the platform generator', () => {
    for (let i = 0; i < 50; i += 1) {
      const phrase = suggestPassphrase('fr');
      expect(phrase.split(' ')).toHaveLength(SUGGESTED_WORDS);
      expect(charCount(phrase)).toBeGreaterThanOrEqual(MIN_PASSPHRASE_CHARS);
    }
  });

  it('differs from one call to the next', () => {
    const seen = new Set(Array.from({ length: 20 }, () => suggestPassphrase('en')));
    expect(seen.size).toBe(20);
  });
});
