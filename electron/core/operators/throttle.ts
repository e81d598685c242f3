export interface ThrottlePolicy {
  /** Wrong passwords for one user name from one source before tries from there are slowed down. */
  freeFailures: number;
  /** Failures older than this (since the last one) are forgotten. */
  windowMs: number;
  /** The first wait; it doubles with each further failure... */
  baseDelayMs: number;
  /** ...up to this. */
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  windowMs: 15 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

/** Sources × user names kept at most; the oldest are forgotten first (a flood of made-up names stays small). */
const MAX_ENTRIES = 10_000;

interface Entry {
  failures: number;
  last: number;
}

/**
 * Slows down password guessing by where it comes from instead of locking the account: wrong passwords for a user
 * name from one source (a web page's address, the Electron windows) make the next try from that source wait, up
 * to `maxDelayMs`; the same account from another source is not affected, so nobody at a browser can keep the
 * supervisor out of the console. Keyed by the name as typed, so unknown names behave exactly like real ones. Kept
 * in memory: a restart forgets it, which only gives a guesser back the first few free tries.
 */
export class SignInThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE) {}

  private key(source: string, username: string): string {
    return `${source}\u0000${username.trim().toLowerCase()}`;
  }

  private current(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.last > this.policy.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private delayAfter(failures: number): number {
    const over = failures - this.policy.freeFailures;
    if (over < 0) return 0;
    return Math.min(this.policy.baseDelayMs * 2 ** over, this.policy.maxDelayMs);
  }

  /** Milliseconds before the next try from this source for this name is checked (0: now). */
  waitMs(source: string, username: string, now: number): number {
    const entry = this.current(this.key(source, username), now);
    if (!entry) return 0;
    return Math.max(0, entry.last + this.delayAfter(entry.failures) - now);
  }

  /** Counts a wrong password; `slowed` is true on the failure that starts the slowing down. */
  failed(source: string, username: string, now: number): { failures: number; slowed: boolean } {
    const key = this.key(source, username);
    const failures = (this.current(key, now)?.failures ?? 0) + 1;
    // Re-inserted so the map's order is least recently failed first.
    this.entries.delete(key);
    this.entries.set(key, { failures, last: now });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return { failures, slowed: failures === this.policy.freeFailures };
  }

  succeeded(source: string, username: string): void {
    this.entries.delete(this.key(source, username));
  }
}
