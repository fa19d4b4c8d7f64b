// Moving a class with its whole branch (`move_class`): where it may go, the code proposed under
// the new parent, and every code the move changes (old → new), with the refusals the plan in
// hand already shows: into its own branch, under a retired class, a code taken, nothing
// changed. Pure functions over the tree; the core checks again and moves for real.
import type { CodeChange } from '../types';
import type { Problem } from '../validation';
import { continuesCode, isClassCode, isSeparated, parentChoices, significant } from './classForm';
import { descendants, type PlanTree } from './tree';

export type MoveField = 'parent' | 'code';

/** What a move would do: the codes it changes, or why it would be refused. */
export interface MovePlan {
  /** Every code that changes: the class moved first, then its branch in plan order. */
  renames: CodeChange[];
  /** Empty when the move can be sent, as far as the plan in hand tells. */
  problems: Partial<Record<MoveField, Problem>>;
}

/** The classes `code` may go under: active ones outside its branch (its current parent stays). */
export function moveTargets(tree: PlanTree, code: string): string[] {
  return parentChoices(tree, code, tree.nodes.get(code)?.cls.parent ?? null);
}

/** The tree a class picker offers for the new parent: the same nodes, only `moveTargets` listed. */
export function targetTree(tree: PlanTree, code: string): PlanTree {
  return { nodes: tree.nodes, roots: tree.roots, order: moveTargets(tree, code) };
}

/**
 * `code` once the class `from` becomes `to`, as the core renumbers a branch: the old code at
 * its start replaced by the new one (`100-20-05` → `200-40-05` when `100-20` becomes `200-40`).
 * Positional codes share only their significant part (`A120` > `A123` share `A12`): that part
 * is what is replaced then (`A123` → `B143` when `A120` becomes `B140`). `null` when `code`
 * starts with neither.
 */
export function renamedCode(code: string, from: string, to: string): string | null {
  const upper = code.toUpperCase();
  const rest = upper.startsWith(from.toUpperCase()) ? code.slice(from.length) : null;
  if (rest !== null && isSeparated(rest.charAt(0))) return to + rest;
  if (!isSeparated(code) && !isSeparated(from) && !isSeparated(to)) {
    const head = significant(from.toUpperCase());
    if (upper.startsWith(head)) return significant(to) + code.slice(head.length);
  }
  return rest === null ? null : to + rest;
}

/**
 * What moving `code` under `parent` (`null`: the top of the plan) as `newCode` does: the codes
 * it changes, or the refusal the plan already shows. The parent must be a class outside the
 * branch, active (unless it is the current one); the code must be valid, continue the parent's
 * and, like every code of the branch once renamed, belong to no other class.
 */
export function planMove(tree: PlanTree, code: string, parent: string | null, newCode: string): MovePlan {
  const node = tree.nodes.get(code);
  if (!node) return refused('code', { key: 'moveForm.unknownClass', params: { code } });
  const branch = descendants(tree, code);
  const to = newCode.trim();
  const problems: Partial<Record<MoveField, Problem>> = {};
  const target = parent === null ? null : findCode(tree, parent);
  if (parent !== null) {
    if (target === null) problems.parent = { key: 'moveForm.unknownParent', params: { parent } };
    else if (target === code || branch.has(target)) {
      problems.parent = { key: 'moveForm.ownBranch', params: { parent: target, code } };
    } else if (tree.nodes.get(target)?.cls.active === false && target !== node.cls.parent) {
      problems.parent = { key: 'moveForm.parentRetired', params: { parent: target } };
    }
  }
  if (to === '') problems.code = { key: 'validation.required' };
  else if (!isClassCode(to)) problems.code = { key: 'classForm.codeFormat' };
  else if (target !== null && problems.parent === undefined && !continuesCode(to, target)) {
    problems.code = { key: 'classForm.codeParent', params: { parent: target } };
  } else if (to === code && target === node.cls.parent) problems.code = { key: 'moveForm.unchanged' };
  if (Object.keys(problems).length > 0) return { renames: [], problems };

  const renames: CodeChange[] = [{ from: code, to }];
  const renamedTo = new Map<string, string>([[code, to]]);
  for (const child of tree.order) {
    if (!branch.has(child)) continue;
    const renamed = renamedCode(child, code, to);
    if (renamed === null) return refused('code', { key: 'moveForm.childStranded', params: { child, code } });
    if (!isClassCode(renamed)) return refused('code', { key: 'moveForm.childFormat', params: { child, renamed } });
    const up = tree.nodes.get(child)?.parent;
    const upRenamed = up === undefined || up === null ? undefined : renamedTo.get(up);
    if (upRenamed !== undefined && !continuesCode(renamed, upRenamed)) {
      return refused('code', { key: 'moveForm.childInconsistent', params: { child, renamed, parent: upRenamed } });
    }
    renamedTo.set(child, renamed);
    renames.push({ from: child, to: renamed });
  }
  // Codes of the branch are freed as it moves; any other class keeps its own.
  const others = new Set(
    tree.order.filter((c) => c !== code && !branch.has(c)).map((c) => c.toUpperCase()),
  );
  for (const rename of renames) {
    if (!others.has(rename.to.toUpperCase())) continue;
    return refused(
      'code',
      rename.from === code
        ? { key: 'classForm.codeTaken', params: { code: rename.to } }
        : { key: 'moveForm.childTaken', params: { child: rename.from, renamed: rename.to } },
    );
  }
  return { renames: renames.filter((r) => r.from !== r.to), problems: {} };
}

