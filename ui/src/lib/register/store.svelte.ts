// What the register's screen keeps while the user moves between areas: the filter (the query
// typed, debounced, the facet fields and the order of the rows), the facet counts and the
// total, the window of rows fetched so far, the row selected and the file open in the detail
// panel. Emptied when the session ends, so that the next person to sign in starts afresh.
import { api } from '../api';
import { afterFailure } from '../status.svelte';
import type { CommandError, FacetCount, FileFilter, FileHit, SortBy } from '../types';
import { EMPTY_FILTER, nextSort, normalised, sameFilter, selectionKey } from './filter';
import { PAGE_SIZE, PageWindow } from './pages';

/** How long typing must pause before the search runs. */
export const SEARCH_DELAY_MS = 200;

class RegisterStore {
  /** The filter the rows, total and facets are for. */
  filter = $state<FileFilter>({ ...EMPTY_FILTER });
  /** What the search box holds (it reaches `filter.query` once typing pauses). */
  typed = $state('');
  facets = $state.raw<FacetCount[]>([]);
  /** How many files the filter selects; `null` before the first answer. */
  total = $state<number | null>(null);
  /** `true` while the first page (with the facets) of a filter is awaited. */
  searching = $state(false);
  error = $state.raw<CommandError | null>(null);
  /** Bumped whenever rows arrive or go, so that the table reads them again. */
  version = $state(0);
  /** The row that has the selection (an index into the whole result). */
  selected = $state<number | null>(null);
  /** The file shown in the detail panel, by reference. */
  open = $state<string | null>(null);
  /** `true` once the first search ran (the screen then shows what it found). */
  started = $state(false);

  readonly rows: PageWindow<FileHit>;
  // The filter the page window fetches with: set before each reset, never mid-window.
  #applied: FileFilter = { ...EMPTY_FILTER };
  // The files `facets` counts (`selectionKey`), or `null`: another order of the same files
  // needs no new count, which is a pass over every hit.
  #counted: string | null = null;
  #generation = 0;
  #changes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.rows = new PageWindow<FileHit>(
      async (offset, limit) => {
        const answer = await api.searchFiles(this.#applied, offset, limit, false);
        if (!answer.ok) {
          afterFailure(answer.error);
          return answer;
        }
        return { ok: true, value: { total: answer.value.total, rows: answer.value.hits } };
      },
      // Written without being read, so that an effect that resets the store does not depend on it.
      { onchange: () => (this.version = ++this.#changes) },
    );
  }

  /**
   * The hit at `index`, once its page is in. Reading `version` here makes whatever calls this
   * in a component or a `$derived` run again when rows arrive.
   */
  hit(index: number): FileHit | undefined {
    return this.version >= 0 ? this.rows.row(index) : undefined;
  }

  /** The search box changed: search once typing pauses. */
  type(text: string): void {
    this.typed = text;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.apply({ ...this.filter, query: text });
    }, SEARCH_DELAY_MS);
  }

  /** Enter in the search box: no need to wait for the pause. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.apply({ ...this.filter, query: this.typed });
  }

  /**
   * A click on the header of column `by`: the rows sorted by it, then the other way, then by
   * relevance again (`nextSort`). Words still being typed are searched now, as Enter does.
   */
  sortBy(by: SortBy): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.apply({ ...this.filter, query: this.typed, sort: nextSort(this.filter.sort, by) });
  }

  /**
   * Shows the files `next` selects, in its order, from the top (nothing happens when it shows
   * the same rows in the same order).
   */
  apply(next: FileFilter): void {
    if (this.started && sameFilter(next, this.filter)) {
      this.filter = next;
      return;
    }
    this.filter = next;
    this.typed = next.query;
    this.selected = null;
    void this.#load(false);
  }

  /** Reads the first page and the facets of the current filter (again). */
  search(): Promise<void> {
    return this.#load(true);
  }

  /** Reads the first page, with the facets when asked or when those held count other files. */
  async #load(recount: boolean): Promise<void> {
    const generation = ++this.#generation;
    const filter = normalised(this.filter);
    const selection = selectionKey(filter);
    const withFacets = recount || selection !== this.#counted;
    this.#applied = filter;
    this.started = true;
    this.searching = true;
    this.error = null;
    this.rows.reset();
    const answer = await api.searchFiles(filter, 0, PAGE_SIZE, withFacets);
    if (generation !== this.#generation) return;
    this.searching = false;
    if (!answer.ok) {
      afterFailure(answer.error);
      this.error = answer.error;
      this.total = null;
      this.facets = [];
      this.#counted = null;
      return;
    }
    if (withFacets) {
      this.facets = answer.value.facets;
      this.#counted = selection;
    }
    this.total = answer.value.total;
    this.rows.seed(0, answer.value.hits, answer.value.total);
    if (this.selected !== null && this.selected >= answer.value.total) {
      this.selected = answer.value.total > 0 ? answer.value.total - 1 : null;
    }
  }

  /** Fetches the rows `first`..`last` when they are missing (not while a new filter loads). */
  ensure(first: number, last: number): void {
    if (this.searching || this.error !== null) return;
    void this.rows.ensure(first, last);
  }

  /**
   * The register changed (a file was filed, edited, closed; an import): read the same view
   * again, keeping the selection where it was.
   */
  async refresh(): Promise<void> {
    const keep = this.selected;
    await this.search();
    if (keep !== null && this.total !== null && keep < this.total) this.selected = keep;
  }

  /** Forgets everything: the session ended. */
  reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#generation += 1;
    this.filter = { ...EMPTY_FILTER };
    this.#applied = { ...EMPTY_FILTER };
    this.#counted = null;
    this.typed = '';
    this.facets = [];
    this.total = null;
    this.searching = false;
    this.error = null;
    this.selected = null;
    this.open = null;
    this.started = false;
    this.rows.reset();
  }
}

export const register = new RegisterStore();
