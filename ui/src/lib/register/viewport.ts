// The geometry of the register's virtual table: which rows are in view for a scroll position,
// and how a million rows fit in a scrollable element.
//
// Browsers stop an element's height at a few million pixels (about 16.7 M in Chromium, 17.9 M in
// Firefox, 33.5 M in WebKit), and a million rows of 34 px need 34 M: the virtual-list packages
// render past that point as blank (TanStack/virtual#460, inokawa/virtua#32, both open). So the
// scrolled element is at most MAX_SCROLL_HEIGHT tall, and a scroll position maps onto the rows
// in proportion: `offset` is the position in the full height of the rows, `scrollTop` the
// element's own. Below the cap the two are equal. The table moves `offset` itself for the wheel
// and the keyboard, so that a notch scrolls the same distance at any size.

/** Well below every browser's limit. */
export const MAX_SCROLL_HEIGHT = 8_000_000;

export interface Geometry {
  count: number;
  rowHeight: number;
  viewHeight: number;
  /** The height of every row together. */
  contentHeight: number;
  /** The height of the scrolled element. */
  scrollHeight: number;
  /** Pixels of rows per pixel of scrollbar (1 below the cap). */
  ratio: number;
  /** The largest `offset`: the last row at the bottom of the view. */
  maxOffset: number;
}

export function geometry(
  count: number,
  rowHeight: number,
  viewHeight: number,
  cap: number = MAX_SCROLL_HEIGHT,
): Geometry {
  const rows = Math.max(0, count);
  const view = Math.max(0, viewHeight);
  const contentHeight = rows * rowHeight;
  const scrollHeight = Math.min(contentHeight, Math.max(cap, view));
  const maxOffset = Math.max(0, contentHeight - view);
  const maxScroll = Math.max(0, scrollHeight - view);
  const ratio = maxScroll > 0 && maxOffset > maxScroll ? maxOffset / maxScroll : 1;
  return { count: rows, rowHeight, viewHeight: view, contentHeight, scrollHeight, ratio, maxOffset };
}

export function clampOffset(g: Geometry, offset: number): number {
  return Math.min(g.maxOffset, Math.max(0, offset));
}

/** The element's `scrollTop` for an offset. */
export function scrollFromOffset(g: Geometry, offset: number): number {
  return clampOffset(g, offset) / g.ratio;
}

/**
 * The offset a `scrollTop` stands for. When it is the scroll the table itself set for
 * `previous` (the browser rounds `scrollTop`), `previous` is kept exactly, so that a row
 * revealed by the keyboard is not off by a few pixels.
 */
export function offsetFromScroll(g: Geometry, scrollTop: number, previous?: number): number {
  if (previous !== undefined && Math.abs(scrollTop - scrollFromOffset(g, previous)) < 1) {
    return clampOffset(g, previous);
  }
  return clampOffset(g, scrollTop * g.ratio);
}

export interface RowRange {
  /** The first and last rows to render (inclusive); `last < first` when there are none. */
  first: number;
  last: number;
}

/** The rows in view at `offset`, with `overscan` more on each side. */
export function visibleRange(g: Geometry, offset: number, overscan = 0): RowRange {
  if (g.count === 0 || g.rowHeight <= 0) return { first: 0, last: -1 };
  const at = clampOffset(g, offset);
  const first = Math.max(0, Math.floor(at / g.rowHeight) - overscan);
  const last = Math.min(g.count - 1, Math.ceil((at + g.viewHeight) / g.rowHeight) - 1 + overscan);
  return { first, last: Math.max(first - 1, last) };
}

/** Where a row is drawn, relative to the top of the view. */
export function rowTop(g: Geometry, index: number, offset: number): number {
  return index * g.rowHeight - clampOffset(g, offset);
}

/** The offset that shows row `index` whole, moving as little as possible. */
export function offsetToReveal(g: Geometry, offset: number, index: number): number {
  const top = index * g.rowHeight;
  const bottom = top + g.rowHeight;
  if (top < offset) return clampOffset(g, top);
  if (bottom > offset + g.viewHeight) return clampOffset(g, bottom - g.viewHeight);
  return clampOffset(g, offset);
}

/** Rows in one view, for Page Up and Page Down (at least one). */
export function rowsPerView(g: Geometry): number {
  return Math.max(1, Math.floor(g.viewHeight / g.rowHeight));
}

/** The row a key moves the selection to, from `current` (`null`: nothing selected yet). */
export function rowForKey(g: Geometry, current: number | null, key: string): number | null {
  if (g.count === 0) return null;
  const last = g.count - 1;
  const from = current ?? -1;
  const page = rowsPerView(g);
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return current === null ? 0 : Math.max(0, from - 1);
    case 'PageDown':
      return Math.min(last, Math.max(0, from) + page);
    case 'PageUp':
      return Math.max(0, from - page);
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
