import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import type { SourceReport, SourceSink, SourceStatus } from '../../electron/hub/sources/source';
import { ALARM_TYPES } from '../../shared/domain/alarm';
import { rawExchange, type RawOptions } from '../support/raw-http';
import { until } from '../support/until';

/**
 * What one boundary of the fuzz suite reports. A boundary is one file in tests/fuzz/boundaries/ that default-exports
 * a `Boundary`; the runner finds it by itself, so adding a boundary (hub messages, say) is adding a file.
 */
export interface BoundaryResult {
  cases: number;
  /** Times the process under test would have ended (an uncaught exception) or a server stopped listening. */
  crashes: number;
  /** A later valid request (or alarm) not served within 2 s, or a slow client never dropped. */
  stalls: number;
  /** Rows the run left in the database that break its rules (checked after the run). */
  invalid_rows: number;
  /** Uncaught exceptions and unhandled rejections in the process while this boundary ran. */
  unhandled: number;
  /** Short notes for a person: what the stalls or invalid rows were. */
  notes: string[];
}

export interface FuzzContext {
  /** How many cases this boundary runs. */
  cases: number;
  seed: number;
  /** The probe deadline: a valid request not answered within this is a stall. */
  stallMs: number;
  progress(line: string): void;
}

export interface Boundary {
  name: string;
  /** This boundary's share of the total case count. */
  weight: number;
  run(ctx: FuzzContext, tally: Tally): Promise<void>;
}

/** The counters a boundary adds to while it runs; the runner adds the unhandled ones. */
export class Tally {
  cases = 0;
  crashes = 0;
  stalls = 0;
  invalidRows = 0;
  readonly notes: string[] = [];

  note(line: string): void {
    if (this.notes.length < 20) this.notes.push(line);
  }

  stall(what: string): void {
    this.stalls++;
    this.note(`stall: ${what}`);
  }

  invalid(what: string, n = 1): void {
    if (n <= 0) return;
    this.invalidRows += n;
    this.note(`invalid rows: ${what} (${n})`);
  }
}

/**
 * Cases drawn deterministically from a seed, in small chunks: 100,000 of them never sit in memory at once, and
 * drawing never blocks the event loop the servers under test share long enough to look like a stall.
 */
export function* draw<T>(arb: fc.Arbitrary<T>, total: number, seed: number, chunk = 40): Generator<T> {
  let left = total;
  let round = 0;
  while (left > 0) {
    const n = Math.min(chunk, left);
    yield* fc.sample(arb, { numRuns: n, seed: seed + round++ });
    left -= n;
  }
}

