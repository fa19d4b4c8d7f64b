// The due list's selection, kept across its pages (by reference), and what "propose every file
// the filter selects" will take. Pure functions over plain records, so that the screen only
// assigns what they return.
import type { BatchKind, DueFile, DueKind, DueQuery } from '../types';
import { blockerOf } from './periods';

export type Selection = Readonly<Record<string, DueFile>>;

/** The files of a page that can go in a batch today. */
export function selectable(files: readonly DueFile[], day: string): DueFile[] {
  return files.filter((file) => blockerOf(file, day) === null);
}

export function toggleFile(selection: Selection, file: DueFile): Selection {
  if (file.reference in selection) {
    return Object.fromEntries(Object.entries(selection).filter(([reference]) => reference !== file.reference));
  }
  return { ...selection, [file.reference]: file };
}

/** Whether every selectable file of the page is selected (`false` when none is selectable). */
export function pageSelected(selection: Selection, files: readonly DueFile[], day: string): boolean {
  const free = selectable(files, day);
  return free.length > 0 && free.every((file) => file.reference in selection);
}

/** Selects the page's selectable files, or unselects them when they all were; other pages' stay. */
export function togglePage(selection: Selection, files: readonly DueFile[], day: string): Selection {
  const free = selectable(files, day);
  if (pageSelected(selection, files, day)) {
    const onPage = new Set(free.map((file) => file.reference));
    return Object.fromEntries(Object.entries(selection).filter(([reference]) => !onPage.has(reference)));
  }
  const next: Record<string, DueFile> = { ...selection };
  for (const file of free) next[file.reference] = file;
  return next;
}

/** The batches "propose all" can form from the filter's kind: none while it mixes kinds or asks for review. */
export function proposeAllKinds(kind: DueKind | null): BatchKind[] {
  if (kind === 'destruction') return ['destruction', 'anonymisation'];
  if (kind === 'transfer') return ['transfer'];
  return [];
}

/**
 * What the core's `propose_due` reads: the filter's files due by today at the latest (a file
 * not yet due never goes in a batch), of the batch's disposition.
 */
export function proposeAllQuery(query: DueQuery, kind: BatchKind, day: string): DueQuery {
  return {
    until: query.until < day ? query.until : day,
    project: query.project,
    kind: kind === 'transfer' ? 'transfer' : 'destruction',
    class: query.class ?? null,
  };
}
