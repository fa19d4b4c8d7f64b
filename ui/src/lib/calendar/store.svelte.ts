// What the calendar's screens share and keep between areas: the tab, the filters, the batch
// open. Emptied when the session ends (App.svelte), like the plan's and the register's.
import type { DueKind } from '../types';
import { today, type Grouping } from './periods';

export type CalendarTab = 'calendar' | 'due' | 'holds' | 'batches' | 'destroyed';

export const CALENDAR_TABS: readonly CalendarTab[] = ['calendar', 'due', 'holds', 'batches', 'destroyed'];

class CalendarStore {
  tab = $state<CalendarTab>('calendar');
  /** The project the calendar and the due list show (`null`: all). */
  project = $state<string | null>(null);
  grouping = $state<Grouping>('month');
  /** The due list's filter. */
  until = $state(today());
  kind = $state<DueKind | null>(null);
  /** The class the due list shows (with the classes under it); `null`: all. */
  classCode = $state<string | null>(null);
  /** The batch whose detail is shown. */
  batch = $state<string | null>(null);
  /** What the batch's tab says first when it opens on a batch just proposed (how many were left out). */
  notice = $state<string | null>(null);
  /** Bumped when something changes what the tabs show (a proposal, an execution). */
  version = $state(0);

  /** Shows the due list of a period of the calendar. */
  showDue(until: string, kind: DueKind | null): void {
    this.until = until;
    this.kind = kind;
    // The calendar counts every class: the list it opens does too.
    this.classCode = null;
    this.tab = 'due';
  }

  showBatch(number: string, notice: string | null = null): void {
    this.batch = number;
    this.notice = notice;
    this.tab = 'batches';
    this.version += 1;
  }

  reset(): void {
    this.tab = 'calendar';
    this.project = null;
    this.grouping = 'month';
    this.until = today();
    this.kind = null;
    this.classCode = null;
    this.batch = null;
    this.notice = null;
    this.version = 0;
  }
}

export const calendar = new CalendarStore();
