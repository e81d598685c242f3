/**
 * bench:duty — what signing in, sealing a shift and working the duty log cost on this machine.
 *
 *   npm run bench:duty -- [--json] [--entries 100000] [--shift 10000]
 *
 * A console core on a real SQLite file (WAL, synchronous=FULL) with `--entries` duty-log entries, of which the last
 * `--shift` belong to the open shift. Prints: scrypt sign-in time (production cost), the handover (report + seal)
 * time, the seal check time, and duty-log page / search / CSV times. Not part of `npm test`. The LAST line is one
 * JSON object with `pass` (--json: without the summary before it); `--entries 2000 --shift 200` is a quick run that
 * only checks the benchmark still works.
 *
 * The targets are the usual response-time limits for a person at a desk: a list that reacts within 0.1 s feels
 * instant, an action answered within 1 s keeps the operator's flow, and within 10 s keeps their attention.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { silentLogger } from '../../electron/common/log';
import { log, machine, onCleanup, runBench, type BenchResult } from './lib/harness';
import { numberAtLeast, readOptions } from './lib/options';
import { medianTime } from './lib/stats';

const opts = readOptions('bench:duty', (args) => {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      entries: { type: 'string', default: '100000' },
      shift: { type: 'string', default: '10000' },
    },
  });
  const entries = numberAtLeast('entries', values.entries, 1);
  const shift = numberAtLeast('shift', values.shift, 1);
  if (shift > entries) throw new Error('--shift cannot be more than --entries');
  return { json: values.json, entries, shift };
});

const TARGETS = {
  list_ms: 100,
  sign_in_ms: 1000,
  seal_check_ms: 1000,
  handover_ms: 10_000,
  export_ms: 10_000,
} as const;

interface Figures {
  duty_log_entries: number;
  sealed_shift_entries: number;
  login_scrypt_ms: number;
  handover_report_and_seal_ms: number;
  seal_check_ms: number;
  /** The sealed shift's chain verified (the timing is worth nothing if the check failed). */
  seal_check_ok: boolean;
  duty_page_ms: number;
  duty_kind_filter_ms: number;
  duty_search_ms: number;
  duty_csv_one_kind_ms: number;
  handover_pdf_ms: number;
}

interface Result extends BenchResult, Partial<Figures> {
  machine: ReturnType<typeof machine>;
  targets: typeof TARGETS;
}

const result: Result = { machine: machine(), targets: TARGETS };

