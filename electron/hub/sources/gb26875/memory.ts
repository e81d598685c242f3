/**
 * The last state word seen per device of one GB/T 26875.3 transmitter, and one frame's changes to it, kept only
 * once the frame's reports are committed (so a frame sent again after a failed commit maps the same).
 */
import type { AlarmType } from '../../../../shared/domain/alarm';
import type { SourceOrigin, SourceReport } from '../source';

export interface Remembered {
  state: number;
  /** A component's system (`<type>.<address>`): a 复位 of that system restores it. */
  system?: string;
  report: Pick<SourceReport, 'device' | 'zone' | 'cameras' | 'location'>;
  fireType: AlarmType;
  faults: number;
  origin: SourceOrigin;
}

/** The last state word per device of one transmitter, bounded (the oldest forgotten first). */
export class StateMemory {
  private readonly map = new Map<string, Remembered>();
  constructor(private readonly max = 20_000) {}

  get size(): number {
    return this.map.size;
  }

  get(id: string): Remembered | undefined {
    return this.map.get(id);
  }

  stage(): Staging {
    return new Staging(this);
  }

  entries(): IterableIterator<[string, Remembered]> {
    return this.map.entries();
  }

  /** @internal used by {@link Staging.keep}. */
  put(id: string, r: Remembered): void {
    this.map.delete(id);
    this.map.set(id, r);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }
}

/** One frame's changes to a {@link StateMemory}, kept only once its reports are committed. */
export class Staging {
  private readonly changes = new Map<string, Remembered>();
  constructor(private readonly memory: StateMemory) {}

  get(id: string): Remembered | undefined {
    return this.changes.get(id) ?? this.memory.get(id);
  }

  set(id: string, r: Remembered): void {
    this.changes.set(id, r);
  }

  inSystem(system: string): [string, Remembered][] {
    const found = new Map<string, Remembered>();
    for (const [id, r] of this.memory.entries()) if (r.system === system) found.set(id, r);
    for (const [id, r] of this.changes) if (r.system === system) found.set(id, r);
    return [...found];
  }

  keep(): void {
    for (const [id, r] of this.changes) this.memory.put(id, r);
  }
}

// --- reports ---------------------------------------------------------------------------------------------------
