/**
 * `node --import tsx tests/bench/link.ts [--alarms N] [--protocol V]`: the console's side of a burst, without a
 * page. A real site hub in a child process (lib/hub-client.ts, the same as bench:alarms) publishes N alarms as fast
 * as it can; a console core here (SQLite file, WAL, synchronous=FULL) takes them over socket.io. Reports the wall
 * time from the first publish to the console's cursor at N, the console's CPU per alarm, the hub's CPU and how many
 * socket.io messages the console read. `--protocol 4` makes the console announce version 4 (one `event` message
 * per event) to compare with version 5's `events` batches. Run it with `node --cpu-prof --import tsx ...` to see
 * where the console's time goes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { HubProcess } from './lib/hub-client';
import { startLinkedConsole } from '../support/hub';
import { lastCommittedSeq } from '../../electron/core/hub-link/inbox';
import { silentLogger } from '../../electron/common/log';

const { values } = parseArgs({
  options: { alarms: { type: 'string', default: '10000' }, protocol: { type: 'string' } },
});
const n = Number(values.alarms);
const version = values.protocol === undefined ? undefined : Number(values.protocol);

const dir = mkdtempSync(join(tmpdir(), 'bench-link-'));
const hub = new HubProcess();
try {
  const token = randomBytes(8).toString('hex');
  const url = await hub.start(join(dir, 'hub.sqlite'), token);
  let messages = 0;
  const core = await startLinkedConsole(dir, { url, token }, 'console', {
    log: silentLogger,
    demo: { scenario: false },
    backups: { enabled: false },
    socketFactory: (u, options) => {
      const auth = {
        ...(options.auth as Record<string, unknown>),
        ...(version ? { protocolVersion: version } : {}),
      };
      const socket = io(u, { ...options, auth });
      socket.onAny(() => messages++);
      return socket;
    },
  });
  try {
    while (core.hub.status().state !== 'connected') await new Promise((r) => setTimeout(r, 50));
    const cpu0 = process.cpuUsage();
    const hub0 = await hub.cpuMs();
    const t0 = performance.now();
    await hub.burst('b', n, 4242, true);
    while ((await lastCommittedSeq(core.db)) < n) await new Promise((r) => setTimeout(r, 20));
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    console.log(
      JSON.stringify({
        alarms: n,
        protocol: version ?? 'current',
        wall_ms: Math.round(ms),
        committed_per_s: Math.round((n / ms) * 1000),
        console_cpu_ms_per_alarm: Math.round(((cpu.user + cpu.system) / 1000 / n) * 1000) / 1000,
        hub_cpu_ms: Math.round((await hub.cpuMs()) - hub0),
        console_messages_read: messages,
      }),
    );
  } finally {
    await core.stop();
  }
} finally {
  await hub.stopHub().catch(() => undefined);
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
}
