// The "Add class" and "Edit class" form: its draft, its checks (the core's code rules, for
// comfort), and the classes that can be a class's parent.
import type { ClassDraft, PlanClass } from '../types';
import type { Problem } from '../validation';
import { descendants, type PlanTree } from './tree';

export type ClassField = 'code' | 'parent' | 'titleFr';

const SEPARATORS = /[-.]/;

/** A code in groups joined by - or . (`100-20`), as opposed to a positional one (`A120`). */
export function isSeparated(code: string): boolean {
  return SEPARATORS.test(code);
}

/** The core's `ClassCode::parse`: 1 to 32 ASCII letters and digits, in groups joined by - or . */
export function isClassCode(text: string): boolean {
  const code = text.trim();
  return (
    code.length > 0 &&
    code.length <= 32 &&
    /^[A-Za-z0-9.-]+$/.test(code) &&
    code.split(SEPARATORS).every((group) => group !== '')
  );
}

/** A positional code without the zeros that pad it (at least one character): `A120` → `A12`. */
export function significant(code: string): string {
  const trimmed = code.replace(/0+$/, '');
  return trimmed === '' ? code.slice(0, 1) : trimmed;
}

/**
 * The core's `ClassCode::continues`: separated codes extend their parent's (`100` > `100-20`),
 * positional codes extend it once the padding zeros are dropped (`A100` > `A120` > `A123`).
 */
export function continuesCode(child: string, parent: string): boolean {
  const c = child.trim().toUpperCase();
  const p = parent.trim().toUpperCase();
  if (c.length > p.length && c.startsWith(p) && SEPARATORS.test(c.charAt(p.length))) return true;
  if (SEPARATORS.test(c) || SEPARATORS.test(p)) return false;
  const [sc, sp] = [significant(c), significant(p)];
  return sc.length > sp.length && sc.startsWith(sp);
}

export function emptyDraft(parent: string | null = null): ClassDraft {
  return { code: '', parent, titleFr: '', titleEn: '', scopeNoteFr: '', scopeNoteEn: '', examples: '' };
}

export function draftOf(cls: PlanClass): ClassDraft {
  return {
    code: cls.code,
    parent: cls.parent,
    titleFr: cls.titleFr,
    titleEn: cls.titleEn,
    scopeNoteFr: cls.scopeNoteFr,
    scopeNoteEn: cls.scopeNoteEn,
    examples: cls.examples,
  };
}

/** The draft as sent: texts without white space at either end, no parent as `null`. */
export function cleanDraft(draft: ClassDraft): ClassDraft {
  return {
    code: draft.code.trim(),
    parent: draft.parent === null || draft.parent.trim() === '' ? null : draft.parent.trim(),
    titleFr: draft.titleFr.trim(),
    titleEn: draft.titleEn.trim(),
    scopeNoteFr: draft.scopeNoteFr.trim(),
    scopeNoteEn: draft.scopeNoteEn.trim(),
    examples: draft.examples
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .join('\n'),
  };
}

/** The form's problems: a valid code that continues its parent's, free, and a French title. */
export function checkClassDraft(
  draft: ClassDraft,
  taken: (code: string) => boolean,
): Partial<Record<ClassField, Problem>> {
  const clean = cleanDraft(draft);
  const problems: Partial<Record<ClassField, Problem>> = {};
  if (clean.code === '') problems.code = { key: 'validation.required' };
  else if (!isClassCode(clean.code)) problems.code = { key: 'classForm.codeFormat' };
  else if (taken(clean.code)) problems.code = { key: 'classForm.codeTaken', params: { code: clean.code } };
  else if (clean.parent !== null && !continuesCode(clean.code, clean.parent)) {
    problems.code = { key: 'classForm.codeParent', params: { parent: clean.parent } };
  }
  if (clean.titleFr === '') problems.titleFr = { key: 'validation.required' };
  return problems;
}

/**
 * The classes that can be the parent of `editing` (every class when adding): not the class
 * itself, nor one of its descendants, nor a retired class (unless it is the current parent).
 */
export function parentChoices(tree: PlanTree, editing: string | null, currentParent: string | null): string[] {
  const excluded = editing === null ? new Set<string>() : descendants(tree, editing);
  if (editing !== null) excluded.add(editing);
  return tree.order.filter((code) => {
    if (excluded.has(code)) return false;
    const node = tree.nodes.get(code);
    return node !== undefined && (node.cls.active || code === currentParent);
  });
}
