import { describe, expect, it, vi } from 'vitest';
import { PageWindow, type PageAnswer } from './pages';

/** A register of `total` rows, row i being `i`; records every offset asked. */
function source(total: number) {
  const asked: number[] = [];
  const fetch = vi.fn((offset: number, limit: number): Promise<PageAnswer<number>> => {
    asked.push(offset);
    const rows = Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => offset + i);
    return Promise.resolve({ ok: true, value: { total, rows } });
  });
  return { fetch, asked };
}

describe('PageWindow', () => {
  it('fetches the pages a range needs, once, and serves their rows', async () => {
    const { fetch, asked } = source(1_000_000);
    const rows = new PageWindow(fetch, { pageSize: 100, keep: 4 });
    await rows.ensure(150, 260);
    expect(asked).toEqual([100, 200]);
    expect(rows.row(150)).toBe(150);
    expect(rows.row(299)).toBe(299);
    expect(rows.row(300)).toBeUndefined();
    expect(rows.total).toBe(1_000_000);
    await rows.ensure(180, 220);
    expect(asked, 'nothing new to fetch').toEqual([100, 200]);
  });

  it('does not ask twice for a page on its way', async () => {
    const { fetch, asked } = source(1000);
    const rows = new PageWindow(fetch, { pageSize: 100 });
    await Promise.all([rows.ensure(0, 50), rows.ensure(10, 60)]);
    expect(asked).toEqual([0]);
  });

  it('keeps only a window of pages, dropping the farthest from where the user is', async () => {
    const { fetch } = source(1_000_000);
    const rows = new PageWindow(fetch, { pageSize: 100, keep: 3 });
    for (const page of [0, 1, 2, 3, 4, 5]) await rows.ensure(page * 100, page * 100 + 10);
    expect(rows.loadedPages).toEqual([3, 4, 5]);
    // Jumping far away (the scrollbar dragged to the end) keeps the pages there.
    await rows.ensure(999_950, 999_999);
    expect(rows.loadedPages).toContain(9999);
    expect(rows.loadedPages.length).toBeLessThanOrEqual(3);
  });

  it('never asks beyond the total once it is known', async () => {
    const { fetch, asked } = source(250);
    const rows = new PageWindow(fetch, { pageSize: 100 });
    await rows.ensure(0, 10);
    await rows.ensure(200, 400);
    expect(asked).toEqual([0, 200]);
    expect(rows.row(249)).toBe(249);
  });

  it('drops the answers to requests made before a reset (an older filter)', async () => {
    let answer: (value: PageAnswer<string>) => void = () => undefined;
    const rows = new PageWindow<string>(
      () =>
        new Promise((resolve) => {
          answer = resolve;
        }),
      { pageSize: 10 },
    );
    const pending = rows.ensure(0, 5);
    rows.reset();
    answer({ ok: true, value: { total: 1, rows: ['old'] } });
    await pending;
    expect(rows.row(0)).toBeUndefined();
    expect(rows.total).toBeNull();
  });

  it('takes the first page from elsewhere, and tells of every change', async () => {
    const onchange = vi.fn();
    const { fetch, asked } = source(500);
    const rows = new PageWindow(fetch, { pageSize: 100, onchange });
    rows.seed(0, [0, 1, 2], 500);
    expect(rows.row(2)).toBe(2);
    expect(rows.total).toBe(500);
    await rows.ensure(0, 50);
    expect(asked, 'the seeded page is not asked again').toEqual([]);
    expect(onchange).toHaveBeenCalledTimes(1);
  });

  it('keeps a failure, does not retry the page until asked, then does', async () => {
    const fetch = vi
      .fn<(offset: number, limit: number) => Promise<PageAnswer<number>>>()
      .mockResolvedValueOnce({ ok: false, error: { code: 'search_index_busy', message: 'Occupé.' } })
      .mockResolvedValue({ ok: true, value: { total: 100, rows: [7] } });
    const rows = new PageWindow(fetch, { pageSize: 100 });
    await rows.ensure(0, 10);
    expect(rows.error?.code).toBe('search_index_busy');
    await rows.ensure(0, 10);
    expect(fetch).toHaveBeenCalledTimes(1);
    rows.retry();
    await rows.ensure(0, 10);
    expect(rows.row(0)).toBe(7);
    expect(rows.error).toBeNull();
  });
});
