import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { api } from '../api';
import type { FileFilter, FileHit, FileSearchPage } from '../types';
import { EMPTY_FILTER } from './filter';
import { SEARCH_DELAY_MS, register } from './store.svelte';

const hit = (n: number): FileHit => ({
  row: {
    id: n,
    reference: `D-${n}`,
    class: '100',
    project: null,
    title: `Dossier ${n}`,
    openedOn: null,
    closedOn: null,
    status: 'active',
    sensitivity: 'internal',
    disposition: 'destroy',
    semiActiveUntil: null,
  },
  score: 1,
  snippet: null,
});

function page(total: number, offset: number, count: number): FileSearchPage {
  return {
    total,
    offset,
    hits: Array.from({ length: count }, (_, i) => hit(offset + i)),
    facets: [{ facet: 'status', value: 'active', count: total }],
  };
}

describe('the register store', () => {
  let search: MockInstance<typeof api.searchFiles>;

  beforeEach(() => {
    vi.useFakeTimers();
    register.reset();
    search = vi
      .spyOn(api, 'searchFiles')
      .mockImplementation((_filter: FileFilter, offset: number, limit: number) =>
        Promise.resolve({ ok: true, value: page(1_000_000, offset, limit) }),
      );
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the first page with the facets, then pages without them', async () => {
    await register.search();
    expect(search).toHaveBeenCalledExactlyOnceWith(EMPTY_FILTER, 0, 100, true);
    expect(register.total).toBe(1_000_000);
    expect(register.facets).toHaveLength(1);
    expect(register.hit(99)?.row.reference).toBe('D-99');
    register.ensure(450, 520);
    await vi.runAllTimersAsync();
    expect(search.mock.calls.slice(1).map((call) => [call[1], call[3]])).toEqual([
      [400, false],
      [500, false],
    ]);
    expect(register.hit(510)?.row.reference).toBe('D-510');
  });

  it('searches once typing pauses, with the last text typed', async () => {
    register.type('q');
    register.type('qu');
    register.type('quebec');
    await vi.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 10);
    expect(search).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(20);
    expect(search).toHaveBeenCalledOnce();
    expect(search.mock.calls[0]?.[0].query).toBe('quebec');
  });

  it('searches at once on Enter, and not again when the pause comes', async () => {
    register.type('neige');
    register.flush();
    await vi.runAllTimersAsync();
    expect(search).toHaveBeenCalledOnce();
  });

  it('keeps the facet fields when the query changes, and starts from the top', async () => {
    register.apply({ ...EMPTY_FILTER, class: '100-20' });
    await vi.runAllTimersAsync();
    register.selected = 40;
    register.type('directive');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ ...EMPTY_FILTER, class: '100-20', query: 'directive' });
    expect(register.selected).toBeNull();
  });

  it('does not search again for a filter that selects the same files', async () => {
    register.apply({ ...EMPTY_FILTER, query: 'quebec' });
    await vi.runAllTimersAsync();
    register.apply({ ...EMPTY_FILTER, query: 'quebec ' });
    await vi.runAllTimersAsync();
    expect(search).toHaveBeenCalledOnce();
  });

  it('shows only the newest filter’s answer', async () => {
    let slow: (value: { ok: true; value: FileSearchPage }) => void = () => undefined;
    search.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          slow = resolve;
        }),
    );
    register.apply({ ...EMPTY_FILTER, query: 'old' });
    register.apply({ ...EMPTY_FILTER, query: 'new' });
    await vi.runAllTimersAsync();
    slow({ ok: true, value: page(3, 0, 3) });
    await vi.runAllTimersAsync();
    expect(register.total).toBe(1_000_000);
  });

  it('sorts by a header clicked, from the top, through ascending, descending and relevance', async () => {
    register.apply({ ...EMPTY_FILTER, class: '100-20' });
    await vi.runAllTimersAsync();
    register.ensure(450, 520);
    await vi.runAllTimersAsync();
    register.selected = 480;
    search.mockClear();

    register.sortBy('title');
    await vi.runAllTimersAsync();
    expect(search).toHaveBeenCalledExactlyOnceWith(
      { ...EMPTY_FILTER, class: '100-20', sort: { by: 'title', descending: false } },
      0,
      100,
      false,
    );
    expect(register.selected, 'row 480 is another file in the new order').toBeNull();
    expect(register.hit(480), 'the rows of the former order are gone').toBeUndefined();

    register.sortBy('title');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.at(-1)?.[0].sort).toEqual({ by: 'title', descending: true });
    register.sortBy('title');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.at(-1)?.[0].sort).toBeNull();
    expect(search.mock.calls.map((call) => call[1])).toEqual([0, 0, 0]);
    expect(register.filter.class, 'the facet fields stay').toBe('100-20');
  });

  it('pages in the order in force', async () => {
    register.sortBy('final');
    await vi.runAllTimersAsync();
    register.ensure(450, 520);
    await vi.runAllTimersAsync();
    const pages = search.mock.calls.slice(1);
    expect(pages.map((call) => call[1])).toEqual([400, 500]);
    expect(pages.every((call) => call[0].sort?.by === 'final')).toBe(true);
  });

  it('keeps the facet counts when only the order changes, and counts again for other files', async () => {
    search.mockResolvedValueOnce({ ok: true, value: { ...page(50, 0, 50), facets: [{ facet: 'due', value: '2031', count: 50 }] } });
    register.apply({ ...EMPTY_FILTER, query: 'neige' });
    await vi.runAllTimersAsync();
    register.sortBy('status');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.map((call) => call[3])).toEqual([true, false]);
    expect(register.facets, 'the same files, the same counts').toEqual([{ facet: 'due', value: '2031', count: 50 }]);
    register.type('neige glace');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.at(-1)?.[3], 'other words select other files').toBe(true);
    expect(register.filter.sort, 'new words keep the order').toEqual({ by: 'status', descending: false });
    expect(register.facets).toEqual([{ facet: 'status', value: 'active', count: 1_000_000 }]);
  });

  it('counts the facets with a new order when the former count never arrived', async () => {
    await register.search();
    search.mockImplementationOnce(() => new Promise(() => undefined));
    register.apply({ ...EMPTY_FILTER, status: 'inactive' });
    register.sortBy('reference');
    await vi.runAllTimersAsync();
    expect(search.mock.calls.at(-1)?.[0]).toEqual({ ...EMPTY_FILTER, status: 'inactive', sort: { by: 'reference', descending: false } });
    expect(search.mock.calls.at(-1)?.[3], 'the facets held count every file, not the inactive ones').toBe(true);
  });

  it('searches the words being typed when a header is clicked, and not again after the pause', async () => {
    register.type('neige');
    register.sortBy('class');
    await vi.runAllTimersAsync();
    expect(search).toHaveBeenCalledExactlyOnceWith(
      { ...EMPTY_FILTER, query: 'neige', sort: { by: 'class', descending: false } },
      0,
      100,
      true,
    );
  });

  it('keeps the failure to show, and forgets everything at sign-out', async () => {
    search.mockResolvedValueOnce({ ok: false, error: { code: 'search_query_invalid', message: 'Guillemet non fermé.' } });
    await register.search();
    expect(register.error?.code).toBe('search_query_invalid');
    expect(register.total).toBeNull();
    register.open = 'D-1';
    register.sortBy('title');
    register.reset();
    expect([register.error, register.open, register.started, register.typed]).toEqual([null, null, false, '']);
    expect(register.filter.sort, 'the next person starts with the default order').toBeNull();
  });
});
