import type { CameraReport } from '../../electron/hub/sources/isapi/camera';
import type {
  Source,
  SourceContext,
  SourceLog,
  SourceReport,
  SourceSink,
  SourceStatus,
} from '../../electron/hub/sources/source';

/**
 * The hub log as a source sees it, for a source's tests: each report key is kept once (the first commit of it,
 * cloned), and a test can make commits fail the ways a real log does —
 * `reject` (the write failed), `hang` (no answer, nothing written) or `lost-reply` (written, but the answer never
 * came: a retry must not make it two) — for every report or, with `refuse`, for the ones it picks.
 */
export class RecordingSink implements SourceSink {
  /** What the log holds: the first report of each key. */
  readonly log = new Map<string, SourceReport>();
  /** Every commit asked for, taken or not. */
  readonly calls: SourceReport[] = [];
  mode: 'ok' | 'reject' | 'hang' | 'lost-reply' = 'ok';
  /** Rejects the reports it returns true for (whatever the mode). */
  refuse: ((report: SourceReport) => boolean) | undefined;
  rejected = 0;
  /** Called before each commit is answered, with its 1-based number: a test flips `mode` from here. */
  onCommit: ((report: SourceReport, call: number) => void) | undefined;

  commit(report: SourceReport): Promise<void> {
    this.calls.push(structuredClone(report));
    this.onCommit?.(report, this.calls.length);
    if (this.mode === 'reject' || this.refuse?.(report)) {
      this.rejected++;
      return Promise.reject(new Error('the hub log could not be written'));
    }
    if (this.mode === 'hang') return new Promise(() => undefined);
    if (!this.log.has(report.key)) this.log.set(report.key, structuredClone(report));
    if (this.mode === 'lost-reply') return new Promise(() => undefined);
    return Promise.resolve();
  }

  get reports(): SourceReport[] {
    return [...this.log.values()];
  }

  /** The reports of one kind (and that pass `extra`), as the camera sources' reports. */
  of(kind: SourceReport['kind'], extra: (r: CameraReport) => boolean = () => true): CameraReport[] {
    return (this.reports as CameraReport[]).filter((r) => r.kind === kind && extra(r));
  }

  alarms(type?: string): SourceReport[] {
    return this.reports.filter((r) => r.kind === 'alarm' && (type === undefined || r.type === type));
  }
}

/** For a source under test: its log lines would only clutter the test's (or the fuzz run's) output. */
export const quietLog: SourceLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** What a source under test runs with: `sink` for its commits, the wall clock (or `now`), no log lines. */
export function quietContext(sink: SourceSink, now: () => number = () => Date.now()): SourceContext {
  return { sink, now, log: quietLog };
}

/**
 * A source that does nothing and says it is up: for the hub's side of a source (its sink, the device registry),
 * where the reports are the test's own.
 */
export function idleSource(id: string, kind: Source['kind'], state: SourceStatus['state']): Source {
  return {
    id,
    kind,
    start: async () => undefined,
    stop: async () => undefined,
    status: () => ({
      id,
      kind,
      state,
      peers: 0,
      counts: { received: 0, committed: 0, refused: 0, errors: 0 },
      lastRefused: [],
    }),
  };
}
