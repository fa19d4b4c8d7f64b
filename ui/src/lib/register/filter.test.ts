import { describe, expect, it } from 'vitest';
import type { FacetCount, FileFilter, FileSort, SortBy } from '../types';
import {
  activeChips,
  ariaSort,
  clearedFilter,
  EMPTY_FILTER,
  filterKey,
  groupFacets,
  isEmptyFilter,
  isSelected,
  nextSort,
  sameFilter,
  selectionKey,
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

  it('keeps the order when a facet is picked or cleared', () => {
    const sort: FileSort = { by: 'final', descending: true };
    expect(toggleFacet(filter({ sort }), 'status', 'active').sort).toEqual(sort);
    expect(withoutField(filter({ class: '100', sort }), 'class').sort).toEqual(sort);
  });
});

describe('sorting by a column', () => {
  const asc = (by: SortBy): FileSort => ({ by, descending: false });
  const desc = (by: SortBy): FileSort => ({ by, descending: true });

  // [the order in force, the column clicked, the order after the click]
  it.each<[FileSort | null, SortBy, FileSort | null]>([
    [null, 'title', asc('title')],
    [asc('title'), 'title', desc('title')],
    [desc('title'), 'title', null],
    [asc('title'), 'final', asc('final')],
    [desc('title'), 'status', asc('status')],
  ])('from %j a click on %s gives %j', (current, by, expected) => {
    expect(nextSort(current, by)).toEqual(expected);
  });

  it('comes back to relevance after three clicks on the same column', () => {
    let sort: FileSort | null = null;
    const seen: (FileSort | null)[] = [];
    for (let click = 0; click < 3; click += 1) {
      sort = nextSort(sort, 'reference');
      seen.push(sort);
    }
    expect(seen).toEqual([asc('reference'), desc('reference'), null]);
  });

  it('tells each header how its column is sorted', () => {
    expect(ariaSort(asc('class'), 'class')).toBe('ascending');
    expect(ariaSort(desc('class'), 'class')).toBe('descending');
    expect(ariaSort(desc('class'), 'title'), 'another column than the sorted one').toBe('none');
    expect(ariaSort(null, 'class')).toBe('none');
  });

  it('keeps the order when the words and the facets are cleared, and nothing else', () => {
    const sorted = filter({ query: 'neige', class: '100', due: 'pending', sort: desc('sensitivity') });
    expect(clearedFilter(sorted)).toEqual(filter({ sort: desc('sensitivity') }));
    expect(clearedFilter(filter({ query: 'neige' }))).toEqual(EMPTY_FILTER);
  });

  it('does not count the order as a filter field: no chip, an empty filter stays empty', () => {
    const sorted = filter({ sort: asc('title') });
    expect(activeChips(sorted)).toEqual([]);
    expect(isEmptyFilter(sorted)).toBe(true);
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

  it('tells filters apart by their order, but not the files they select', () => {
    const title = filter({ query: 'quebec', sort: { by: 'title', descending: false } });
    const titleDown = filter({ query: 'quebec ', sort: { by: 'title', descending: true } });
    const relevance = filter({ query: 'quebec' });
    expect(sameFilter(title, titleDown), 'the other direction').toBe(false);
    expect(sameFilter(title, relevance), 'a sort against none').toBe(false);
    expect(sameFilter(title, filter({ query: 'quebec', sort: { by: 'class', descending: false } })), 'another column').toBe(false);
    expect(sameFilter(title, { ...title, sort: { by: 'title', descending: false } }), 'an equal sort, another object').toBe(true);
    expect(selectionKey(title)).toBe(selectionKey(titleDown));
    expect(selectionKey(title)).toBe(selectionKey(relevance));
    expect(selectionKey(title)).not.toBe(selectionKey(filter({ query: 'montreal', sort: title.sort })));
  });
});
