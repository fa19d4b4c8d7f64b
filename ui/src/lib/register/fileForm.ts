// The "New file" and "Edit file" form: its fields as typed, the `FileDraft` they make, and the
// checks made for comfort before sending (the core checks for real: reference, class, dates).
import type { MessageKey } from '../i18n';
import { isIsoDate } from '../plan/revision';
import type { FileDraft, FileRecord, Medium, Sensitivity } from '../types';

/** Every field as the form holds it: text, '' for "none". */
export interface FileForm {
  reference: string;
  class: string;
  /** '' when the class has a single rule. */
  rule: string;
  /** '' for no project. */
  project: string;
  title: string;
  description: string;
  /** Separated by commas, semicolons or line breaks. */
  keywords: string;
  openedOn: string;
  contractEndedOn: string;
  lastActivityOn: string;
  holder: string;
  location: string;
  medium: Medium;
  /** '' for the project's level (internal without a project). */
  sensitivity: Sensitivity | '';
  notes: string;
}

export type FileFormField = 'reference' | 'class' | 'title' | 'openedOn' | 'contractEndedOn' | 'lastActivityOn';

export type FileFormProblems = Partial<Record<FileFormField, MessageKey>>;

/** The core's limit on references (characters, not bytes). */
export const REFERENCE_MAX = 64;

/** A new file, opened today. */
export function emptyForm(today: string): FileForm {
  return {
    reference: '',
    class: '',
    rule: '',
    project: '',
    title: '',
    description: '',
    keywords: '',
    openedOn: today,
    contractEndedOn: '',
    lastActivityOn: '',
    holder: '',
    location: '',
    medium: 'paper',
    sensitivity: '',
    notes: '',
  };
}

/** A file as the edit form starts from it. */
export function formFromRecord(record: FileRecord): FileForm {
  return {
    reference: record.reference,
    class: record.class,
    rule: record.rule,
    project: record.project ?? '',
    title: record.title,
    description: record.description,
    keywords: record.keywords.join(', '),
    openedOn: record.dates.openedOn ?? '',
    contractEndedOn: record.dates.contractEndedOn ?? '',
    lastActivityOn: record.dates.lastActivityOn ?? '',
    holder: record.holder,
    location: record.location,
    medium: record.medium,
    sensitivity: record.sensitivity,
    notes: record.notes,
  };
}

/** `neige, rues; déneigement` → `["neige", "rues", "déneigement"]`, without repeats. */
export function parseKeywords(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[,;\n]/)) {
    const trimmed = word.trim();
    if (trimmed !== '' && !out.some((w) => w.toLocaleLowerCase() === trimmed.toLocaleLowerCase())) out.push(trimmed);
  }
  return out;
}

/**
 * The draft the core gets. What the form does not show is kept from the file being edited:
 * its closing date (changed by Close and Reopen), its other dates and its exception.
 */
export function draftFromForm(form: FileForm, base: FileRecord | null = null): FileDraft {
  const text = (value: string): string => value.trim();
  const optional = (value: string): string | null => (value.trim() === '' ? null : value.trim());
  return {
    reference: text(form.reference),
    class: text(form.class),
    rule: optional(form.rule),
    project: optional(form.project),
    title: text(form.title),
    description: text(form.description),
    keywords: parseKeywords(form.keywords),
    dates: {
      openedOn: optional(form.openedOn),
      closedOn: base?.dates.closedOn ?? null,
      contractEndedOn: optional(form.contractEndedOn),
      lastActivityOn: optional(form.lastActivityOn),
      other: { ...(base?.dates.other ?? {}) },
    },
    holder: text(form.holder),
    location: text(form.location),
    medium: form.medium,
    sensitivity: form.sensitivity === '' ? null : form.sensitivity,
    notes: text(form.notes),
    exception: base?.exception ?? null,
  };
}

/** What the form can tell before asking the core: required fields, lengths, date formats. */
export function checkForm(form: FileForm, closedOn: string | null = null): FileFormProblems {
  const problems: FileFormProblems = {};
  const reference = form.reference.trim();
  if (reference === '') problems.reference = 'validation.required';
  else if (charCount(reference) > REFERENCE_MAX) problems.reference = 'fileForm.referenceTooLong';
  if (form.class.trim() === '') problems.class = 'validation.required';
  if (form.title.trim() === '') problems.title = 'validation.required';
  for (const field of ['openedOn', 'contractEndedOn', 'lastActivityOn'] as const) {
    const value = form[field].trim();
    if (value !== '' && !isIsoDate(value)) problems[field] = 'revise.dateFormat';
  }
  const opened = form.openedOn.trim();
  if (!problems.openedOn && closedOn !== null && opened !== '' && opened > closedOn) {
    problems.openedOn = 'fileForm.openedAfterClosed';
  }
  return problems;
}

/** Characters as the core counts them (Unicode scalar values, not UTF-16 units). */
function charCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A high surrogate starts a character whose low half is not counted again.
    if (unit < 0xdc00 || unit > 0xdfff) count += 1;
  }
  return count;
}

/** The first field with a problem, in the form's order (for focus). */
export function firstProblem(problems: FileFormProblems): FileFormField | null {
  const order: FileFormField[] = ['reference', 'class', 'title', 'openedOn', 'contractEndedOn', 'lastActivityOn'];
  return order.find((field) => problems[field] !== undefined) ?? null;
}
