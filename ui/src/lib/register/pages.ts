// The register's rows, fetched a page at a time as the table scrolls, keeping only a window of
// pages around where the user is: a million files never sit in the webview's memory at once.
// Plain TypeScript with the fetch passed in, so that it is tested without the shell; the
// register's store turns `onchange` into a redraw.
import type { CommandError } from '../types';

/** Rows asked of the core at a time. */
export const PAGE_SIZE = 100;
/** Pages kept in memory (the screen shows at most two or three at once). */
export const KEPT_PAGES = 8;

export type PageAnswer<T> =
  | { ok: true; value: { total: number; rows: T[] } }
  | { ok: false; error: CommandError };

export type PageFetch<T> = (offset: number, limit: number) => Promise<PageAnswer<T>>;

export interface PageWindowOptions {
  pageSize?: number;
  keep?: number;
  /** Called whenever rows, the total or the error change. */
  onchange?: () => void;
}

export class PageWindow<T> {
  readonly pageSize: number;
  readonly keep: number;
  /** How many rows the filter selects, as the last answer said; `null` before the first. */
  total: number | null = null;
  /** The last failure; cleared by `retry` or `reset`. */
  error: CommandError | null = null;

  #fetch: PageFetch<T>;
  #onchange: () => void;
  #pages = new Map<number, T[]>();
  #loading = new Set<number>();
  #failed = new Set<number>();
  // Answers to requests made before the last reset are dropped.
  #generation = 0;

  constructor(fetch: PageFetch<T>, options: PageWindowOptions = {}) {
    this.#fetch = fetch;
    this.pageSize = options.pageSize ?? PAGE_SIZE;
    this.keep = Math.max(1, options.keep ?? KEPT_PAGES);
    this.#onchange = options.onchange ?? (() => undefined);
  }

  /** The row at `index`, or `undefined` while its page is not loaded. */
  row(index: number): T | undefined {
    return this.#pages.get(this.pageOf(index))?.[index % this.pageSize];
  }

  pageOf(index: number): number {
    return Math.floor(index / this.pageSize);
  }

  /** The page numbers held in memory, in order (for tests and diagnostics). */
  get loadedPages(): number[] {
    return [...this.#pages.keys()].sort((a, b) => a - b);
  }

  /** `true` while a page is being fetched. */
  get loading(): boolean {
    return this.#loading.size > 0;
  }

  /**
   * Makes sure the rows `first`..`last` (inclusive) will be there: fetches the pages that are
   * neither loaded nor on their way, then forgets the pages farthest from that range beyond
   * `keep`. Resolves when the fetches it started are answered.
   */
  async ensure(first: number, last: number): Promise<void> {
    const top = this.total === null ? last : Math.min(last, this.total - 1);
    if (top < 0 || top < first) return;
    const from = this.pageOf(Math.max(0, first));
    const to = this.pageOf(top);
    const wanted: number[] = [];
    for (let page = from; page <= to; page += 1) {
      if (!this.#pages.has(page) && !this.#loading.has(page) && !this.#failed.has(page)) wanted.push(page);
    }
    this.#evict((from + to) / 2, from, to);
    await Promise.all(wanted.map((page) => this.#load(page, (from + to) / 2)));
  }

  /** Takes a page answered elsewhere (the first page comes with the facets). */
  seed(offset: number, rows: T[], total: number): void {
    if (offset % this.pageSize !== 0) return;
    this.total = total;
    this.#pages.set(offset / this.pageSize, rows);
    this.#onchange();
  }

  /** Forgets every row: the filter changed or the register did. */
  reset(): void {
    this.#generation += 1;
    this.#pages.clear();
    this.#loading.clear();
    this.#failed.clear();
    this.total = null;
    this.error = null;
    this.#onchange();
  }

  /** After a failure: the pages that failed may be asked again. */
  retry(): void {
    this.#failed.clear();
    this.error = null;
    this.#onchange();
  }

  async #load(page: number, centre: number): Promise<void> {
    const generation = this.#generation;
    this.#loading.add(page);
    const answer = await this.#fetch(page * this.pageSize, this.pageSize);
    if (generation !== this.#generation) return;
    this.#loading.delete(page);
    if (answer.ok) {
      this.total = answer.value.total;
      this.#pages.set(page, answer.value.rows);
      this.#evict(centre, page, page);
    } else {
      this.#failed.add(page);
      this.error = answer.error;
    }
    this.#onchange();
  }

  /** Drops the pages farthest from `centre`, never those of `from`..`to`, down to `keep`. */
  #evict(centre: number, from: number, to: number): void {
    if (this.#pages.size <= this.keep) return;
    const byDistance = [...this.#pages.keys()]
      .filter((page) => page < from || page > to)
      .sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const page of byDistance) {
      if (this.#pages.size <= this.keep) break;
      this.#pages.delete(page);
    }
  }
}