/** Runs `work` over the items with at most `limit` at a time. */
export async function pool<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T, index: number) => Promise<void>,
) {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  const lane = async () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      await work(next.value, index++);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

/**
 * Runs `work` on each of the boundary's cases (`arb` drawn with the run's seed), `lanes` at a time, and counts each
 * case in the tally once its work is done; a progress line every 2,000 cases. With `slow`, case `slow.at` of every
 * 400 is instead a slow-loris connection (slowLoris) that runs alongside the others; all of them have ended when
 * this resolves.
 */
export async function eachCase<T>(
  ctx: FuzzContext,
  tally: Tally,
  arb: fc.Arbitrary<T>,
  lanes: number,
  work: (item: T, index: number) => Promise<void>,
  slow?: { at: number; port: number; lines: string[]; options?: Partial<RawOptions> },
): Promise<void> {
  const slowOnes: Array<Promise<void>> = [];
  await pool(draw(arb, ctx.cases, ctx.seed), lanes, async (item, index) => {
    if (slow && index % 400 === slow.at) slowOnes.push(slowLoris(tally, slow.port, slow.lines, slow.options));
    else await work(item, index);
    tally.cases++;
    if (tally.cases % 2000 === 0) ctx.progress(`${tally.cases} cases`);
  });
  await Promise.all(slowOnes);
}

/** Resolves with the value, or with `undefined` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/**
 * Runs `probe` — a valid input that must still get through while the cases run — again and again, `everyMs` apart,
 * until `stop()`, which waits for the probe in flight; `finish()` stops and then probes once more, after the last
 * case. The probe reports its own stalls to the tally.
 */
export function probeWhile(
  probe: () => Promise<unknown>,
  everyMs = 1000,
): { stop(): Promise<void>; finish(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) {
      await probe();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
  };
  return {
    stop,
    async finish() {
      await stop();
      await probe();
    },
  };
}

/** The header timeout the HTTP servers under fuzz get: short, so that slow-loris cases end quickly. */
export const HEADERS_TIMEOUT_MS = 2000;

/**
 * A slow-loris client: `lines` (a request line and headers) dribbled 700 ms apart and never finished. The server
 * must drop it once its header timeout (HEADERS_TIMEOUT_MS) is up; still open 4 s later, it is a stall.
 */
async function slowLoris(
  tally: Tally,
  port: number,
  lines: string[],
  options: Partial<RawOptions> = {},
): Promise<void> {
  const a = await rawExchange(port, lines, {
    dribbleMs: 700,
    timeoutMs: HEADERS_TIMEOUT_MS + 4000,
    ...options,
  });
  if (a.end === 'timeout') tally.stall('a slow-loris connection was never dropped');
}

/** True once `cond` holds (polled every `everyMs`), false if it still does not after `ms`; it never polls on. */
export function waitUntil(cond: () => boolean, ms: number, everyMs = 20): Promise<boolean> {
  // A stall is a finding the caller counts, not an error: support/until's timeout becomes `false`.
  return until('a fuzz probe', () => cond() || undefined, ms, everyMs).then(
    () => true,
    () => false,
  );
}

/**
 * The probe of a camera-event source, started at once: the probe camera's rule turns active and inactive in turn,
 * a second apart, and each change must be in the log (an alarm, then its restore) within the stall deadline;
 * `ready` says the camera's stream or subscription is up. After a stall the count starts again from what the log
 * holds. `finish()` stops it after one last probe.
 */
export function toggleProbe(
  ctx: FuzzContext,
  tally: Tally,
  reports: ReadonlyMap<string, SourceReport>,
  o: {
    deviceId: string;
    ready(): boolean;
    notReady: string;
    fire(active: boolean): void;
    detail?: () => string;
  },
): { finish(): Promise<void>; readonly count: number } {
  let probes = 0;
  let active = false;
  const committed = () =>
    [...reports.values()].filter(
      (r) => r.device.id === o.deviceId && (r.kind === 'alarm' || r.kind === 'restore'),
    ).length;
  const probe = async () => {
    if (!o.ready() && !(await waitUntil(() => o.ready(), ctx.stallMs))) return tally.stall(o.notReady);
    active = !active;
    probes++;
    o.fire(active);
    if (await waitUntil(() => committed() >= probes, ctx.stallMs)) return;
    const more = o.detail ? ` (${o.detail()}, ${committed()} probe reports)` : '';
    tally.stall(
      `probe ${probes}: ${active ? 'alarm' : 'restore'} not committed within ${ctx.stallMs} ms${more}`,
    );
    probes = committed();
    active = probes % 2 === 1;
  };
  const prober = probeWhile(probe);
  return {
    get count() {
      return probes;
    },
    finish: () => prober.finish(),
  };
}

/**
 * The cameras a camera source under fuzz reads from the hostile server at `url`: motion raised as alarms, so that
 * every path from an event to a report is taken.
 */
export function hostileCameras(names: readonly string[], url: string, username: string, password: string) {
  return names.map((camera) => ({ camera, url, username, password, motion: { mode: 'alarm' as const } }));
}

/** The hub log a source under fuzz commits to: `reports` holds the first report of each key, as committed. */
export interface FuzzLog {
  readonly sink: SourceSink;
  readonly reports: Map<string, SourceReport>;
}

/**
 * A hub log that refuses the commits `refuse` picks, as a full disk would: the source must give those inputs back
 * and never acknowledge them.
 */
export function fuzzLog(refuse: (report: SourceReport) => boolean): FuzzLog {
  const reports = new Map<string, SourceReport>();
  return {
    reports,
    sink: {
      commit(report) {
        if (refuse(report)) return Promise.reject(new Error('the log refused'));
        if (!reports.has(report.key)) reports.set(report.key, structuredClone(report));
        return Promise.resolve();
      },
    },
  };
}

/** Picks one report in `n` of those that are not `spared` (a probe's, say): the commits a fuzz log refuses. */
export function oneIn(n: number, spared: (report: SourceReport) => boolean = () => false) {
  let seen = 0;
  return (report: SourceReport): boolean => !spared(report) && ++seen % n === 0;
}

/** One of the names, each as often as its weight says: `{ whole: 10, cut: 1 }` is a cut case in eleven. */
export function weighted<K extends string>(weights: Record<K, number>): fc.Arbitrary<K> {
  return fc.oneof(
    ...(Object.entries(weights) as Array<[K, number]>).map(([name, weight]) => ({
      weight,
      arbitrary: fc.constant(name),
    })),
  );
}

/** Starts `server` on a free loopback port: its URL, and a close that ends the connections still open. */
export async function listenLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A loopback address other than 127.0.0.1: per-address limits see many senders. */
export const loopbackArb = fc
  .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 254 }))
  .map(([a, b]) => `127.0.${a}.${b}`);

/** Text that tends to break parsers: escapes, separators, control and non-BMP characters, numbers at the edges. */
export const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    '%ZZ',
    '%00',
    '%C0%AF',
    '..%2f..%2f',
    '\u0000',
    '\uD800',
    '💥',
    'NaN',
    'Infinity',
    '-1e999',
    '1e308',
    '9007199254740993',
    '-0',
    '0x1F',
    '',
    ' ',
    '&&&',
    '===',
    '{"a":',
    '[[[[[[[[',
    '\r\n',
  ),
);

/** A percent-encoded form of arbitrary bytes (valid escapes of invalid UTF-8 among them). */
export const escapedBytes = fc
  .uint8Array({ maxLength: 24 })
  .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join(''));

