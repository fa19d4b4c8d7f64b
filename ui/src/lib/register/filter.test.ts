import { describe, expect, it } from 'vitest';
import type { FacetCount, FileFilter } from '../types';
import {
  activeChips,
  EMPTY_FILTER,
  filterKey,
  groupFacets,
  isEmptyFilter,
  isSelected,
  sameFilter,
  toggleFacet,
  withFacet,
  withoutField,
} from './filter';

const filter = (partial: Partial<FileFilter> = {}): FileFilter => ({ ...EMPTY_FILTER, ...partial });

describe('facets and the filter', () => {
  // [facet, value, the field it sets and the value it holds]
  it.each<[FacetCount['facet'], string, Partial<FileFilter>]>([
    ['class_code', '100-20-10', { class: '100-20-10' }],
    ['project', 'mandat-7', { project: 'mandat-7' }],
    ['project', 'none', { project: 'none' }],
    ['status', 'semi_active', { status: 'semi_active' }],
    ['sensitivity', 'personal', { sensitivity: 'personal' }],
    ['due', '2031', { due: '2031' }],
    ['due', 'pending', { due: 'pending' }],
  ])('%s = %s sets the filter', (facet, value, expected) => {
    expect(withFacet(filter({ query: 'quebec' }), facet, value)).toEqual(filter({ query: 'quebec', ...expected }));
  });

  it('refuses a status or a level it does not know, and an empty value', () => {
    const before = filter();
    expect(withFacet(before, 'status', 'archived')).toBe(before);
    expect(withFacet(before, 'sensitivity', 'secret')).toBe(before);
    expect(withFacet(before, 'class_code', ' ')).toBe(before);
  });

  it('toggles: a second click on the value chosen clears its field', () => {
    const once = toggleFacet(filter(), 'class_code', '100-20');
    expect(once.class).toBe('100-20');
    expect(toggleFacet(once, 'class_code', '100-20').class).toBeNull();
    // Another value replaces it.
    expect(toggleFacet(once, 'class_code', '300').class).toBe('300');
  });

  it('compares codes without regard to case (the index keeps them in lower case)', () => {
    expect(isSelected(filter({ class: 'A120' }), 'class_code', 'a120')).toBe(true);
    expect(isSelected(filter({ class: 'A120' }), 'class_code', 'a12')).toBe(false);
    expect(isSelected(filter(), 'class_code', 'a120')).toBe(false);
  });

  it('clears one field and keeps the others', () => {
    const both = filter({ query: 'neige', class: '100', status: 'active' });
    expect(withoutField(both, 'class')).toEqual(filter({ query: 'neige', status: 'active' }));
  });
});

describe('groupFacets', () => {
  const counts: FacetCount[] = [
    { facet: 'class_code', value: '100-20-10', count: 12 },
    { facet: 'class_code', value: '300-20-05', count: 40 },
    { facet: 'due', value: 'pending', count: 7 },
    { facet: 'due', value: '2031', count: 2 },
    { facet: 'due', value: '2027', count: 5 },
    { facet: 'status', value: 'inactive', count: 1 },
    { facet: 'status', value: 'active', count: 9 },
    { facet: 'status', value: 'semi_active', count: 30 },
    { facet: 'sensitivity', value: 'personal', count: 3 },
    { facet: 'sensitivity', value: 'internal', count: 50 },
  ];

  it('orders the groups as the panel shows them, each for reading', () => {
    const groups = groupFacets(counts, filter());
    expect(groups.map((g) => g.facet)).toEqual(['class_code', 'status', 'sensitivity', 'due']);
    const values = (facet: string): string[] => groups.find((g) => g.facet === facet)?.values.map((v) => v.value) ?? [];
    expect(values('class_code'), 'classes by count').toEqual(['300-20-05', '100-20-10']);
    expect(values('status'), 'statuses in the order of a file’s life').toEqual(['active', 'semi_active', 'inactive']);
    expect(values('sensitivity'), 'levels from the least sensitive').toEqual(['internal', 'personal']);
    expect(values('due'), 'years in order, no date last').toEqual(['2027', '2031', 'pending']);
  });

  it('marks the value the filter holds, and keeps it with 0 when no hit has it any more', () => {
    const groups = groupFacets(counts, filter({ status: 'active', project: 'mandat-7' }));
    expect(groups.find((g) => g.facet === 'status')?.values.filter((v) => v.selected)).toEqual([
      { value: 'active', count: 9, selected: true },
    ]);
    expect(groups.find((g) => g.facet === 'project')?.values).toEqual([{ value: 'mandat-7', count: 0, selected: true }]);
  });
});

describe('chips and keys', () => {
  it('lists the fields in force in panel order', () => {
    expect(activeChips(filter({ due: '2031', class: '100', query: 'x' }))).toEqual([
      { field: 'class', value: '100' },
      { field: 'due', value: '2031' },
    ]);
    expect(activeChips(filter())).toEqual([]);
  });

  it('calls a filter empty when it selects every file', () => {
    expect(isEmptyFilter(filter({ query: '   ' }))).toBe(true);
    expect(isEmptyFilter(filter({ query: 'quebec' }))).toBe(false);
    expect(isEmptyFilter(filter({ due: 'pending' }))).toBe(false);
  });

  it('gives the same key to filters that select the same files', () => {
    expect(sameFilter(filter({ query: ' quebec ' }), filter({ query: 'quebec' }))).toBe(true);
    expect(sameFilter(filter({ query: 'quebec' }), filter({ query: 'quebec', class: '100' }))).toBe(false);
    expect(filterKey(filter({ status: 'active' }))).not.toBe(filterKey(filter({ sensitivity: 'public' })));
  });
});
