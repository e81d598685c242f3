import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import type { OperatorView } from '../../../shared/contract';
import { rawExchange } from '../../support/raw-http';
import { writeSegment } from '../../support/segments';
import { draw, escapedBytes, nastyText, pool, probeWhile, type Boundary } from '../lib';
import { checkDatabase, SECRET_TEXT, startHostUnderTest } from '../web-host-under-test';

const operator: OperatorView = { id: 'fuzz-op', name: 'Fuzz Operator', role: 'operator' };

/** `recordings.export` inputs: mostly near-valid, with hostile ids, reasons, ranges and camera lists. */
const exportInput = fc.record(
  {
    alarmId: fc.oneof(
      { weight: 3, arbitrary: fc.constant('REAL') },
      { weight: 1, arbitrary: fc.constantFrom('..', '../../etc', 'a/b', '', 'nope', '%2e%2e') },
      { weight: 1, arbitrary: nastyText },
    ),
    incidentId: fc.oneof(fc.constant('REAL-INCIDENT'), nastyText),
    reason: fc.oneof(
      { weight: 3, arbitrary: fc.constant('police request 7') },
      { weight: 2, arbitrary: nastyText },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x', 'y'.repeat(501)) },
    ),
    range: fc.record({
      from: fc.oneof(fc.constant('START'), fc.integer(), fc.double(), fc.constant(-1)),
      to: fc.oneof(
        fc.constant('END'),
        fc.constant('LONG'),
        fc.integer(),
        fc.constant(Number.MAX_SAFE_INTEGER),
      ),
    }),
    cameraIds: fc.oneof(
      fc.constant(['cam-01']),
      fc.constant(['cam-02']),
      fc.array(nastyText, { maxLength: 40 }),
      fc.constant([]),
    ),
    extra: fc.constantFrom(undefined, '__proto__', 'path'),
  },
  { requiredKeys: ['reason'] },
);

/** Requests to the download route: a fresh ticket, a used one, hostile ones; tokens good, bad, absent. */
const download = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST'),
  ticket: fc.oneof(
    { weight: 3, arbitrary: fc.constant('fresh') },
    { weight: 2, arbitrary: fc.constant('used') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..',
        '%2e%2e',
        '..%2F..%2Fsecret.txt',
        'a'.repeat(32),
        'a'.repeat(31),
        '',
        '%00'.repeat(11),
      ),
    },
    { weight: 1, arbitrary: escapedBytes },
    { weight: 1, arbitrary: fc.integer({ min: 33, max: 4000 }).map((n) => 'b'.repeat(n)) },
  ),
  suffix: fc.constantFrom('.zip', '.zip', '', '.zip/x', '/../../secret.txt', '.ZIP'),
  token: fc.constantFrom('good', 'good', 'bad', 'none'),
});

const ALLOWED = new Set([200, 400, 401, 404, 405]);

