import type { Clock } from '../../common/clock';

/** The wall clock was stepped (NTP, a person, a virtual machine resumed): seen by comparing it with the monotonic one. */
export interface ClockJump {
  /** What the wall clock would read had it not been stepped. */
  from: number;
  /** What it reads now. */
  to: number;
  /** `to - from`: positive when it jumped forwards. */
  deltaMs: number;
  /** When it was noticed, on the steady timeline. */
  steady: number;
}

export interface TimelineOptions {
  clock: Clock;
  /**
   * A change of (wall − monotonic) beyond this between two checks is a jump. NTP slewing moves it by at most
   * 0.5 ms per second, so anything over a second is a step.
   */
  thresholdMs?: number | undefined;
  checkMs?: number | undefined;
}

export const DEFAULT_JUMP_THRESHOLD_MS = 2000;

/**
 * The console's steady timeline: milliseconds that advance with the monotonic clock, starting at the wall time
 * when the process starts — or at the value an earlier run reached, if the wall clock is now behind it — so
 * values taken before and after a restart still compare, and none is ever smaller than an earlier one.
 * Durations (an alarm's age, the time to acknowledge it, escalation) and the order of things are measured on it;
 * wall times are what people read. Checking the wall clock against it once a second also tells jumps apart.
 */
export class Timeline {
  /** steady = base + monotonic */
  private base: number;
  /** wall − monotonic at the last check; following it lets a slewing clock drift without ever counting as a jump. */
  private offset: number;
  private readonly listeners = new Set<(jump: ClockJump) => void>();
  private timer: unknown;

  constructor(private readonly o: TimelineOptions) {
    const mono = o.clock.monotonic();
    const wall = o.clock.now();
    this.base = wall - mono;
    this.offset = wall - mono;
  }

  get thresholdMs(): number {
    return this.o.thresholdMs ?? DEFAULT_JUMP_THRESHOLD_MS;
  }

  /** Now, on the steady timeline (ms; starts near the wall time, never goes back). */
  steady(): number {
    return Math.round(this.base + this.o.clock.monotonic());
  }

  /** Continues from at least `value` (the floor kept by an earlier run, the newest stored steady time). */
  atLeast(value: number): void {
    const now = this.steady();
    if (Number.isFinite(value) && value > now) this.base += value - now;
  }

  /**
   * Compares the wall clock with the monotonic one now; a jump is told to every listener (synchronously, so a
   * caller that checks before it reads the wall clock handles the jump first) and returned.
   */
  check(): ClockJump | undefined {
    const wall = this.o.clock.now();
    const mono = this.o.clock.monotonic();
    const offset = wall - mono;
    const delta = offset - this.offset;
    this.offset = offset;
    if (Math.abs(delta) < this.thresholdMs) return undefined;
    const jump: ClockJump = {
      from: wall - delta,
      to: wall,
      deltaMs: delta,
      steady: Math.round(this.base + mono),
    };
    for (const listener of this.listeners) {
      try {
        listener(jump);
      } catch {
        // One listener failing must not keep the others from hearing of the jump.
      }
    }
    return jump;
  }

  onJump(listener: (jump: ClockJump) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = this.o.clock.setInterval(() => this.check(), this.o.checkMs ?? 1000);
  }

  stop(): void {
    if (this.timer !== undefined) this.o.clock.clearInterval(this.timer);
    this.timer = undefined;
  }
}
