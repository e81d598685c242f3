import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView, GuardView, OperatorView } from '../../shared/contract';
import type { SiteFileInput } from '../../shared/domain/site';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { sha256 } from '../../electron/core/guards/devices';
import { ManualClock } from '../../electron/common/clock';
import { silentLogger } from '../../electron/common/log';
import { demoPhone } from '../support/demo-phones';
import { rawExchange } from '../support/raw-http';
import { tempDir } from '../support/temp';

const supervisor: OperatorView = { id: 'sup-wang', name: '王主管', role: 'supervisor' };
const START = Date.UTC(2026, 10, 24, 2, 0);
const DEMO = resolve(import.meta.dirname, '../../resources/demo-site');
/** A secret the site file names only by its hash. */
const HASHED_SECRET = 'hashed-in-the-site-file-0123456789';

function writeSite(dir: string, tracking: Record<string, unknown> = {}): string {
  const site = JSON.parse(readFileSync(join(DEMO, 'site.json'), 'utf8')) as SiteFileInput & {
    guards: Array<{ id: string; devices: string[] }>;
    tracking: Record<string, unknown>;
  };
  copyFileSync(join(DEMO, 'plan.svg'), join(dir, 'plan.svg'));
  // guard-01 keeps a guessable id as older site files had; guard-02's id is given as a hash.
  site.guards.find((g) => g.id === 'guard-01')!.devices = ['guard-phone-01'];
  site.guards.find((g) => g.id === 'guard-02')!.devices = [`sha256:${sha256(HASHED_SECRET)}`];
  site.tracking = { ...site.tracking, ...tracking };
  const file = join(dir, 'site.json');
  writeFileSync(file, JSON.stringify(site));
  return file;
}

