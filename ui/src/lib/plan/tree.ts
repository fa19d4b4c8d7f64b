// The plan as a tree: building it from `list_classes` (tree order), the title shown for each
// class, search (ancestors of a match stay visible), the rows a tree widget shows, and the
// WAI-ARIA tree pattern's keyboard moves. Pure functions; the components hold the state.
import type { Language, PlanClass, RetentionRule } from '../types';
import { fold, matchesAll, queryTerms } from './text';

/** Where a class's shown title comes from. */
export type TitleSource = 'own' | 'other' | 'rule' | 'none';

export interface ClassTitle {
  text: string;
  /** The language the text is in (for the `lang` attribute), when known. */
  lang: Language | null;
  source: TitleSource;
}

/** The series title of the first rule that applies to the class, if any. */
export function seriesTitleOf(
  cls: PlanClass,
  rules: Readonly<Record<string, RetentionRule | undefined>>,
): string {
  for (const number of cls.rules) {
    const title = rules[number]?.versions.at(-1)?.content.seriesTitle.trim();
    if (title) return title;
  }
  return '';
}

/**
 * The title to show in `lang`: the class's own, else the other language's, else the series
 * title of its rule (the BAnQ schedule names its classes only through its rules).
 */
export function classTitle(cls: PlanClass, lang: Language, seriesTitle = ''): ClassTitle {
  const fr = cls.titleFr.trim();
  const en = cls.titleEn.trim();
  const own = lang === 'fr' ? fr : en;
  const other = lang === 'fr' ? en : fr;
  if (own) return { text: own, lang, source: 'own' };
  if (other) return { text: other, lang: lang === 'fr' ? 'en' : 'fr', source: 'other' };
  if (seriesTitle.trim()) return { text: seriesTitle.trim(), lang: null, source: 'rule' };
  return { text: '', lang: null, source: 'none' };
}

export interface TreeNode {
  cls: PlanClass;
  title: ClassTitle;
  /** Codes of the children, in plan order. */
  children: string[];
  /** The parent's code, `null` at the top (or when the parent is not in the list). */
  parent: string | null;
  /** Everything a search looks in, folded: code, both titles, the rule's series title. */
  haystack: string;
}

export interface PlanTree {
  nodes: ReadonlyMap<string, TreeNode>;
  roots: readonly string[];
  /** Every code, in plan order. */
  order: readonly string[];
}

/** Builds the tree from the classes in tree order (a child after its parent). */
export function buildTree(
  classes: readonly PlanClass[],
  lang: Language,
  seriesTitle: (cls: PlanClass) => string = () => '',
): PlanTree {
  const nodes = new Map<string, TreeNode>();
  for (const cls of classes) {
    const series = seriesTitle(cls);
    nodes.set(cls.code, {
      cls,
      title: classTitle(cls, lang, series),
      children: [],
      parent: null,
      haystack: fold([cls.code, cls.titleFr, cls.titleEn, series].join(' ')),
    });
  }
  const roots: string[] = [];
  for (const cls of classes) {
    const node = nodes.get(cls.code);
    if (!node) continue;
    const parent = cls.parent === null ? undefined : nodes.get(cls.parent);
    if (parent && cls.parent !== null && cls.parent !== cls.code) {
      node.parent = cls.parent;
      parent.children.push(cls.code);
    } else {
      roots.push(cls.code);
    }
  }
  return { nodes, roots, order: classes.map((c) => c.code) };
}

/** The codes of the ancestors of `code`, nearest first. */
export function ancestors(tree: PlanTree, code: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([code]);
  let parent = tree.nodes.get(code)?.parent ?? null;
  while (parent !== null && !seen.has(parent)) {
    out.push(parent);
    seen.add(parent);
    parent = tree.nodes.get(parent)?.parent ?? null;
  }
  return out;
}

/** The codes of every descendant of `code`. */
export function descendants(tree: PlanTree, code: string): Set<string> {
  const out = new Set<string>();
  const stack = [...(tree.nodes.get(code)?.children ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || out.has(next)) continue;
    out.add(next);
    stack.push(...(tree.nodes.get(next)?.children ?? []));
  }
  return out;
}

/** A search's outcome: the classes that match, and those shown (matches and their ancestors). */
export interface TreeFilter {
  terms: string[];
  matches: Set<string>;
  shown: Set<string>;
}

/**
 * Filters the tree on a query: a class matches when every word of the query occurs in its code
 * or in one of its titles, without regard to case or accents. `null` for a blank query.
 */
export function filterTree(tree: PlanTree, query: string): TreeFilter | null {
  const terms = queryTerms(query);
  if (terms.length === 0) return null;
  const matches = new Set<string>();
  const shown = new Set<string>();
  for (const code of tree.order) {
    const node = tree.nodes.get(code);
    if (!node || !matchesAll(node.haystack, terms)) continue;
    matches.add(code);
    shown.add(code);
    for (const up of ancestors(tree, code)) shown.add(up);
  }
  return { terms, matches, shown };
}

