import { request } from 'node:http';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchdogFromEnv } from '../../electron/web-host/supervisor';
import {
  ConsoleSupervisor,
  DEFAULT_RESTART_POLICY,
  restartDelay,
  type RestartPolicy,
} from '../../electron/web-host/supervisor';
import { until } from '../support/until';
import { alive } from '../support/processes';

const FAKE = resolve(import.meta.dirname, '../support/fake-console-service.ts');

function get(port: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolveBody(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('restart policy', () => {
  it('restarts at once, then backs off to at most 2 s; five stops in a minute is a crash loop', () => {
    const t = 1_000_000;
    const delays = [1, 2, 3, 4].map((n) =>
      restartDelay(
        Array.from({ length: n }, (_, i) => t - i * 1000),
        t,
      ),
    );
    expect(delays.map((d) => d.delayMs)).toEqual([0, 500, 1000, 2000]);
    expect(delays.every((d) => !d.crashLoop && d.delayMs <= 3000)).toBe(true);
    const loop = restartDelay([t - 50_000, t - 40_000, t - 30_000, t - 20_000, t], t);
    expect(loop).toMatchObject({ crashLoop: true, recent: 5 });
    expect(loop.delayMs).toBe(DEFAULT_RESTART_POLICY.pauseMs);
    // Stops older than the window no longer count.
    expect(restartDelay([t - 120_000, t - 110_000, t - 100_000, t - 90_000, t], t)).toMatchObject({
      delayMs: 0,
      crashLoop: false,
    });
  });

  it('reads the watchdog from CONSOLE_WATCHDOG_SEC (default 60 s; 0 is off)', () => {
    expect(watchdogFromEnv({})).toEqual({ missMs: 60_000, everyMs: 2000 });
    expect(watchdogFromEnv({ CONSOLE_WATCHDOG_SEC: '2' })).toEqual({ missMs: 2000, everyMs: 500 });
    expect(watchdogFromEnv({ CONSOLE_WATCHDOG_SEC: '0' })).toBeUndefined();
    expect(watchdogFromEnv({ CONSOLE_WATCHDOG_SEC: 'soon' })).toBeUndefined();
  });
});

describe('the supervisor (with a stand-in console service)', () => {
  let supervisor: ConsoleSupervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop('SIGTERM');
    supervisor = undefined;
  });

  function supervise(
    argv: string[],
    extra: { policy?: RestartPolicy; watchdogMs?: number; spare?: boolean } = {},
  ) {
    const lines: string[] = [];
    supervisor = new ConsoleSupervisor({
      script: FAKE,
      execArgv: ['--import', 'tsx'],
      argv,
      env: process.env,
      token: 'page-token',
      policy: extra.policy,
      watchdog: extra.watchdogMs ? { missMs: extra.watchdogMs, everyMs: 50 } : undefined,
      spare: extra.spare ?? true,
      spareDelayMs: 0,
      print: (line) => lines.push(line),
    });
    supervisor.start();
    return { s: supervisor, lines };
  }

  it('restarts a killed service on the same port with the same token, from the spare', async () => {
    const { s, lines } = supervise([]);
    const first = await s.serving;
    expect(first).toMatchObject({ type: 'serving' });
    expect(await get(first!.port)).toBe('token=page-token');
    await until('the spare is loaded', () => lines.some((l) => l.startsWith('Spare console service loaded')));
    const spare = Number(/Spare console service loaded \(pid (\d+)\)/.exec(lines.join('\n'))![1]);
    const killed = s.pid!;
    process.kill(killed, 'SIGKILL');
    await until(
      'the service is back',
      () => lines.some((l) => l.startsWith('Console service is back')),
      15_000,
    );
    expect(s.pid).toBe(spare);
    expect(lines).toContain('Console service stopped unexpectedly (signal SIGKILL); restarting.');
    expect(await get(first!.port)).toBe('token=page-token');
  });

  it('a crash loop is said once in a sentence, slowed down, and still retried', async () => {
    const policy: RestartPolicy = { delaysMs: [0, 20], windowMs: 60_000, loopAfter: 3, pauseMs: 400 };
    const { lines } = supervise(['--crash-after', '30'], { policy, spare: false });
    const backs = () => lines.filter((l) => l.startsWith('Console service is back')).length;
    await until(
      'the loop is named',
      () => lines.some((l) => l.includes('stopped unexpectedly 3 times')),
      20_000,
    );
    const named = backs();
    await until('two more tries after the pause', () => backs() >= named + 2, 20_000);
    const sentences = lines.filter((l) => l.includes('times within 60 s'));
    expect(sentences).toHaveLength(1);
    expect(sentences[0]).toMatch(
      /^The console service stopped unexpectedly 3 times within 60 s \(last: signal SIGKILL\); it is now restarted only every 400 ms until it stays up/,
    );
  });

  it('a configuration error is not restarted: the supervisor exits 2', async () => {
    const { s, lines } = supervise(['--exit-config']);
    expect(await s.serving).toBeUndefined();
    expect(await s.done).toBe(2);
    expect(lines.filter((l) => l.includes('restarting'))).toEqual([]);
  });

  it('a service that stops cleanly by itself ends the supervisor with 0', async () => {
    const { s } = supervise(['--exit-clean-after', '50']);
    expect(await s.serving).toBeDefined();
    expect(await s.done).toBe(0);
  });

  it('a frozen service (no answer to the watchdog) is killed and restarted', async () => {
    const { s, lines } = supervise(['--ignore-ping'], { watchdogMs: 300, spare: false });
    const first = await s.serving;
    const frozen = s.pid!;
    await until('restarted', () => lines.some((l) => l.startsWith('Console service is back')), 15_000);
    expect(lines).toContain('Console service has not answered for 300 ms: killing it.');
    expect(lines.join('\n')).toMatch(/stopped unexpectedly \(not responding for 300 ms\)/);
    expect(alive(frozen)).toBe(false);
    expect(await get(first!.port)).toBe('token=page-token');
  });

  it('SIGTERM to the supervisor stops the service and the spare, and nothing is restarted', async () => {
    const { s, lines } = supervise([]);
    await s.serving;
    await until('the spare is loaded', () => lines.some((l) => l.startsWith('Spare console service loaded')));
    const pids = [s.pid!, Number(/Spare console service loaded \(pid (\d+)\)/.exec(lines.join('\n'))![1])];
    expect(await s.stop('SIGTERM')).toBe(0);
    supervisor = undefined;
    await until('both gone', () => pids.every((pid) => !alive(pid)));
    expect(lines.filter((l) => l.includes('restarting'))).toEqual([]);
  });
});
