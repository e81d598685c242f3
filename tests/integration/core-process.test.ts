import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTICE_CONSOLE_RESTARTED, type Envelope } from '../../shared/contract';
import { CoreClient, type CoreChild } from '../../electron/main/core-client';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { alive, childrenOf } from '../support/processes';

/**
 * The Electron shell's core process, driven as the shell drives it — through CoreClient — with Node's fork in
 * place of Electron's utilityProcess (the same messages; Electron cannot run here). Proves calls and pushed
 * events per window, a SIGKILLed or SIGSEGVed core back and serving with nothing committed lost, pending calls
 * answered rather than hung, and a configuration error not restarted in a loop.
 */
const ENTRY = resolve(import.meta.dirname, '../../electron/main/core-process.ts');

interface Harness {
  client: CoreClient;
  events: { win: number; name: string; payload: unknown }[];
  restarts: string[];
  gaveUp: string[];
  children: ChildProcess[];
}

function harness(
  argv: string[],
  watchdog: { everyMs: number; missMs: number } | false = false,
  env: Record<string, string> = {},
): Harness {
  const h: Harness = {
    client: undefined as unknown as CoreClient,
    events: [],
    restarts: [],
    gaveUp: [],
    children: [],
  };
  h.client = new CoreClient({
    spawn: (restarted): CoreChild => {
      const proc = fork(ENTRY, argv, {
        execArgv: ['--import', 'tsx'],
        env: {
          ...process.env,
          CONSOLE_DEMO_SCENARIO: 'off',
          // No recorders unless a test asks: ten x264 encoders on the demo cameras would load the rest of the run.
          CONSOLE_RECORDINGS: 'off',
          ...env,
          ...(restarted ? { CONSOLE_RESTARTED: JSON.stringify(restarted) } : {}),
        },
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      });
      h.children.push(proc);
      return {
        post: (message) => void proc.send(message),
        onMessage: (listener) => proc.on('message', listener),
        onExit: (listener) => proc.on('exit', listener),
        kill: () => void proc.kill('SIGKILL'),
      };
    },
    deliver: (win, name, payload) => h.events.push({ win, name, payload }),
    onRestarted: (reason) => h.restarts.push(reason),
    onGaveUp: (reason) => h.gaveUp.push(reason),
    log: () => undefined,
    policy: { delaysMs: [0, 200], windowMs: 60_000, loopAfter: 5, pauseMs: 30_000 },
    watchdog,
  });
  return h;
}

const ok = <T>(envelope: Envelope<T>): T => {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value;
};