/** One line of the tree widget. */
export interface TreeRow {
  code: string;
  /** 1 at the top (`aria-level`). */
  level: number;
  hasChildren: boolean;
  expanded: boolean;
  /** Position among its shown siblings, from 1 (`aria-posinset`), and their number (`aria-setsize`). */
  posinset: number;
  setsize: number;
  parent: string | null;
  /** `false` for an ancestor shown only because a descendant matches. */
  match: boolean;
}

/**
 * The rows shown, in order: the top classes, and the children of every expanded class. With a
 * filter, only the classes it shows; a class is then expandable when it has shown children.
 */
export function visibleRows(
  tree: PlanTree,
  expanded: ReadonlySet<string>,
  filter: TreeFilter | null = null,
): TreeRow[] {
  const rows: TreeRow[] = [];
  const keep = (code: string): boolean => filter === null || filter.shown.has(code);
  const walk = (codes: readonly string[], level: number, parent: string | null): void => {
    const siblings = codes.filter(keep);
    siblings.forEach((code, index) => {
      const node = tree.nodes.get(code);
      if (!node) return;
      const children = node.children.filter(keep);
      const open = children.length > 0 && expanded.has(code);
      rows.push({
        code,
        level,
        hasChildren: children.length > 0,
        expanded: open,
        posinset: index + 1,
        setsize: siblings.length,
        parent,
        match: filter === null || filter.matches.has(code),
      });
      if (open) walk(children, level + 1, code);
    });
  };
  walk(tree.roots, 1, null);
  return rows;
}

/** What a key does in the tree (WAI-ARIA tree view pattern). */
export type TreeMove =
  | { kind: 'focus'; code: string }
  | { kind: 'expand'; code: string }
  | { kind: 'collapse'; code: string };

/**
 * The move `key` asks for from the row `current` (its code; the first row when it is not
 * shown): Up/Down to the previous/next row, Home/End to the first/last, Right opens a closed
 * class or goes to the first child of an open one, Left closes an open class or goes to the
 * parent. `null` for a key the tree does not handle, or one that leads nowhere.
 */
export function treeMove(rows: readonly TreeRow[], current: string | null, key: string): TreeMove | null {
  if (rows.length === 0) return null;
  const found = rows.findIndex((row) => row.code === current);
  const index = found === -1 ? 0 : found;
  const row = rows[index];
  if (!row) return null;
  const focus = (at: number): TreeMove | null => {
    const target = rows[at];
    return target ? { kind: 'focus', code: target.code } : null;
  };
  switch (key) {
    case 'ArrowDown':
      return found === -1 ? focus(0) : focus(Math.min(index + 1, rows.length - 1));
    case 'ArrowUp':
      return found === -1 ? focus(0) : focus(Math.max(index - 1, 0));
    case 'Home':
      return focus(0);
    case 'End':
      return focus(rows.length - 1);
    case 'ArrowRight':
      if (!row.hasChildren) return null;
      return row.expanded ? focus(index + 1) : { kind: 'expand', code: row.code };
    case 'ArrowLeft':
      if (row.hasChildren && row.expanded) return { kind: 'collapse', code: row.code };
      return row.parent === null ? null : { kind: 'focus', code: row.parent };
    default:
      return null;
  }
}

/**
 * Type-ahead: the first row after `current` (wrapping round) whose code or title starts with
 * what was typed, without regard to case or accents. `null` when none does.
 */
export function typeAhead(
  tree: PlanTree,
  rows: readonly TreeRow[],
  current: string | null,
  typed: string,
): string | null {
  const wanted = fold(typed);
  if (wanted === '' || rows.length === 0) return null;
  const start = rows.findIndex((row) => row.code === current);
  // A repeated single letter moves on; a longer prefix may stay on the current row.
  const base = start === -1 ? 0 : start + (wanted.length > 1 ? 0 : 1);
  for (let step = 0; step < rows.length; step += 1) {
    const row = rows[(base + step) % rows.length];
    if (!row) continue;
    const node = tree.nodes.get(row.code);
    if (!node) continue;
    if (fold(row.code).startsWith(wanted) || fold(node.title.text).startsWith(wanted)) return row.code;
  }
  return null;
}

/** `expanded` with `code` opened or closed. */
export function toggled(expanded: ReadonlySet<string>, code: string, open: boolean): Set<string> {
  const next = new Set(expanded);
  if (open) next.add(code);
  else next.delete(code);
  return next;
}

/** The classes whose ancestors must be open for `code` to be seen. */
export function expandedToShow(tree: PlanTree, expanded: ReadonlySet<string>, code: string): Set<string> {
  const next = new Set(expanded);
  for (const up of ancestors(tree, code)) next.add(up);
  return next;
}
