import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlarmView, HubEventBody, Notice, OperatorView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import type { SiteHub } from '../../electron/hub/server';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { startLinkedConsole, startSiteHub } from '../support/hub';
import { tempDir } from '../support/temp';
import { requireTool } from '../support/tools';
import { until } from '../support/until';

/**
 * A real full disk: the console's data directory is a 24 MB tmpfs mounted for this test (as root, or through
 * passwordless sudo), filled with a file until the kernel says ENOSPC. Where neither is possible the test cannot
 * prove anything: like a missing system tool, in CI (CI=true) that is a failure with the reason, on a developer
 * machine the test is skipped with it.
 */
const MB = 1024 * 1024;
const op: OperatorView = { id: 'op-li', name: '李明', role: 'operator' };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);

function run(cmd: string[]): { ok: boolean; why: string } {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.error?.message ?? r.stderr ?? '').trim() };
}

/** Mounts a tmpfs at `dir`: directly as root, else with `sudo -n`. */
function mountTmpfs(dir: string, sizeMb: number): { ok: boolean; why: string; sudo: boolean } {
  const args = ['mount', '-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir];
  if (process.platform !== 'linux') return { ok: false, why: 'tmpfs needs Linux', sudo: false };
  if (process.getuid?.() === 0) return { ...run(args), sudo: false };
  const viaSudo = run(['sudo', '-n', ...args]);
  return { ...viaSudo, sudo: true };
}

const outer = tempDir('full-disk-');
const mountPoint = join(outer.dir, 'disk');
mkdirSync(mountPoint);
const mounted = mountTmpfs(mountPoint, 24);
if (!mounted.ok) outer.cleanup();
// Skips on a developer machine that cannot mount, with the reason; fails in CI, which must prove it.
const tmpfs = requireTool(
  'a tmpfs of its own (mount as root or through passwordless sudo)',
  mounted.ok,
  `mount said: ${mounted.why || 'not permitted'}; run the tests as root or allow "sudo -n mount -t tmpfs"`,
);

/** Writes `file` until the file system is full; returns how much it wrote. */
function fillUp(file: string): number {
  const fd = openSync(file, 'a');
  let written = 0;
  try {
    for (const size of [MB, 64 * 1024, 4096, 512]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch {
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe.skipIf(!tmpfs.available)(
  'a full disk: alarms still arrive and show, what can give way gives way, nothing is half-written',
  () => {
    let core: ConsoleCore;
    let hub: SiteHub;
    let hubDir: ReturnType<typeof tempDir>;
    const notices: Notice[] = [];
    const changed: AlarmView[] = [];
    const dataDir = join(mountPoint, 'data');
    const file = join(dataDir, 'console-a.sqlite');

    beforeAll(async () => {
      hubDir = tempDir('full-disk-hub-');
      // The site hub is another machine: its disk is not the console's.
      hub = await startSiteHub(hubDir.dir, 'tok');
      mkdirSync(dataDir, { mode: 0o700 });
      core = await startLinkedConsole(dataDir, { url: hub.url, token: 'tok' }, 'console-a', {
        backups: { enabled: true },
        disk: { warnFreeMb: 6, criticalFreeMb: 2, checkMs: 500, keepBackups: 2 },
      });
      core.bus.subscribe((name, payload) => {
        if (name === 'notice') notices.push(payload as Notice);
        if (name === 'alarms.changed') changed.push(...(payload as { alarms: AlarmView[] }).alarms);
      });
      await until('hub link up', () => core.hub.status().state === 'connected');
    });

    afterAll(async () => {
      await core?.stop().catch(() => undefined);
      await hub?.stop().catch(() => undefined);
      hubDir?.cleanup();
      if (mounted.ok) run([...(mounted.sudo ? ['sudo', '-n'] : []), 'umount', mountPoint]);
      outer.cleanup();
    });

    const call = async <T = unknown>(method: string, input: unknown = {}) =>
      core.router.call(method, input, core.openSession('memory', op)) as Promise<
        { ok: true; value: T } | { ok: false; error: { code: string; message: string } }
      >;
    let n = 0;
    const publish = (type: 'fire' | 'water_leak') => {
      const body: HubEventBody = {
        kind: 'alarm',
        data: { sourceId: `disk-${++n}`, type, zone: 'bldg-01', cameras: [], raisedAt: Date.now() },
      };
      return hub.publish(body).then(() => body.data.sourceId);
    };
    const openBySource = async (sourceId: string) => {
      const r = await call<{ alarms: AlarmView[] }>('alarms.open');
      return r.ok ? r.value.alarms.find((a) => a.sourceId === sourceId) : undefined;
    };
    const codes = () => notices.map((x) => x.code);

    it('gives way in order, tells at once, keeps alarms showing, refuses half-writes, and recovers intact', async () => {
      // What can give way: two old log files, two camera snapshots and an incident one, three old backups.
      const old = (path: string, daysAgo: number) => {
        writeFileSync(path, Buffer.alloc(MB, 1));
        const t = new Date(Date.now() - daysAgo * 86_400_000);
        utimesSync(path, t, t);
      };
      mkdirSync(join(dataDir, 'logs'), { recursive: true });
      mkdirSync(join(dataDir, 'snapshots'), { recursive: true });
      old(join(dataDir, 'logs', 'console.2026-11-01.1.log'), 20);
      old(join(dataDir, 'logs', 'console.2026-11-02.1.log'), 19);
      old(join(dataDir, 'logs', 'console.2026-11-03.1.log'), 0); // the one in use
      old(join(dataDir, 'snapshots', 'cam-01-sub-20261101-100000-000.png'), 18);
      old(join(dataDir, 'snapshots', 'cam-02-main-20261101-100000-000.png'), 17);
      old(join(dataDir, 'snapshots', 'cam-01-incident-20261101-100000-000.png'), 30);
      for (const [i, days] of [16, 15, 14].entries())
        old(join(dataDir, 'backups', `console-2026110${i + 1}-000000-daily.sqlite`), days);
      const stored = await publish('water_leak');
      await until('a stored alarm', () => openBySource(stored));
      // Every later write must grow the WAL, so that the full disk is met, not a reused file.
      await core.db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      const auditBefore = Number(((await core.db('audit_log').count({ n: '*' }).first()) as { n: number }).n);

      // Something else fills the disk. Old logs, camera snapshots and old backups give way, oldest first.
      expect(fillUp(join(mountPoint, 'video-export-1.bin'))).toBeGreaterThan(5 * MB);
      await until('room made', () => codes().includes('disk-low'), 10_000);
      expect(readdirSync(join(dataDir, 'logs')).sort()).toEqual(['console.2026-11-03.1.log']);
      expect(readdirSync(join(dataDir, 'snapshots'))).toEqual(['cam-01-incident-20261101-100000-000.png']);
      const backupsLeft = readdirSync(join(dataDir, 'backups')).filter((f) => f.endsWith('.sqlite'));
      expect(backupsLeft).toHaveLength(2);
      expect(backupsLeft.some((f) => f.endsWith('-start.sqlite'))).toBe(true);
      expect(notices.find((x) => x.code === 'disk-low')!.params).toMatchObject({ freedMb: 6 });

      // It fills again, and nothing is left to give way: the disk is full, and the operator hears it at once.
      fillUp(join(mountPoint, 'video-export-2.bin'));
      const full = await until(
        'told the disk is full',
        () => notices.find((x) => x.code === 'disk-full'),
        5000,
      );
      expect(full.level).toBe('error');
      expect(full.message).toMatch(/^磁盘已满/);

      // A fire from the hub: it cannot be stored, and is shown all the same — in the queue and pushed to pages.
      const fire = await publish('fire');
      const shown = await until('fire shown', () => openBySource(fire));
      expect(shown).toMatchObject({ type: 'fire', priority: 1, state: 'new', unsaved: true });
      expect(await core.db('alarms').where({ source_id: fire }).first()).toBeUndefined();
      await until('pushed to the pages', () => changed.some((a) => a.id === shown.id));
      const queue = await call<{ alarms: AlarmView[] }>('alarms.open');
      expect(queue.ok && queue.value.alarms[0]!.id).toBe(shown.id);

      // The operator's writes are refused whole and say why; nothing of them is in the database.
      const storedView = (await openBySource(stored))!;
      const ack = await call('alarms.acknowledge', { id: storedView.id });
      expect(ack).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(!ack.ok && ack.error.message).toMatch(/disk is full: this was not recorded/);
      expect(
        ((await core.db('alarms').where({ id: storedView.id }).first()) as { state: string }).state,
      ).toBe('new');
      expect(Number(((await core.db('audit_log').count({ n: '*' }).first()) as { n: number }).n)).toBe(
        auditBefore,
      );
      expect(await core.db('outbox').where({ type: 'alarm.acknowledge' }).first()).toBeUndefined();
      const ackUnsaved = await call('alarms.acknowledge', { id: shown.id });
      expect(!ackUnsaved.ok && ackUnsaved.error.message).toMatch(/shown but could not be stored yet/);
      // Recordings give way to the database.
      const snap = await call('streams.snapshot', {
        cameraId: 'cam-01',
        profile: 'sub',
        png: PNG.toString('base64'),
      });
      expect(!snap.ok && snap.error.message).toMatch(/snapshots are not saved until space is freed/);

      // Space comes back: the operator hears it, the hub's replay stores the fire under the id it was shown with.
      rmSync(join(mountPoint, 'video-export-1.bin'));
      rmSync(join(mountPoint, 'video-export-2.bin'));
      await until('told space is back', () => codes().includes('disk-ok'), 10_000);
      const saved = await until(
        'fire stored',
        async () =>
          (await core.db('alarms').where({ source_id: fire }).first()) as { id: string } | undefined,
        15_000,
      );
      expect(saved.id).toBe(shown.id);
      expect((await openBySource(fire))!.unsaved).toBeUndefined();
      expect(await lastCommittedSeq(core.db)).toBe(2);
      expect(await call('alarms.acknowledge', { id: storedView.id })).toMatchObject({ ok: true });
      expect(codes().filter((c) => c.startsWith('disk-'))).toEqual(['disk-low', 'disk-full', 'disk-ok']);

      // The database was never damaged.
      await core.stop();
      const db = new Database(file, { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('SELECT COUNT(*) AS n FROM alarms').get()).toEqual({ n: 2 });
      } finally {
        db.close();
      }
      expect(existsSync(file)).toBe(true);
    });
  },
);