describe('the Electron shell runs the core in its own process and restarts it', () => {
  let tmp: ReturnType<typeof tempDir>;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.client.stop(5000);
    for (const c of h?.children ?? []) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    h = undefined;
    tmp.cleanup();
  });

  it('serves each window its calls and events, and comes back after SIGKILL and SIGSEGV with its data', async () => {
    tmp = tempDir('core-process-');
    // The recorders on: their ffmpeg processes must not outlive a killed core.
    h = harness(['--data-dir', tmp.dir, '--osmand-port', 'off'], false, { CONSOLE_RECORDINGS: 'on' });
    await h.client.start();
    const win = 7;
    ok(
      await h.client.call(win, 'auth.setup', {
        username: 'admin',
        name: '管理员',
        password: 'Night-Desk-2026',
      }),
    );
    const info = ok(await h.client.call(win, 'system.info', {})) as { product: string; carrier: string };
    expect(info.carrier).toBe('ipc');
    const raised = ok(
      await h.client.call(win, 'alarms.raise', { type: 'intrusion', text: 'core process test' }),
    ) as { id: string };
    // Events reach the window that is signed in, tagged with it.
    await until(
      'alarms.changed pushed to the window',
      () => h!.events.some((e) => e.win === win && e.name === 'alarms.changed'),
      10_000,
    );
    // Another window that never signed in gets no alarms.
    expect(await h.client.call(8, 'alarms.open', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });

    for (const signal of ['SIGKILL', 'SIGSEGV'] as const) {
      const before = h.children.at(-1)!;
      // The core's recorders, once it has told the shell about them.
      const ffmpegs = await until('the core reports its recorders', () => {
        const running = childrenOf(before.pid!, 'ffmpeg');
        const reported = h!.client.childProcesses;
        return running.length > 0 && running.every((pid) => reported.includes(pid)) && running;
      });
      const started = Date.now();
      const inFlight = h.client.call(win, 'system.info', {});
      before.kill(signal);
      // A call in flight is answered, not left hanging.
      const answer = await inFlight;
      if (!answer.ok) expect(answer.error.code).toBe('unavailable');
      await until(
        `a new core serving after ${signal}`,
        () => h!.client.serving && h!.children.at(-1) !== before,
        20_000,
      );
      const tookMs = Date.now() - started;
      expect(h.restarts.at(-1)).toContain(signal);
      // What the dead core left running was ended by the shell.
      expect(ffmpegs.filter(alive)).toEqual([]);
      // The restarted core knows nobody (sessions were in the dead one): sign in again, as a reloaded window does.
      ok(await h.client.call(win, 'auth.login', { username: 'admin', password: 'Night-Desk-2026' }));
      const open = ok(await h.client.call(win, 'alarms.open', {})) as { alarms: { id: string }[] };
      expect(open.alarms.map((a) => a.id)).toContain(raised.id);
      const notices = ok(await h.client.call(win, 'notices.recent', {})) as { notices: { code: string }[] };
      expect(notices.notices.map((n) => n.code)).toContain(NOTICE_CONSOLE_RESTARTED);
      console.log(`core process back after ${signal} in ${tookMs} ms`);
    }
  }, 120_000);

  it('kills and restarts a core whose event loop stopped answering (frozen), and leaves a healthy one alone', async () => {
    tmp = tempDir('core-process-frozen-');
    h = harness(['--data-dir', tmp.dir, '--osmand-port', 'off'], { everyMs: 200, missMs: 3000 });
    await h.client.start();
    ok(
      await h.client.call(1, 'auth.setup', {
        username: 'admin',
        name: '管理员',
        password: 'Night-Desk-2026',
      }),
    );
    // A healthy core answers the pings: nothing is restarted while it serves for a while.
    await new Promise((r) => setTimeout(r, 4000));
    expect(h.restarts).toEqual([]);
    expect(h.children).toHaveLength(1);

    // SIGSTOP freezes the process as an endless loop would: alive, its event loop never turning.
    const frozen = h.children.at(-1)!;
    const started = Date.now();
    frozen.kill('SIGSTOP');
    const inFlight = h.client.call(1, 'system.info', {});
    await until(
      'a new core serving after the freeze',
      () => h!.client.serving && h!.children.at(-1) !== frozen,
      30_000,
    );
    expect((await inFlight).ok).toBe(false);
    expect(frozen.signalCode).toBe('SIGKILL');
    expect(h.restarts.at(-1)).toBe('not responding for 3 s');
    ok(await h.client.call(1, 'auth.login', { username: 'admin', password: 'Night-Desk-2026' }));
    console.log(`frozen core replaced after ${Date.now() - started} ms`);
  }, 90_000);

  it('does not restart a core whose configuration must be fixed', async () => {
    tmp = tempDir('core-process-bad-');
    const site = join(tmp.dir, 'site.json');
    writeFileSync(site, '{ "not": "a site" }');
    h = harness(['--data-dir', tmp.dir, '--site', site, '--osmand-port', 'off']);
    void h.client.start();
    await until('the shell gives up', () => h!.gaveUp.length > 0, 30_000);
    expect(h.gaveUp[0]).toBe('exit code 2');
    expect(h.children).toHaveLength(1);
    expect(await h.client.call(1, 'system.info', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
  }, 60_000);
});
