import { describe, expect, it } from 'vitest';
import { splitSnippet, trimLead, type SnippetPart } from './snippet';

/** UTF-8 byte offsets of `word` in `text`, as tantivy gives them. */
function bytes(text: string, word: string): [number, number] {
  const at = text.indexOf(word);
  const encoder = new TextEncoder();
  const start = encoder.encode(text.slice(0, at)).length;
  return [start, start + encoder.encode(word).length];
}

const render = (parts: SnippetPart[]): string => parts.map((p) => (p.hit ? `[${p.text}]` : p.text)).join('');

describe('splitSnippet', () => {
  // [what, fragment, highlights, expected rendering]
  it.each<[string, string, [number, number][], string]>([
    ['a word after accents', 'Électricité à Québec', [[17, 24]], 'Électricité à [Québec]'],
    ['the first word, accented', 'Électricité à Québec', [[0, 13]], '[Électricité] à Québec'],
    ['two words', 'Électricité à Québec', [[0, 13], [17, 24]], '[Électricité] à [Québec]'],
    ['no highlight', 'Électricité à Québec', [], 'Électricité à Québec'],
    ['ranges out of order', 'un deux trois', [[8, 13], [0, 2]], '[un] deux [trois]'],
    ['overlapping ranges, merged', 'contrat de service', [[0, 7], [5, 10]], '[contrat de] service'],
    ['touching ranges, merged', 'abcdef', [[0, 3], [3, 6]], '[abcdef]'],
    ['a range past the end, clamped', 'Lévis', [[0, 99]], '[Lévis]'],
    ['an empty range, dropped', 'Lévis', [[2, 2]], 'Lévis'],
    ['an offset inside a character, moved past it', 'Québec', [[3, 7]], 'Qué[bec]'],
    ['a character outside the BMP before the hit', '𝄞 Québec', [bytes('𝄞 Québec', 'Québec')], '𝄞 [Québec]'],
  ])('%s', (_, fragment, highlights, expected) => {
    expect(render(splitSnippet({ fragment, highlights }))).toBe(expected);
  });

  it('maps the byte offsets of "Québec" in "Électricité à Québec" (17–24) to the word itself', () => {
    expect(bytes('Électricité à Québec', 'Québec')).toEqual([17, 24]);
    expect(splitSnippet({ fragment: 'Électricité à Québec', highlights: [[17, 24]] })).toEqual([
      { text: 'Électricité à ', hit: false },
      { text: 'Québec', hit: true },
    ]);
  });

  it('never returns markup: the parts are the fragment, cut', () => {
    const fragment = '<img src=x onerror=alert(1)> à Québec';
    const parts = splitSnippet({ fragment, highlights: [bytes(fragment, 'Québec')] });
    expect(parts.map((p) => p.text).join('')).toBe(fragment);
    expect(parts.at(-1)).toEqual({ text: 'Québec', hit: true });
  });

  it('gives nothing for an empty fragment', () => {
    expect(splitSnippet({ fragment: '', highlights: [[0, 3]] })).toEqual([]);
  });
});

describe('trimLead', () => {
  it('keeps about `keep` characters before the first hit, from a word start', () => {
    const parts = splitSnippet({
      fragment: 'Embauche, évaluations annuelles, formations et mutation à Québec',
      highlights: [bytes('Embauche, évaluations annuelles, formations et mutation à Québec', 'Québec')],
    });
    expect(render(trimLead(parts, 12))).toBe('…mutation à [Québec]');
  });

  it('leaves a short lead, a snippet that starts with a hit, or one without a hit alone', () => {
    const short: SnippetPart[] = [
      { text: 'à ', hit: false },
      { text: 'Québec', hit: true },
    ];
    expect(trimLead(short, 12)).toBe(short);
    const first: SnippetPart[] = [{ text: 'Québec', hit: true }];
    expect(trimLead(first, 0)).toBe(first);
    const none: SnippetPart[] = [{ text: 'une longue phrase sans mot trouvé', hit: false }];
    expect(trimLead(none, 4)).toBe(none);
  });
});
