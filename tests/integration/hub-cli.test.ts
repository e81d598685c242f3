import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUB_PROTOCOL_VERSION } from '../../shared/contract';
import { postgresForThisFile } from '../support/postgres';
import { tempDir } from '../support/temp';
import { until } from '../support/until';
import { writeDemoSite } from '../support/site';
import { requireOpenssl, selfSignedCert } from '../support/tools';

/** `npm run hub` as an administrator runs it: a config file, tokens issued and revoked, TLS, /health. */
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = ['--import', 'tsx', 'electron/hub/cli.ts'];

function run(args: string[]): { code: number; out: string; err: string } {
  try {
    const out = execFileSync(process.execPath, [...CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, out, err: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout, err: err.stderr };
  }
}

interface Started {
  child: ChildProcess;
  url: string;
  lines: string[];
}

function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveStart, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      lines.push(...d.toString().split('\n').filter(Boolean));
      const ready = lines.find((l) => l.startsWith('READY '));
      // The equipment lines follow READY in the same write; wait for them when a port option was given.
      if (ready && (!args.some((a) => a.endsWith('-port')) || lines.length > 1))
        resolveStart({ child, url: ready.slice(6), lines });
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code}: ${stderr}`)));
  });
}

function stop(s: Started): Promise<number | null> {
  if (s.child.exitCode !== null) return Promise.resolve(s.child.exitCode);
  return new Promise((r) => {
    s.child.removeAllListeners('exit');
    s.child.once('exit', (code) => r(code));
    s.child.kill('SIGTERM');
  });
}

function connect(url: string, token: string, options: { ca?: string } = {}): Promise<Socket> {
  const socket = io(url, {
    auth: { consoleId: 'desk-1', token, protocolVersion: HUB_PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    ...(options.ca ? { ca: options.ca } : {}),
  });
  return new Promise((resolveSocket, reject) => {
    socket.once('connect', () => resolveSocket(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

function getJson(url: string, ca?: string): Promise<Record<string, unknown>> {
  return new Promise((resolveGet, reject) => {
    const onResponse = (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolveGet(JSON.parse(body) as Record<string, unknown>));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca }, onResponse) : httpGet(url, onResponse);
    req.on('error', reject);
  });
}

const pg = postgresForThisFile();

describe('npm run hub (standalone)', () => {
  let tmp: ReturnType<typeof tempDir>;
  const closers: (() => unknown)[] = [];
  beforeEach(() => {
    tmp = tempDir('hub-cli-');
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    tmp.cleanup();
  });

  const writeConfig = (extra: Record<string, unknown> = {}) => {
    const file = join(tmp.dir, 'hub.json');
    writeFileSync(
      file,
      JSON.stringify({ host: '127.0.0.1', port: 0, dataDir: 'data', logLevel: 'warn', ...extra }),
    );
    return file;
  };

  it('issues a per-console token, admits it, refuses others, drops it when revoked; prints the DC-09 port; /health', async () => {
    // The demo site without its own equipment: the one source is the one --dc09-port starts.
    const config = writeConfig({ site: writeDemoSite(tmp.dir, (s) => void (s.sources = [])) });
    const issued = run(['token', 'issue', 'desk-1', '--config', config]);
    expect(issued.code).toBe(0);
    const token = issued.out.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(run(['token', 'issue', 'desk-1', '--config', config]).code).toBe(2);
    // Only the hash is kept.
    expect(readFileSync(join(tmp.dir, 'data', 'hub.sqlite')).includes(Buffer.from(token))).toBe(false);

    const hub = await start(['--config', config, '--dc09-port', '0']);
    closers.push(() => stop(hub));
    const dc09 = hub.lines.find((l) => l.startsWith('DC09 '));
    expect(dc09).toMatch(/^DC09 \d+ tcp\+udp:\/\/127\.0\.0\.1:\d+$/);

    const socket = await connect(hub.url, token);
    closers.push(() => socket.close());
    await expect(connect(hub.url, 'not-a-token-of-this-hub')).rejects.toThrow(/unknown console token/);

    const health = await getJson(`${hub.url}/health`);
    expect(health).toMatchObject({
      ok: true,
      consoles: 1,
      headSeq: 0,
      protocolVersion: HUB_PROTOCOL_VERSION,
    });
    expect(health.sources).toEqual([
      expect.objectContaining({ id: 'dc09', kind: 'dc09', state: 'listening' }),
    ]);

    const disconnected = new Promise<void>((r) => socket.once('disconnect', () => r()));
    expect(run(['token', 'revoke', 'desk-1', '--config', config])).toMatchObject({ code: 0 });
    await disconnected;
    await expect(connect(hub.url, token)).rejects.toThrow(/unknown console token/);
    expect(run(['token', 'list', '--config', config]).out).toMatch(/^desk-1\tissued \S+\trevoked /);
    expect(await stop(hub)).toBe(0);
  });

  it('speaks https and wss with the configured certificate', async (ctx) => {
    if (!requireOpenssl().available) return ctx.skip();
    selfSignedCert(tmp.dir);
    const config = writeConfig({
      tls: { cert: 'cert.pem', key: 'key.pem' },
      tokens: ['a-shared-token-of-16+'],
    });
    const hub = await start(['--config', config]);
    closers.push(() => stop(hub));
    expect(hub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(tmp.dir, 'cert.pem'), 'utf8');
    expect(await getJson(`${hub.url}/health`, ca)).toMatchObject({ ok: true });
    const socket = await connect(hub.url, 'a-shared-token-of-16+', { ca });
    closers.push(() => socket.close());
    expect(socket.connected).toBe(true);
    // Without the site's CA the certificate is not trusted.
    await expect(connect(hub.url, 'a-shared-token-of-16+')).rejects.toThrow();
  });

  it('refuses a config it cannot use, with the reason and exit code 2', () => {
    const config = writeConfig({ tokens: ['short'], colour: 'blue' });
    const r = run(['--config', config]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/tokens\[0\]: a token of at least 16 characters/);
    expect(r.err).toMatch(/colour/);
  });

  // Three runs of the CLI (each a Node start with tsx): the log's restart is hub-storage.test.ts's.
  it('runs on PostgreSQL with --db postgres://…: tokens there, /readyz, /metrics, a URL it cannot use', async (ctx) => {
    if (!pg.available) return ctx.skip();
    const db = await pg.database();
    const issued = run(['token', 'issue', 'desk-1', '--db', db]);
    expect(issued.code).toBe(0);
    const token = issued.out.trim();
    // (Not --port: `start` would wait for an equipment listener's line after READY.)
    const hub = await start(['--config', writeConfig(), '--db', db, '--alarms', '3']);
    closers.push(() => stop(hub));
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, engine: 'postgres', database: 'ok' });
    // The token issued into PostgreSQL admits its console.
    const socket = await connect(hub.url, token);
    closers.push(() => socket.close());
    await until('three alarms logged', async () =>
      (await getJson(`${hub.url}/health`)).headSeq === 3 ? true : undefined,
    );
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('hub_database_info{engine="postgres"} 1');
    expect(metrics).toMatch(/^hub_events_committed_total 3$/m);
    expect(metrics).toContain('hub_console_replay_lag_events{console="desk-1"}');
    // A URL it cannot use: the reason, exit code 2, never the password.
    const bad = run(['--port', '0', '--token', 'T', '--db', 'postgres://hub:s3cret@127.0.0.1:1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/names no database/);
    expect(bad.err).not.toContain('s3cret');
  }, 120_000);
});