async function run(tmp: string): Promise<void> {
  const core = await createDesk({
    dataDir: tmp,
    dbFile: join(tmp, 'console.sqlite'),
    demo: { scenario: false },
    backups: { enabled: false },
    log: silentLogger,
  });
  onCleanup('console core', () => core.stop());
  const call = async (method: string, input: unknown, session = core.openSession('memory', null)) => {
    const env = await core.router.call(method, input, session);
    if (!env.ok) throw new Error(`${method}: ${env.error.message}`);
    return env.value;
  };
  const admin = core.openSession('memory', null);
  await call('auth.setup', { username: 'admin', name: 'Admin', password: 'admin-pass-1' }, admin);
  for (const [username, name, password] of [
    ['li', '李明', 'li-pass-123'],
    ['wang', '王芳', 'wang-pass-1'],
  ] as const)
    await call('operators.save', { username, name, role: 'operator', password }, admin);
  await call('auth.logout', { leaveShift: true }, admin);
  result.login_scrypt_ms = await medianTime(5, () =>
    call('auth.login', { username: 'li', password: 'li-pass-123' }),
  );

  // Old entries belong to an earlier, sealed shift; the last `shift` to the open one.
  log(`${opts.entries} duty-log entries, ${opts.shift} of them in the open shift`);
  await fillDutyLog(core, 0, opts.entries - opts.shift);
  const li = core.openSession('memory', null);
  await call('auth.login', { username: 'li', password: 'li-pass-123' }, li);
  // Seal the old part so the open shift holds only the newest entries.
  const handover = async (out: string, outPw: string, inc: string, incPw: string) => {
    const report = (await call('shift.report', {}, li)) as { items: Array<{ key: string }> };
    return call(
      'shift.handover',
      {
        outgoing: { username: out, password: outPw },
        incoming: { username: inc, password: incPw },
        acknowledged: report.items.map((i) => i.key),
      },
      li,
    );
  };
  await handover('li', 'li-pass-123', 'wang', 'wang-pass-1');
  await fillDutyLog(core, opts.entries - opts.shift, opts.entries);
  const t0 = performance.now();
  const sealed = (await handover('wang', 'wang-pass-1', 'li', 'li-pass-123')) as { sealed: { id: string } };
  result.handover_report_and_seal_ms = Math.round(performance.now() - t0);
  result.duty_log_entries = opts.entries;
  result.sealed_shift_entries = opts.shift;
  const id = sealed.sealed.id;
  result.seal_check_ms = await medianTime(3, () => call('shift.get', { id }, li));
  const { check } = (await call('shift.get', { id }, li)) as { check: { ok: boolean } | null };
  result.seal_check_ok = check?.ok === true;
  result.duty_page_ms = await medianTime(5, () => call('duty.list', { limit: 100 }, li));
  result.duty_kind_filter_ms = await medianTime(5, () =>
    call('duty.list', { filter: { kinds: ['note'] }, limit: 100 }, li),
  );
  result.duty_search_ms = await medianTime(5, () =>
    call('duty.list', { filter: { search: '消防泵房' }, limit: 100 }, li),
  );
  result.duty_csv_one_kind_ms = await medianTime(1, () =>
    call('duty.exportCsv', { filter: { kinds: ['visitor'] } }, li),
  );
  result.handover_pdf_ms = await medianTime(3, () => call('shift.pdf', { id, locale: 'zh-CN' }, li));
}

/** Duty-log rows `from`..`to` (exclusive), one second apart ending now, 500 to a transaction. */
async function fillDutyLog(core: ConsoleCore, from: number, to: number): Promise<void> {
  const kinds = ['alarm', 'camera', 'device', 'note', 'hub_link', 'false_alarm', 'visitor', 'escalation'];
  const row = (i: number) => ({
    at: Date.now() - (opts.entries - i) * 1000,
    kind: kinds[i % kinds.length],
    text: `entry ${i} ${i % 97 === 0 ? '消防泵房' : '巡查正常'}`,
    manual: i % 4 === 3 ? 1 : 0,
    follow_up: 0,
  });
  for (let i = from; i < to; i += 500)
    await core.db.transaction((trx) =>
      trx('duty_log').insert(Array.from({ length: Math.min(500, to - i) }, (_, k) => row(i + k))),
    );
}

const within = (figure: number | undefined, target: number) =>
  figure === undefined ? undefined : figure <= target;

await runBench({
  name: 'bench:duty',
  json: opts.json,
  budgetMs: 10 * 60_000,
  result,
  run,
  pass: (r) => ({
    sign_in: within(r.login_scrypt_ms, TARGETS.sign_in_ms),
    handover: within(r.handover_report_and_seal_ms, TARGETS.handover_ms),
    seal_check: within(r.seal_check_ms, TARGETS.seal_check_ms),
    seal_verifies: r.seal_check_ok,
    duty_page: within(r.duty_page_ms, TARGETS.list_ms),
    duty_kind_filter: within(r.duty_kind_filter_ms, TARGETS.list_ms),
    duty_search: within(r.duty_search_ms, TARGETS.list_ms),
    duty_csv: within(r.duty_csv_one_kind_ms, TARGETS.export_ms),
    handover_pdf: within(r.handover_pdf_ms, TARGETS.export_ms),
  }),
  summary: (r) =>
    Object.entries(r)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => `${k.padEnd(30)} ${String(v)}`)
      .join('\n'),
});
