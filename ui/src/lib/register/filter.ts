// The register's filter and its facets: which field of the `FileFilter` each facet sets, the
// facet counts grouped and ordered for the side panel, the chips of the fields in force, and the
// order of the rows that a click on a column's header chooses.
import type { FacetCount, FacetName, FileFilter, FileSort, FileStatus, Sensitivity, SortBy } from '../types';
import { SENSITIVITIES } from '../plan/format';

/** The fields of a filter that a facet sets (all but the query and the order). */
export type FilterField = Exclude<keyof FileFilter, 'query' | 'sort'>;

export const EMPTY_FILTER: Readonly<FileFilter> = Object.freeze({
  query: '',
  class: null,
  project: null,
  status: null,
  sensitivity: null,
  due: null,
  sort: null,
});

/** The facets in the order the panel shows them. */
export const FACETS: readonly FacetName[] = ['class_code', 'project', 'status', 'sensitivity', 'due'];

export const FACET_FIELD: Readonly<Record<FacetName, FilterField>> = {
  class_code: 'class',
  project: 'project',
  status: 'status',
  sensitivity: 'sensitivity',
  due: 'due',
};

/** A file's life, in order. */
export const FILE_STATUSES: readonly FileStatus[] = [
  'active',
  'semi_active',
  'inactive',
  'on_hold',
  'transferred',
  'destroyed',
];

/** The facet value of a file without a project. */
export const NO_PROJECT = 'none';
/** The facet value of a file without a final disposition date. */
export const DUE_PENDING = 'pending';

export function isFileStatus(value: string): value is FileStatus {
  return (FILE_STATUSES as readonly string[]).includes(value);
}

export function isSensitivity(value: string): value is Sensitivity {
  return (SENSITIVITIES as readonly string[]).includes(value);
}

/**
 * The filter with `facet` set to `value`; unchanged when the value cannot be that field's (a
 * status or level the UI does not know).
 */
export function withFacet(filter: FileFilter, facet: FacetName, value: string): FileFilter {
  const field = FACET_FIELD[facet];
  switch (field) {
    case 'status':
      return isFileStatus(value) ? { ...filter, status: value } : filter;
    case 'sensitivity':
      return isSensitivity(value) ? { ...filter, sensitivity: value } : filter;
    default:
      return value.trim() === '' ? filter : { ...filter, [field]: value };
  }
}

/** The filter without `field`. */
export function withoutField(filter: FileFilter, field: FilterField): FileFilter {
  return { ...filter, [field]: null };
}

/** Whether a facet's value is the one the filter holds (codes compare without regard to case). */
export function isSelected(filter: FileFilter, facet: FacetName, value: string): boolean {
  const held = filter[FACET_FIELD[facet]];
  return held !== null && held.toLowerCase() === value.toLowerCase();
}

/** A click on a facet value: selects it, or clears the field when it was the one selected. */
export function toggleFacet(filter: FileFilter, facet: FacetName, value: string): FileFilter {
  return isSelected(filter, facet, value) ? withoutField(filter, FACET_FIELD[facet]) : withFacet(filter, facet, value);
}

export interface FacetValue {
  value: string;
  count: number;
  selected: boolean;
}

export interface FacetGroup {
  facet: FacetName;
  field: FilterField;
  values: FacetValue[];
}

/**
 * The counts grouped by facet, in panel order, each group ordered for reading: statuses in the
 * order of a file's life, levels from the least sensitive, years in order (pending last), classes
 * and projects by count (the core's order). A value the filter holds but the counts lack (no hit
 * has it any more) is kept with 0, so that it can still be cleared where it was chosen.
 */
export function groupFacets(counts: readonly FacetCount[], filter: FileFilter): FacetGroup[] {
  return FACETS.map((facet) => {
    const values: FacetValue[] = counts
      .filter((c) => c.facet === facet)
      .map((c) => ({ value: c.value, count: c.count, selected: isSelected(filter, facet, c.value) }));
    const held = filter[FACET_FIELD[facet]];
    if (held !== null && !values.some((v) => v.selected)) values.push({ value: held, count: 0, selected: true });
    values.sort(facetOrder(facet));
    return { facet, field: FACET_FIELD[facet], values };
  }).filter((group) => group.values.length > 0);
}

function facetOrder(facet: FacetName): (a: FacetValue, b: FacetValue) => number {
  const byCount = (a: FacetValue, b: FacetValue): number => b.count - a.count || a.value.localeCompare(b.value);
  const byList =
    (list: readonly string[]) =>
    (a: FacetValue, b: FacetValue): number =>
      rank(list, a.value) - rank(list, b.value) || a.value.localeCompare(b.value);
  switch (facet) {
    case 'status':
      return byList(FILE_STATUSES);
    case 'sensitivity':
      return byList(SENSITIVITIES);
    case 'due':
      return (a, b) =>
        Number(a.value === DUE_PENDING) - Number(b.value === DUE_PENDING) || a.value.localeCompare(b.value);
    default:
      return byCount;
  }
}

function rank(list: readonly string[], value: string): number {
  const index = list.indexOf(value);
  return index === -1 ? list.length : index;
}

export interface FilterChip {
  field: FilterField;
  value: string;
}

/** The facet fields in force, in panel order, for the chips that clear them. */
export function activeChips(filter: FileFilter): FilterChip[] {
  return FACETS.map((facet) => FACET_FIELD[facet]).flatMap((field) => {
    const value = filter[field];
    return value === null ? [] : [{ field, value }];
  });
}

/** `true` when the filter selects every file (in whatever order). */
export function isEmptyFilter(filter: FileFilter): boolean {
  return filter.query.trim() === '' && activeChips(filter).length === 0;
}

/**
 * The filter that selects every file, in the order `filter` has: clearing the words and the
 * facets is not asking for another order.
 */
export function clearedFilter(filter: FileFilter): FileFilter {
  return { ...EMPTY_FILTER, sort: filter.sort };
}

/**
 * The order after a click on the header of column `by`: another column sorts by it, ascending;
 * the sorted column turns descending, then back to relevance (`null`).
 */
export function nextSort(current: FileSort | null, by: SortBy): FileSort | null {
  if (current?.by !== by) return { by, descending: false };
  return current.descending ? null : { by, descending: true };
}

/** How column `by` is sorted, in the words of `aria-sort`. */
export function ariaSort(sort: FileSort | null, by: SortBy): 'ascending' | 'descending' | 'none' {
  if (sort?.by !== by) return 'none';
  return sort.descending ? 'descending' : 'ascending';
}

/** The filter as the core should get it: the query trimmed. */
export function normalised(filter: FileFilter): FileFilter {
  return { ...filter, query: filter.query.trim() };
}

/** Two filters that show the same rows in the same order (the query compared trimmed). */
export function sameFilter(a: FileFilter, b: FileFilter): boolean {
  return filterKey(a) === filterKey(b);
}

/** A key for caches: equal for filters that show the same rows in the same order. */
export function filterKey(filter: FileFilter): string {
  const sort = filter.sort === null ? null : [filter.sort.by, filter.sort.descending];
  return JSON.stringify([selectionKey(filter), sort]);
}

/**
 * A key equal for filters that select the same files, whatever their order: the facet counts
 * are the same for both.
 */
export function selectionKey(filter: FileFilter): string {
  const n = normalised(filter);
  return JSON.stringify([n.query, n.class, n.project, n.status, n.sensitivity, n.due]);
}
