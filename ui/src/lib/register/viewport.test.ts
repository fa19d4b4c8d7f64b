import { describe, expect, it } from 'vitest';
import {
  geometry,
  MAX_SCROLL_HEIGHT,
  offsetFromScroll,
  offsetToReveal,
  rowForKey,
  rowTop,
  scrollFromOffset,
  visibleRange,
} from './viewport';

describe('geometry', () => {
  it('is one to one below the cap', () => {
    const g = geometry(1000, 46, 500);
    expect(g.scrollHeight).toBe(46_000);
    expect(g.ratio).toBe(1);
    expect(scrollFromOffset(g, 1234)).toBe(1234);
    expect(offsetFromScroll(g, 1234)).toBe(1234);
  });

  it('keeps a million rows under the cap, and maps the whole scroll range onto them', () => {
    const g = geometry(1_000_000, 46, 500);
    expect(g.contentHeight).toBe(46_000_000);
    expect(g.scrollHeight).toBe(MAX_SCROLL_HEIGHT);
    expect(g.ratio).toBeGreaterThan(5);
    // The bottom of the scrollbar is the last row at the bottom of the view.
    const bottom = offsetFromScroll(g, g.scrollHeight - g.viewHeight);
    expect(bottom).toBe(g.maxOffset);
    expect(visibleRange(g, bottom).last).toBe(999_999);
    // Half way down is half way through the rows.
    const middle = visibleRange(g, offsetFromScroll(g, (g.scrollHeight - g.viewHeight) / 2));
    expect(middle.first).toBeGreaterThan(499_000);
    expect(middle.first).toBeLessThan(501_000);
  });

  it('handles no rows and a view taller than the rows', () => {
    expect(visibleRange(geometry(0, 46, 500), 0)).toEqual({ first: 0, last: -1 });
    const few = geometry(3, 46, 500);
    expect(few.maxOffset).toBe(0);
    expect(visibleRange(few, 200)).toEqual({ first: 0, last: 2 });
  });
});

describe('offsets', () => {
  const g = geometry(1_000_000, 46, 500);

  it('keeps the exact offset the table asked for when the browser rounds scrollTop', () => {
    const wanted = 12_345_678;
    const rounded = Math.round(scrollFromOffset(g, wanted));
    expect(offsetFromScroll(g, rounded, wanted)).toBe(wanted);
    // A scroll of the user's (another scrollTop) is read afresh.
    expect(offsetFromScroll(g, rounded + 40, wanted)).not.toBe(wanted);
  });

  it('draws rows relative to the view', () => {
    expect(rowTop(g, 10, 10 * 46)).toBe(0);
    expect(rowTop(g, 11, 10 * 46 + 6)).toBe(40);
  });

  it('renders the rows in view with the overscan, within bounds', () => {
    expect(visibleRange(g, 0, 5)).toEqual({ first: 0, last: 15 });
    expect(visibleRange(g, 46 * 100 + 10, 2)).toEqual({ first: 98, last: 113 });
  });

  it('reveals a row by moving as little as possible', () => {
    const at = 46 * 100;
    expect(offsetToReveal(g, at, 105), 'already in view').toBe(at);
    expect(offsetToReveal(g, at, 99), 'above: its top at the top').toBe(46 * 99);
    expect(offsetToReveal(g, at, 120), 'below: its bottom at the bottom').toBe(46 * 121 - 500);
    expect(offsetToReveal(g, at, 999_999)).toBe(g.maxOffset);
  });
});

describe('rowForKey', () => {
  const g = geometry(1000, 46, 500); // 10 rows a view

  it.each<[string, number | null, number | null]>([
    ['ArrowDown', null, 0],
    ['ArrowDown', 4, 5],
    ['ArrowDown', 999, 999],
    ['ArrowUp', null, 0],
    ['ArrowUp', 0, 0],
    ['ArrowUp', 5, 4],
    ['PageDown', 5, 15],
    ['PageDown', 995, 999],
    ['PageUp', 5, 0],
    ['Home', 500, 0],
    ['End', 3, 999],
    ['a', 3, null],
  ])('%s from %s goes to %s', (key, from, to) => {
    expect(rowForKey(g, from, key)).toBe(to);
  });

  it('goes nowhere in an empty table', () => {
    expect(rowForKey(geometry(0, 46, 500), null, 'ArrowDown')).toBeNull();
  });
});