/**
 * The code proposed for `code` under `parent` (`null`: the top of the plan), one the move
 * accepts: at its current place, its own code; else its own code where it already sits right
 * under the new parent (`A120` under `A100`); else the parent's code and its own last group
 * (`100-20` under `200` → `200-20`); else the next after its new siblings (`200-10`, `200-20`,
 * `200-30` → `200-40`; `A110`, `A120` → `A130`; at the top `100` … `600` → `700`). '' when
 * nothing fits.
 */
export function suggestCode(tree: PlanTree, code: string, parent: string | null): string {
  const node = tree.nodes.get(code);
  if (!node) return '';
  if (parent === node.cls.parent) return code;
  const siblings = (parent === null ? tree.roots : (tree.nodes.get(parent)?.children ?? [])).filter((c) => c !== code);
  const candidates: string[] = [];
  if (parent === null) {
    candidates.push(...following(siblings, null), code);
  } else {
    if (rightUnder(code, parent)) candidates.push(code);
    const tail = lastGroup(code);
    if (tail !== null) candidates.push(parent + tail);
    candidates.push(...following(siblings, parent), ...fallback(code, parent));
  }
  return candidates.find((candidate) => Object.keys(planMove(tree, code, parent, candidate).problems).length === 0) ?? '';
}

/** Gives each code its new one after a move (any other code unchanged). */
export function renamer(renames: readonly CodeChange[]): (code: string) => string {
  const map = new Map(renames.map((r) => [r.from.toUpperCase(), r.to]));
  return (code) => map.get(code.toUpperCase()) ?? code;
}

function refused(field: MoveField, problem: Problem): MovePlan {
  return { renames: [], problems: { [field]: problem } };
}

function findCode(tree: PlanTree, code: string): string | null {
  if (tree.nodes.has(code)) return code;
  const upper = code.trim().toUpperCase();
  return tree.order.find((c) => c.toUpperCase() === upper) ?? null;
}

/** `true` when `child` continues `parent` by one level: `100-20` under `100`, `A120` under `A100`. */
function rightUnder(child: string, parent: string): boolean {
  if (!continuesCode(child, parent)) return false;
  if (isSeparated(child)) {
    const rest = child.slice(parent.length + 1);
    return child.toUpperCase().startsWith(parent.toUpperCase()) && !isSeparated(rest);
  }
  return significant(child).length === significant(parent).length + 1;
}

/** The separator and last group of a separated code (`-05` of `100-20-05`), else `null`. */
function lastGroup(code: string): string | null {
  const at = Math.max(code.lastIndexOf('-'), code.lastIndexOf('.'));
  return at < 0 ? null : code.slice(at);
}

/** The codes that come after `siblings`, by the step they are numbered with. */
function following(siblings: readonly string[], parent: string | null): string[] {
  const parsed = siblings.map((s) => numbered(s, parent)).filter((p) => p !== null);
  const counts = new Map<string, number>();
  for (const p of parsed) counts.set(p.lead, (counts.get(p.lead) ?? 0) + 1);
  const lead = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (lead === undefined) return [];
  const mine = parsed.filter((p) => p.lead === lead);
  const width = Math.max(...mine.map((p) => p.digits.length));
  const values = mine.map((p) => Number(p.digits));
  const step = [100, 10, 5, 1].find((s) => values.every((v) => v % s === 0)) ?? 1;
  // Positional codes under a parent have a fixed width: A190 is not followed by A1100.
  const fixed = parent !== null && !isSeparated(lead);
  const out: string[] = [];
  let next = (Math.floor(Math.max(...values) / step) + 1) * step;
  for (let i = 0; i < 20; i += 1, next += step) {
    const digits = String(next).padStart(width, '0');
    if (fixed && digits.length > width) break;
    out.push(lead + digits);
  }
  return out;
}

/** A sibling as what it shares with the others (its lead) and its number. */
function numbered(sibling: string, parent: string | null): { lead: string; digits: string } | null {
  let lead: string;
  if (parent === null) {
    lead = /^(.*?)\d+$/.exec(sibling)?.[1] ?? sibling;
  } else if (isSeparated(sibling.charAt(parent.length)) && sibling.toUpperCase().startsWith(parent.toUpperCase())) {
    lead = sibling.slice(0, parent.length + 1);
  } else if (!isSeparated(sibling) && !isSeparated(parent)) {
    lead = sibling.slice(0, significant(parent).length);
    if (lead.toUpperCase() !== significant(parent.toUpperCase())) return null;
  } else {
    return null;
  }
  const digits = sibling.slice(lead.length);
  return /^\d+$/.test(digits) ? { lead, digits } : null;
}

/** Codes to try under a parent that has no numbered children. */
function fallback(code: string, parent: string): string[] {
  if (!isSeparated(code) && !isSeparated(parent)) {
    const head = significant(parent);
    const width = Math.max(parent.length, head.length + 1);
    return [1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `${head}${d}`.padEnd(width, '0'));
  }
  const separator = code.includes('.') && !code.includes('-') ? '.' : '-';
  return [10, 20, 30, 40, 50, 60, 70, 80, 90].map((n) => `${parent}${separator}${n}`);
}