/** One OsmAnd report from a chosen local address (each test its own sender, so rate limits do not mix). */
function report(
  port: number,
  query: string,
  from = '127.0.0.1',
): Promise<{ status: number; text: string; retryAfter?: string }> {
  return new Promise((resolveReport, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/?${query}`, method: 'POST', localAddress: from, agent: false },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolveReport({
            status: res.statusCode ?? 0,
            text,
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the guards’ phone endpoint over real sockets', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let clock: ManualClock;
  let port: number;
  const seconds = () => Math.floor(clock.now() / 1000);
  const positions = async (guardId: string) =>
    (await core.db('guard_positions').where({ guard_id: guardId }).orderBy('id')) as Array<{
      lat: number;
      lon: number;
      at: number;
      flag: string | null;
    }>;
  const view = (guardId: string): GuardView => core.guards.view(guardId);

  beforeAll(async () => {
    tmp = tempDir();
    clock = new ManualClock(START);
    core = await createDesk({
      dataDir: tmp.dir,
      dbFile: join(tmp.dir, 'console.sqlite'),
      sitePath: writeSite(tmp.dir),
      demo: { scenario: false },
      clock,
      log: silentLogger,
      backups: { enabled: false },
      osmand: { port: 0, host: '127.0.0.1' },
    });
    port = core.osmandPort!;
  });
  afterAll(async () => {
    await core.stop();
    tmp.cleanup();
  });

  const stillServes = async () => {
    const ok = await report(
      port,
      `id=${demoPhone('guard-03')}&lat=30.2716&lon=120.152&timestamp=${seconds()}`,
      '127.0.0.9',
    );
    expect(ok.status).toBe(200);
  };

  it('a POST cut off mid-body is dropped and the endpoint keeps serving', async () => {
    const cut = await rawExchange(
      port,
      [
        `POST /?id=x HTTP/1.1\r\nHost: c\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\n`,
        'lat=30.27&',
      ],
      { hangUp: true, localAddress: '127.0.0.2' },
    );
    expect(cut.end).not.toBe('timeout');
    await stillServes();
  });

  it('a request target that is not a URL (//a:99999/) is a 400, not a crash', async () => {
    const bad = await rawExchange(port, ['GET //a:99999/ HTTP/1.1\r\nHost: c\r\n\r\n'], {
      localAddress: '127.0.0.3',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/not a URL path/);
    await stillServes();
  });

  it('guessable ids get nothing: 600 guesses store no position and the guesser is slowed to 429', async () => {
    const statuses: number[] = [];
    for (let n = 1; n <= 600; n++) {
      const id = `guard-phone-${String(n % 100).padStart(2, '0')}`;
      statuses.push(
        (await report(port, `id=${id}&lat=30.27&lon=120.15&timestamp=${seconds()}&alarm=sos`, '127.0.0.4'))
          .status,
      );
    }
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    // The first refusals say why (403); after a few dozen the address is refused outright.
    expect(statuses.slice(0, 20).every((s) => s === 403)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(500);
    expect(await positions('guard-01')).toEqual([]);
    expect((await core.alarms.openAlarms()).filter((a) => a.type === 'guard_sos')).toEqual([]);
  });

  it('a short id from an old site file is refused with what to do; a hashed one in the file works', async () => {
    const weak = await report(port, `id=guard-phone-01&lat=30.27&lon=120.15`, '127.0.0.5');
    expect(weak.status).toBe(403);
    expect(weak.text).toMatch(/too short to be a secret/);
    // The console says so where people look, not only in the log, in its own language (zh-CN by default).
    const notices = (await core.router.call(
      'notices.recent',
      {},
      core.openSession('memory', supervisor),
    )) as {
      ok: true;
      value: { notices: Array<{ code: string; message: string }> };
    };
    expect(notices.value.notices.find((n) => n.code === 'guard-device')?.message).toMatch(
      /保安 guard-01 的第 1 台手机设备号只有 14 个字符，太短/,
    );
    const hashed = await report(
      port,
      `id=${HASHED_SECRET}&lat=30.2735&lon=120.1505&timestamp=${seconds()}`,
      '127.0.0.5',
    );
    expect(hashed.status).toBe(200);
    expect(view('guard-02').last?.position).toEqual({ lat: 30.2735, lon: 120.1505 });
  });

  it('a supervisor issues a phone a secret with Traccar Client links; it reports until it is revoked', async () => {
    const session = core.openSession('memory', supervisor);
    const issued = await core.router.call(
      'guards.issueDevice',
      { guardId: 'guard-04', label: '4号机' },
      session,
    );
    expect(issued.ok).toBe(true);
    if (!issued.ok) return;
    const { deviceId, links, device } = issued.value as {
      deviceId: string;
      links: string[];
      device: { id: string };
    };
    expect(deviceId.length).toBeGreaterThanOrEqual(30);
    expect(links).toEqual([`http://127.0.0.1:${port}/?id=${deviceId}&accuracy=high&interval=10`]);
    // Only a hash is stored; the list never shows the secret.
    expect(JSON.stringify(await core.db('guard_devices').select())).not.toContain(deviceId);
    const listed = await core.router.call('guards.devices', {}, session);
    expect(JSON.stringify(listed)).not.toContain(deviceId);
    expect(JSON.stringify(listed)).toContain(device.id);
    // An operator may not issue one.
    const asOperator = await core.router.call(
      'guards.issueDevice',
      { guardId: 'guard-04', label: 'x' },
      core.openSession('memory', { id: 'op', name: 'op', role: 'operator' }),
    );
    expect(asOperator).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const ok = await report(
      port,
      `id=${deviceId}&lat=30.2718&lon=120.1546&timestamp=${seconds()}`,
      '127.0.0.6',
    );
    expect(ok.status).toBe(200);
    expect(
      await core.db('audit_log').where({ action: 'guards.issueDevice', target: 'guard-04' }).first(),
    ).toBeDefined();
    expect((await core.router.call('guards.revokeDevice', { id: device.id }, session)).ok).toBe(true);
    const after = await report(
      port,
      `id=${deviceId}&lat=30.2718&lon=120.1546&timestamp=${seconds()}`,
      '127.0.0.6',
    );
    expect(after.status).toBe(403);
  });

  it("a phone SOS says which device and which address it came from, and never the phone's secret", async () => {
    const id = demoPhone('guard-05');
    const sos = await report(
      port,
      `id=${id}&lat=30.2705&lon=120.1536&timestamp=${seconds()}&alarm=sos`,
      '127.0.0.7',
    );
    expect(sos.status).toBe(200);
    const alarm = (await core.alarms.openAlarms()).find(
      (a: AlarmView) => a.type === 'guard_sos' && a.deviceId === 'guard:guard-05',
    )!;
    expect(alarm.priority).toBe(1);
    expect(alarm.text).toMatch(/guard-05 #1 \(site-guard-05-1\)/);
    expect(alarm.text).toMatch(/127\.0\.0\.7/);
    expect(alarm.text).not.toContain(id);
  });

  it('implausible fixes are kept for the track but flagged: no marker move, no SOS', async () => {
    const id = demoPhone('guard-03');
    const from = '127.0.0.8';
    expect((await report(port, `id=${id}&lat=30.2716&lon=120.152&timestamp=${seconds()}`, from)).status).toBe(
      200,
    );
    clock.advance(2000);
    // 1.2 km in 2 s.
    const jump = await report(
      port,
      `id=${id}&lat=30.2824&lon=120.152&timestamp=${seconds()}&alarm=sos`,
      from,
    );
    expect(jump.status).toBe(200);
    // 1970.
    const old = await report(port, `id=${id}&lat=30.2717&lon=120.152&timestamp=1&alarm=sos`, from);
    expect(old.status).toBe(200);
    const future = await report(port, `id=${id}&lat=30.2717&lon=120.152&timestamp=${seconds() + 3600}`, from);
    expect(future.status).toBe(200);
    expect(view('guard-03').last?.position).toEqual({ lat: 30.2716, lon: 120.152 });
    expect(view('guard-03').duty).not.toBe('sos');
    const rows = await positions('guard-03');
    expect(rows.slice(-3).map((r) => r.flag)).toEqual(['jump', 'time', 'time']);
    expect((await core.alarms.openAlarms()).filter((a) => a.deviceId === 'guard:guard-03')).toEqual([]);
    // The track leaves them out unless asked.
    const track = (from: number, flagged?: boolean) =>
      core.router.call(
        'guards.track',
        { guardId: 'guard-03', from, to: clock.now() + 7_200_000, ...(flagged ? { flagged } : {}) },
        core.openSession('memory', supervisor),
      ) as Promise<{ ok: true; value: { points: Array<{ flag?: string }> } }>;
    expect((await track(clock.now() - 60_000)).value.points.some((p) => p.flag)).toBe(false);
    expect((await track(clock.now() - 60_000, true)).value.points.map((p) => p.flag ?? 'ok')).toContain(
      'jump',
    );
    // Three fixes in a row that agree with each other: the phone really is over there now.
    for (let i = 1; i <= 2; i++) {
      clock.advance(2000);
      await report(port, `id=${id}&lat=${30.2824 + i * 0.00002}&lon=120.152&timestamp=${seconds()}`, from);
    }
    expect(view('guard-03').last?.position.lat).toBeCloseTo(30.28244, 5);
  });

  it('one device cannot flood the store: beyond its burst it gets 429 with Retry-After', async () => {
    const id = demoPhone('guard-04');
    const statuses: Array<{ status: number; retryAfter?: string }> = [];
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      statuses.push(
        await report(port, `id=${id}&lat=30.2718&lon=120.1546&timestamp=${seconds()}`, `127.0.1.${i % 4}`),
      );
    }
    const limited = statuses.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0]!.retryAfter)).toBeGreaterThanOrEqual(1);
    const took = (performance.now() - started) / 1000;
    // The burst (120) and the sustained rate (10/s) over however long this took, no more.
    expect(statuses.filter((s) => s.status === 200).length).toBeLessThanOrEqual(
      120 + Math.ceil(10 * took) + 1,
    );
  });
});

describe('the allow-list of source networks', () => {
  it('refuses a phone outside tracking.allowNetworks and says where to add its network', async () => {
    const tmp = tempDir();
    const core = await createDesk({
      dataDir: tmp.dir,
      dbFile: ':memory:',
      sitePath: writeSite(tmp.dir, { allowNetworks: ['10.99.0.0/16', 'fd00::/8'] }),
      demo: { scenario: false },
      log: silentLogger,
      backups: { enabled: false },
      osmand: { port: 0, host: '127.0.0.1' },
    });
    try {
      const refused = await report(core.osmandPort!, `id=${demoPhone('guard-03')}&lat=30.27&lon=120.15`);
      expect(refused.status).toBe(403);
      expect(refused.text).toMatch(/127\.0\.0\.1.*tracking\.allowNetworks/);
      expect(await core.db('guard_positions').count({ n: '*' }).first()).toMatchObject({ n: 0 });
    } finally {
      await core.stop();
      tmp.cleanup();
    }
  });
});