const boundary: Boundary = {
  name: 'web-exports',
  weight: 4,
  async run(ctx, tally) {
    const { core, host, stop } = await startHostUnderTest();
    const start = Math.floor((Date.now() - 120_000) / 1000) * 1000;
    await core.recordings.closed('cam-01', {
      name: writeSegment(core.recordings.root, start, { seconds: 4 }),
      seconds: 4,
    });
    const raised = await core.db.transaction((trx) =>
      core.alarms.receive(trx, {
        source: 'engine',
        sourceId: 'fuzz-exports',
        type: 'intrusion',
        cameras: ['cam-01'],
        raisedAt: start + 2000,
      }),
    );
    if (raised.status === 'duplicate') throw new Error('the fuzz alarm was a duplicate');
    const alarm = raised.alarm;
    const session = core.openSession('memory', operator);
    const call = (method: string, input: unknown) => core.router.call(method, input, session);
    const validExport = {
      alarmId: alarm.id,
      range: { from: start, to: start + 3000 },
      reason: 'probe',
    };
    const first = await call('recordings.export', validExport);
    if (!first.ok) throw new Error(`a valid export was refused: ${JSON.stringify(first.error)}`);
    const exportId = (first.value as { id: string }).id;
    const ticket = async () => {
      const r = await call('recordings.exportDownload', { exportId });
      return r.ok ? /^\/exports\/(.+)\.zip$/.exec((r.value as { url: string }).url)?.[1] : undefined;
    };
    const request = (path: string, method = 'GET') =>
      rawExchange(
        host.port,
        [`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`],
        { timeoutMs: ctx.stallMs + 3000 },
      );

    // The probe: a fresh ticket downloads a ZIP while the fuzz runs.
    const prober = probeWhile(async () => {
      const t = await ticket();
      const answer = await request(`/exports/${t}.zip?token=${host.token}`);
      if (answer.status === 0 && answer.end === 'reset') {
        tally.crashes++;
        tally.note('the web host stopped accepting connections');
      } else if (answer.status !== 200 || !answer.text.includes('manifest.json'))
        tally.stall(`a fresh download ticket was not served (${answer.status || answer.end})`);
    }, 2000);

    const used = await ticket();
    if (used) await request(`/exports/${used}.zip?token=${host.token}`);
    let exportsMade = 1;
    const exportCases = Math.max(20, Math.floor(ctx.cases / 10));
    // The method: hostile inputs are refused at the boundary; only a valid one writes a folder.
    for (const c of draw(exportInput, exportCases, ctx.seed)) {
      const input: Record<string, unknown> = { reason: c.reason };
      if (c.alarmId !== undefined) input.alarmId = c.alarmId === 'REAL' ? alarm.id : c.alarmId;
      if (c.incidentId !== undefined)
        input.incidentId = c.incidentId === 'REAL-INCIDENT' ? alarm.incidentId : c.incidentId;
      if (c.range)
        input.range = {
          from: c.range.from === 'START' ? start : c.range.from,
          to: c.range.to === 'END' ? start + 3000 : c.range.to === 'LONG' ? start + 31 * 60_000 : c.range.to,
        };
      if (c.cameraIds) input.cameraIds = c.cameraIds;
      if (c.extra) input[c.extra] = 'x';
      const r = await call('recordings.export', input);
      tally.cases++;
      if (!r.ok && r.error.code === 'internal')
        tally.invalid(`export failed inside: ${r.error.message.slice(0, 120)}`);
      if (r.ok) {
        exportsMade++;
        const view = r.value as { folder: string; to: number; from: number };
        if (view.to - view.from > 30 * 60_000) tally.invalid('an export longer than 30 min');
        if (!/^\d{8}T\d{6}Z_[A-Za-z0-9._-]+_[A-Za-z0-9_-]{1,8}$/.test(view.folder))
          tally.invalid(`an export folder named ${view.folder.slice(0, 80)}`);
      }
    }

    await pool(draw(download, ctx.cases - tally.cases, ctx.seed + 1), 4, async (c) => {
      const t = c.ticket === 'fresh' ? await ticket() : c.ticket === 'used' ? used : c.ticket;
      const token = c.token === 'good' ? host.token : c.token === 'bad' ? 'nope' : '';
      const path = `/exports/${t}${c.suffix}?token=${token}`;
      const answer = await request(path, c.method);
      tally.cases++;
      if (answer.text.includes(SECRET_TEXT)) tally.invalid(`served a file outside the exports for ${path}`);
      if (answer.status !== 0 && !ALLOWED.has(answer.status))
        tally.invalid(`answered ${answer.status} for ${c.method} ${path.slice(0, 120)}`);
      const valid = c.method === 'GET' && c.ticket === 'fresh' && c.token === 'good' && c.suffix === '.zip';
      const served = answer.status === 200 && /^content-type: application\/zip/im.test(answer.text);
      if (served && !valid) tally.invalid(`sent an export for a refused request: ${path.slice(0, 120)}`);
      if (valid && !served) tally.stall(`a valid download answered ${answer.status || answer.end}`);
      if (tally.cases % 500 === 0) ctx.progress(`${tally.cases} cases`);
    });
    await prober.stop();
    // Every folder in the exports is one the console recorded: nothing a request named.
    const folders = readdirSync(core.recordings.exportsDir);
    const rows = (await core.db('recording_exports').select('folder')) as { folder: string }[];
    if (folders.length !== rows.length || rows.length !== exportsMade)
      tally.invalid(`exports folder holds ${folders.length}, the table ${rows.length}, made ${exportsMade}`);
    await checkDatabase(core, tally);
    await stop();
  },
};

export default boundary;
