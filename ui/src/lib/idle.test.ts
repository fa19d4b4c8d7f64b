import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer } from './idle';

const MINUTE = 60_000;

describe('IdleTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function timer(busy = () => false) {
    const onIdle = vi.fn();
    return { onIdle, idle: new IdleTimer({ onIdle, isBusy: busy }) };
  }

  it('fires once after the period without activity', () => {
    const { onIdle, idle } = timer();
    idle.configure(15);
    vi.advanceTimersByTime(15 * MINUTE - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledOnce();
    expect(idle.running).toBe(false);
    vi.advanceTimersByTime(60 * MINUTE);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('counts again from the last activity', () => {
    const { onIdle, idle } = timer();
    idle.configure(10);
    vi.advanceTimersByTime(9 * MINUTE);
    idle.activity();
    vi.advanceTimersByTime(9 * MINUTE);
    expect(onIdle).not.toHaveBeenCalled();
    idle.activity();
    vi.advanceTimersByTime(10 * MINUTE - 1);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('never fires with 0 minutes', () => {
    const { onIdle, idle } = timer();
    idle.configure(0);
    expect(idle.running).toBe(false);
    vi.advanceTimersByTime(24 * 60 * MINUTE);
    idle.activity();
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('stops when the period is set to 0, and restarts with a new one', () => {
    const { onIdle, idle } = timer();
    idle.configure(5);
    vi.advanceTimersByTime(4 * MINUTE);
    idle.configure(0);
    vi.advanceTimersByTime(10 * MINUTE);
    expect(onIdle).not.toHaveBeenCalled();
    idle.configure(2);
    vi.advanceTimersByTime(2 * MINUTE);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('keeps counting when the same period is applied again (a status refresh)', () => {
    const { onIdle, idle } = timer();
    idle.configure(5);
    vi.advanceTimersByTime(4 * MINUTE);
    idle.configure(5);
    vi.advanceTimersByTime(1 * MINUTE);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('starts the count afresh when the period changes', () => {
    const { onIdle, idle } = timer();
    idle.configure(5);
    vi.advanceTimersByTime(4 * MINUTE);
    idle.configure(3);
    vi.advanceTimersByTime(2 * MINUTE);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1 * MINUTE);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('locks rather than restarting when the first activity comes after the period ran out', () => {
    // A computer asleep: the timer did not fire, the clock moved on.
    const onIdle = vi.fn();
    let now = 0;
    const idle = new IdleTimer({ onIdle, now: () => now });
    idle.configure(15);
    now = 2 * 60 * MINUTE;
    idle.activity();
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('locks when the window comes back after the period ran out', () => {
    const onIdle = vi.fn();
    let now = 0;
    const idle = new IdleTimer({ onIdle, now: () => now });
    idle.configure(15);
    now = 14 * MINUTE;
    idle.check();
    expect(onIdle).not.toHaveBeenCalled();
    now = 16 * MINUTE;
    idle.check();
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('waits while a long operation runs, then counts a full period from its end', () => {
    let busy = true;
    const { onIdle, idle } = timer(() => busy);
    idle.configure(5);
    vi.advanceTimersByTime(30 * MINUTE);
    expect(onIdle).not.toHaveBeenCalled();
    busy = false;
    vi.advanceTimersByTime(5 * MINUTE);
    expect(onIdle).toHaveBeenCalledOnce();
  });

  it('stop() cancels the count', () => {
    const { onIdle, idle } = timer();
    idle.configure(1);
    idle.stop();
    vi.advanceTimersByTime(10 * MINUTE);
    expect(onIdle).not.toHaveBeenCalled();
  });

  it('ignores activity while stopped', () => {
    const { onIdle, idle } = timer();
    idle.activity();
    idle.check();
    expect(idle.running).toBe(false);
    expect(onIdle).not.toHaveBeenCalled();
  });
});
