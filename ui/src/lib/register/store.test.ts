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

  it('keeps the failure to show, and forgets everything at sign-out', async () => {
    search.mockResolvedValueOnce({ ok: false, error: { code: 'search_query_invalid', message: 'Guillemet non fermé.' } });
    await register.search();
    expect(register.error?.code).toBe('search_query_invalid');
    expect(register.total).toBeNull();
    register.open = 'D-1';
    register.reset();
    expect([register.error, register.open, register.started, register.typed]).toEqual([null, null, false, '']);
  });
});
