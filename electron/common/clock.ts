/**
 * Time as a service, so schedules, escalation timers and back-off can be tested in simulated time.
 * Timer handles are opaque numbers-or-objects; callers only pass them back to clear*.
 *
 * Two clocks, as the operating system has: `now()` is the wall clock (what the operator reads, what is stored
 * and shown), which NTP or a person can step forwards or backwards at any moment; `monotonic()` only ever moves
 * forwards at the rate of real time, and is what durations, ages and timers are measured with.
 */
export interface Clock {
  /** Wall time, ms since the epoch. May jump. */
  now(): number;
  /** Milliseconds from an arbitrary origin (this process's start); never goes back, never jumps. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // performance.now() is CLOCK_MONOTONIC underneath, and Node's timers run on the same clock.
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * A clock that only moves when told to; timers fire in time order during advance(). Like the real ones, its
 * timers run on the monotonic clock: `jump()` steps the wall clock alone and fires nothing.
 */
export class ManualClock implements Clock {
  private wall: number;
  private mono = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; fn: () => void; every?: number }>();

  constructor(start = Date.UTC(2026, 10, 24, 2, 0, 0)) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.mono + Math.max(0, Math.round(ms)), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  setInterval(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    const every = Math.max(1, Math.round(ms));
    this.timers.set(id, { at: this.mono + every, fn, every });
    return id;
  }

  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time forward (both clocks), firing due timers one by one in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= target && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId === undefined) break;
      const timer = this.timers.get(dueId)!;
      this.wall += timer.at - this.mono;
      this.mono = timer.at;
      if (timer.every) timer.at += timer.every;
      else this.timers.delete(dueId);
      timer.fn();
    }
    this.wall += target - this.mono;
    this.mono = target;
  }

  /** Steps the wall clock alone, as NTP stepping or a person setting the time does (negative: backwards). */
  jump(ms: number): void {
    this.wall += ms;
  }

  pendingTimers(): number {
    return this.timers.size;
  }
}
