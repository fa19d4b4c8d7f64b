// Text helpers for the plan's screens: search folding, highlighting, and the layout of the
// schedule's texts (kept by the core as found in the file, line breaks and indentation included).

/**
 * A text folded for searching: lower case, without accents (`Règlement` → `reglement`), with
 * typographic apostrophes and dashes made plain and runs of white space made single.
 */
export function fold(text: string): string {
  let out = '';
  for (const char of text) out += foldChar(char);
  return out.replace(/\s+/g, ' ').trim();
}

function foldChar(char: string): string {
  const plain = char
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
  switch (plain) {
    case '’':
    case '‘':
    case 'ʼ':
      return "'";
    case '–':
    case '—':
    case '‑':
      return '-';
    case 'œ':
      return 'oe';
    case 'æ':
      return 'ae';
    default:
      return plain;
  }
}

/** The words of a query, folded; empty for a blank query. */
export function queryTerms(query: string): string[] {
  const folded = fold(query);
  return folded === '' ? [] : folded.split(' ');
}

/** `true` when every term occurs somewhere in `haystack` (already folded). */
export function matchesAll(haystack: string, terms: readonly string[]): boolean {
  return terms.every((term) => haystack.includes(term));
}

/** A piece of a text, marked when it matches a search term. */
export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * Cuts `text` into segments so that the parts matching `terms` can be marked, whatever their
 * accents or case: `highlight('Règlements', ['regl'])` marks `Règl`.
 */
export function highlight(text: string, terms: readonly string[]): Segment[] {
  if (terms.length === 0 || text === '') return text === '' ? [] : [{ text, hit: false }];
  // The folded text, and for each of its characters the original character it came from.
  const chars = Array.from(text);
  let folded = '';
  const origin: number[] = [];
  chars.forEach((char, index) => {
    const piece = foldChar(char);
    folded += piece;
    origin.push(...new Array<number>(piece.length).fill(index));
  });
  const marked = new Array<boolean>(chars.length).fill(false);
  for (const term of terms) {
    if (term === '') continue;
    let from = folded.indexOf(term);
    while (from !== -1) {
      for (let i = from; i < from + term.length; i += 1) {
        const at = origin[i];
        if (at !== undefined) marked[at] = true;
      }
      from = folded.indexOf(term, from + term.length);
    }
  }
  const segments: Segment[] = [];
  chars.forEach((char, index) => {
    const hit = marked[index] ?? false;
    const last = segments[segments.length - 1];
    if (last?.hit === hit) last.text += char;
    else segments.push({ text: char, hit });
  });
  return segments;
}

/**
 * Folds the line breaks and indentation of a pretty-printed file into single spaces, for a
 * text read as a paragraph (a description, a title).
 */
export function foldWhitespace(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(' ');
}

/** Lines of a text meant to be read line by line (examples), blank ones left out. */
export function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** A numbered remark such as `R1: Verser les organigrammes.` */
export interface NumberedRemark {
  label: string;
  text: string;
}

/**
 * Splits remarks written as `R1: text R2: text` into labelled parts, white space folded (as the
 * core's `numbered_remarks` does). Text before the first label, if any, comes with an empty
 * label, so that nothing written is lost.
 */
export function numberedRemarks(text: string): NumberedRemark[] {
  const starts: { at: number; label: string; body: number }[] = [];
  const pattern = /(^|[^A-Za-z0-9])(R\d+) *:/g;
  for (let found = pattern.exec(text); found !== null; found = pattern.exec(text)) {
    const at = found.index + (found[1]?.length ?? 0);
    starts.push({ at, label: found[2] ?? '', body: found.index + found[0].length });
  }
  const out: NumberedRemark[] = [];
  const lead = foldWhitespace(text.slice(0, starts[0]?.at ?? text.length));
  if (lead !== '') out.push({ label: '', text: lead });
  starts.forEach((start, index) => {
    const end = starts[index + 1]?.at ?? text.length;
    out.push({ label: start.label, text: foldWhitespace(text.slice(start.body, end)) });
  });
  return out;
}

/** The text of the remark `label` (`R1`) in the rule's remarks, or `null` when it has none. */
export function remarkText(label: string, ...sources: string[]): string | null {
  const wanted = label.trim().toUpperCase();
  for (const source of sources) {
    const found = numberedRemarks(source).find((r) => r.label.toUpperCase() === wanted);
    if (found) return found.text;
  }
  return null;
}