/**
 * What every report an equipment source committed must be, whatever it was fed (checked after its fuzz run): a
 * bounded key, a device of this source, one of the kinds it may give, a time, an alarm type the console knows
 * (for alarms and restores) and bounded origin text; a camera's report links exactly one camera.
 */
export function checkSourceReports(
  tally: Tally,
  reports: readonly SourceReport[],
  o: {
    kinds: readonly SourceReport['kind'][];
    device(id: string): boolean;
    keyMax: number;
    originMax?: number;
    oneCamera?: boolean;
  },
): void {
  tally.invalid(
    `reports without a key, a device of this source, a known kind${o.oneCamera ? ', one linked camera' : ''} or a time`,
    reports.filter(
      (r) =>
        !r.key ||
        r.key.length > o.keyMax ||
        !o.device(r.device.id) ||
        !o.kinds.includes(r.kind) ||
        (o.oneCamera === true && r.cameras?.length !== 1) ||
        !Number.isFinite(r.at),
    ).length,
  );
  tally.invalid(
    'alarms or restores without a known type',
    reports.filter((r) => (r.kind === 'alarm' || r.kind === 'restore') && !KNOWN_TYPES.has(r.type ?? ''))
      .length,
  );
  const originMax = o.originMax;
  if (originMax !== undefined)
    tally.invalid(
      'origins with unbounded text',
      reports.filter((r) =>
        Object.values(r.origin).some((v) => typeof v === 'string' && v.length > originMax),
      ).length,
    );
}

/** A source's status after a fuzz run: at most 10 refused inputs kept, each cut. */
export function checkSourceStatus(tally: Tally, status: SourceStatus): void {
  tally.invalid(
    'a status with more than 10 refused inputs or unbounded raw text',
    status.lastRefused.length > 10 || status.lastRefused.some((r) => r.raw.length > 400) ? 1 : 0,
  );
}

/**
 * What a camera source must have left after its fuzz run: every report well formed, for one of `cameras` and
 * linking exactly one camera, and its status bounded. The reports and the status are for the run's progress line.
 */
export function checkCameraSource(
  tally: Tally,
  reports: ReadonlyMap<string, SourceReport>,
  source: { status(): SourceStatus },
  o: { sourceId: string; cameras: readonly { camera: string }[]; keyMax: number; originMax: number },
): { all: SourceReport[]; status: SourceStatus } {
  const all = [...reports.values()];
  checkSourceReports(tally, all, {
    kinds: ['alarm', 'restore', 'state', 'event'],
    device: (id) => o.cameras.some((c) => id === `${o.sourceId}:${c.camera}`),
    keyMax: o.keyMax,
    originMax: o.originMax,
    oneCamera: true,
  });
  const status = source.status();
  checkSourceStatus(tally, status);
  return { all, status };
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(ALARM_TYPES);

/** A spreadsheet a supervisor might pick for an import: its format, and raw bytes or the rows of an .xlsx to write. */
export interface SheetCase {
  format: 'csv' | 'xlsx';
  bytes: Uint8Array | { rows: string[][] };
}

/**
 * A cell of an import's spreadsheet: hostile text (weight 3), the feature's own likely values (`samples`, at
 * `weight`), any short text, or what a CSV writer quotes and a spreadsheet evaluates (weight 1 each).
 */
export function sheetCell(samples: readonly string[], weight: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: nastyText },
    { weight, arbitrary: fc.constantFrom(...samples) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('"', '""', '"a,b"', '\r', '\n', ',', '\uFEFF', "'=1+1", '=cmd|x'),
    },
  );
}

/**
 * The files an import boundary tries: random bytes as either format, a CSV of `cell`s under some of `header`'s
 * columns (UTF-8 or Latin-1, any line end), and an .xlsx of them under the whole header.
 */
export function sheetCases(
  header: string[],
  cell: fc.Arbitrary<string>,
  maxCells: number,
): fc.Arbitrary<SheetCase> {
  const rows = fc.array(fc.array(cell, { maxLength: maxCells }), { maxLength: 12 });
  return fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ format: 'csv' as const, bytes })),
    fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ format: 'xlsx' as const, bytes })),
    fc
      .tuple(
        fc.subarray(header, { minLength: 1 }),
        rows,
        fc.constantFrom('utf8', 'latin1'),
        fc.constantFrom('\n', '\r\n', '\r'),
      )
      .map(([head, body, enc, eol]) => ({
        format: 'csv' as const,
        bytes: Buffer.from([head, ...body].map((r) => r.join(',')).join(eol), enc as BufferEncoding),
      })),
    rows.map((body) => ({ format: 'xlsx' as const, bytes: { rows: [header, ...body] } })),
  );
}

/** A case's file as the import methods take it (an .xlsx case written as a one-sheet workbook). */
export async function sheetBase64(c: SheetCase, sheetName: string): Promise<string> {
  if (c.bytes instanceof Uint8Array) return Buffer.from(c.bytes).toString('base64');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  for (const r of c.bytes.rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}
