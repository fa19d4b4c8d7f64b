// Locks after a period without keyboard or pointer activity.
//
// Activity only records the time (no timer churn on every mouse move); one timer fires when
// the period could have run out, and looks at the clock again. Timers of a sleeping computer
// or a hidden window fire late: the clock, not the timer, decides, and activity that comes
// after the period has run out (the user moving the mouse on coming back) locks rather than
// restarting the count.

export interface IdleTimerOptions {
  /** Called once when the period runs out; the timer is then stopped. */
  onIdle: () => void;
  /** While it answers `true` (a backup is running), the period keeps restarting. */
  isBusy?: () => boolean;
  now?: () => number;
}

export class IdleTimer {
  readonly #onIdle: () => void;
  readonly #isBusy: () => boolean;
  readonly #now: () => number;
  #periodMs = 0;
  #last = 0;
  #handle: ReturnType<typeof setTimeout> | undefined;

  constructor(options: IdleTimerOptions) {
    this.#onIdle = options.onIdle;
    this.#isBusy = options.isBusy ?? (() => false);
    this.#now = options.now ?? (() => Date.now());
  }

  /** `true` while a period is being counted. */
  get running(): boolean {
    return this.#handle !== undefined;
  }

  /**
   * Counts `minutes` from now (0, negative or not a number: never). Asking again for the period
   * already being counted changes nothing, so the status can be re-applied freely.
   */
  configure(minutes: number): void {
    const periodMs = Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : 0;
    if (periodMs === this.#periodMs && (this.running || periodMs === 0)) return;
    this.stop();
    this.#periodMs = periodMs;
    if (periodMs > 0) {
      this.#last = this.#now();
      this.#schedule(periodMs);
    }
  }

  /** Keyboard or pointer activity. */
  activity(): void {
    if (!this.running) return;
    if (this.#expired()) {
      this.#fire();
      return;
    }
    this.#last = this.#now();
  }

  /** Looks at the clock now (the window came back into view); locks if the period ran out. */
  check(): void {
    if (this.running && this.#expired()) this.#fire();
  }

  stop(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#periodMs = 0;
  }

  #expired(): boolean {
    return this.#now() - this.#last >= this.#periodMs && !this.#isBusy();
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#handle);
    this.#handle = setTimeout(() => {
      this.#tick();
    }, delayMs);
  }

  #tick(): void {
    if (this.#isBusy()) this.#last = this.#now();
    const remaining = this.#periodMs - (this.#now() - this.#last);
    if (remaining <= 0) this.#fire();
    else this.#schedule(remaining);
  }

  #fire(): void {
    this.stop();
    this.#onIdle();
  }
}
