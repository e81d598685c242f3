/**
 * bench:duty — what signing in, sealing a shift and working the duty log cost on this machine.
 *
 *   npm run bench:duty -- [--json] [--entries 100000] [--shift 10000]
 *
 * A console core on a real SQLite file (WAL, synchronous=FULL) with `--entries` duty-log entries, of which the last
 * `--shift` belong to the open shift. Prints: scrypt sign-in time (production cost), the handover (report + seal)
 * time, the seal check time, and duty-log page / search / CSV times. Not part of `npm test`.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createConsoleCore } from '../../electron/core';
import { silentLogger } from '../../electron/core/util/log';
import { tempDir } from '../support/temp';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    entries: { type: 'string', default: '100000' },
    shift: { type: 'string', default: '10000' },
  },
});
const total = Number(values.entries);
const inShift = Number(values.shift);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function time(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return Math.round(median(ms) * 10) / 10;
}

const tmp = tempDir('bench-duty-');
const core = await createConsoleCore({
  dataDir: tmp.dir,
  dbFile: join(tmp.dir, 'console.sqlite'),
  demo: { scenario: false },
  backups: { enabled: false },
  log: silentLogger,
});
try {
  const call = async (method: string, input: unknown, session = core.openSession('memory', null)) => {
    const env = await core.router.call(method, input, session);
    if (!env.ok) throw new Error(`${method}: ${env.error.message}`);
    return env.value;
  };
  const admin = core.openSession('memory', null);
  await call('auth.setup', { username: 'admin', name: 'Admin', password: 'admin-pass-1' }, admin);
  await call(
    'operators.save',
    { username: 'li', name: '李明', role: 'operator', password: 'li-pass-123' },
    admin,
  );
  await call(
    'operators.save',
    { username: 'wang', name: '王芳', role: 'operator', password: 'wang-pass-1' },
    admin,
  );
  await call('auth.logout', { leaveShift: true }, admin);
  const loginMs = await time(5, () => call('auth.login', { username: 'li', password: 'li-pass-123' }));

  // Old entries belong to an earlier, sealed shift; the last `inShift` to the open one.
  const kinds = ['alarm', 'camera', 'device', 'note', 'hub_link', 'false_alarm', 'visitor', 'escalation'];
  const row = (i: number) => ({
    at: Date.now() - (total - i) * 1000,
    kind: kinds[i % kinds.length],
    text: `entry ${i} ${i % 97 === 0 ? '消防泵房' : '巡查正常'}`,
    manual: i % 4 === 3 ? 1 : 0,
    follow_up: 0,
  });
  const insert = async (from: number, to: number) => {
    for (let i = from; i < to; i += 500)
      await core.db.transaction((trx) =>
        trx('duty_log').insert(Array.from({ length: Math.min(500, to - i) }, (_, k) => row(i + k))),
      );
  };
  await insert(0, total - inShift);
  const li = core.openSession('memory', null);
  await call('auth.login', { username: 'li', password: 'li-pass-123' }, li);
  // Seal the old part so the open shift holds only the newest entries.
  const handover = async (out: string, outPw: string, inc: string, incPw: string, session = li) => {
    const report = (await call('shift.report', {}, session)) as { items: Array<{ key: string }> };
    return call(
      'shift.handover',
      {
        outgoing: { username: out, password: outPw },
        incoming: { username: inc, password: incPw },
        acknowledged: report.items.map((i) => i.key),
      },
      session,
    );
  };
  await handover('li', 'li-pass-123', 'wang', 'wang-pass-1');
  await insert(total - inShift, total);
  const t0 = performance.now();
  const sealed = (await handover('wang', 'wang-pass-1', 'li', 'li-pass-123')) as { sealed: { id: string } };
  const handoverMs = Math.round(performance.now() - t0);
  const verifyMs = await time(3, () => call('shift.get', { id: sealed.sealed.id }, li));
  const pageMs = await time(5, () => call('duty.list', { limit: 100 }, li));
  const kindMs = await time(5, () => call('duty.list', { filter: { kinds: ['note'] }, limit: 100 }, li));
  const searchMs = await time(5, () => call('duty.list', { filter: { search: '消防泵房' }, limit: 100 }, li));
  const csvMs = await time(1, () => call('duty.exportCsv', { filter: { kinds: ['visitor'] } }, li));
  const pdfMs = await time(3, () => call('shift.pdf', { id: sealed.sealed.id, locale: 'zh-CN' }, li));

  const result = {
    duty_log_entries: total,
    sealed_shift_entries: inShift,
    login_scrypt_ms: loginMs,
    handover_report_and_seal_ms: handoverMs,
    seal_check_ms: verifyMs,
    duty_page_ms: pageMs,
    duty_kind_filter_ms: kindMs,
    duty_search_ms: searchMs,
    duty_csv_one_kind_ms: csvMs,
    handover_pdf_ms: pdfMs,
  };
  if (!values.json) for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(30)} ${v}`);
  console.log(JSON.stringify(result));
} finally {
  await core.stop();
  tmp.cleanup();
}
