// A search snippet cut into plain and highlighted parts, for rendering as text nodes and <mark>
// elements (never as HTML: the fragment is the user's own text).
//
// The core gives the highlights as UTF-8 byte offsets into the fragment (tantivy's), while
// JavaScript strings count UTF-16 code units: `Québec` is 7 bytes but 6 units. The offsets are
// mapped through the fragment's own encoding, so an accent before a hit does not shift it.
import type { Snippet } from '../types';

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * The fragment as parts in reading order. Ranges are clamped to the fragment, sorted and merged
 * when they touch or overlap; an offset that falls inside a character (which the core never
 * sends) is moved to the end of that character, so no character is ever cut in two.
 */
export function splitSnippet(snippet: Snippet): SnippetPart[] {
  const { fragment } = snippet;
  if (fragment === '') return [];
  const units = byteToUnit(fragment);
  const bytes = units.length - 1;
  const ranges = snippet.highlights
    .map(([start, end]): [number, number] => [clamp(start, bytes), clamp(end, bytes)])
    .filter(([start, end]) => end > start)
    .map(([start, end]): [number, number] => [units[start] ?? 0, units[end] ?? fragment.length])
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);

  const merged: [number, number][] = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }

  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [start, end] of merged) {
    if (start > at) parts.push({ text: fragment.slice(at, start), hit: false });
    parts.push({ text: fragment.slice(start, end), hit: true });
    at = end;
  }
  if (at < fragment.length) parts.push({ text: fragment.slice(at), hit: false });
  return parts;
}

/**
 * The parts with the start of a long plain first part dropped, so that the first hit shows in a
 * narrow cell: at most about `keep` characters are kept before it, from the start of a word,
 * after an ellipsis.
 */
export function trimLead(parts: SnippetPart[], keep = 24): SnippetPart[] {
  const [first, ...rest] = parts;
  if (!first || first.hit || rest.length === 0 || first.text.length <= keep + 1) return parts;
  let cut = first.text.length - keep;
  const space = first.text.indexOf(' ', cut);
  if (space !== -1 && space < first.text.length - 1) cut = space + 1;
  // Never between the two halves of a character outside the BMP.
  const unit = first.text.charCodeAt(cut);
  if (unit >= 0xdc00 && unit <= 0xdfff) cut += 1;
  return [{ text: `…${first.text.slice(cut)}`, hit: false }, ...rest];
}

/** Whole numbers only, within 0..max. */
function clamp(value: number, max: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(max, Math.max(0, Math.trunc(value)));
}

/**
 * For each byte offset of the text's UTF-8 encoding (0 to its length in bytes, inclusive), the
 * UTF-16 index of the first character that does not start before it.
 */
function byteToUnit(text: string): number[] {
  const map: number[] = [];
  let unit = 0;
  for (const char of text) {
    const size = utf8Length(char.codePointAt(0) ?? 0);
    // The character's first byte maps to its start; its other bytes to its end.
    map.push(unit);
    unit += char.length;
    for (let i = 1; i < size; i += 1) map.push(unit);
  }
  map.push(unit);
  return map;
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
