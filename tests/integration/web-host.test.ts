import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, createFrameTransport, type HubStatus } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { silentLogger } from '../../electron/common/log';
import { startWebHost, type WebHost } from '../../electron/web-host/server';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function upgrade(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('web host', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let host: WebHost;

  beforeAll(async () => {
    tmp = tempDir();
    const staticDir = join(tmp.dir, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(tmp.dir, 'secret.txt'), 'do not serve');
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
    host = await startWebHost({ core, staticDir, log: silentLogger });
  });
  afterAll(async () => {
    await host.stop();
    await core.stop();
    tmp.cleanup();
  });

  it('prints a loopback URL carrying the token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('serves the page, refuses path traversal and foreign Host headers', async () => {
    expect(await get(host.port, '/')).toMatchObject({
      status: 200,
      body: expect.stringContaining('console'),
    });
    expect((await get(host.port, '/../secret.txt')).status).toBe(404);
    expect((await get(host.port, '/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get(host.port, '/', 'evil.example:80')).status).toBe(421);
  });

  it('refuses the API WebSocket without the token or with a wrong one', async () => {
    const base = `ws://127.0.0.1:${host.port}/api`;
    await expect(upgrade(base)).rejects.toThrow('HTTP 401');
    await expect(upgrade(`${base}?token=nope`)).rejects.toThrow('HTTP 401');
    await expect(upgrade(`${base}?token=${host.token}`, { host: 'rebind.example' })).rejects.toThrow(
      'HTTP 421',
    );
  });

  it('carries contract calls and events over the WebSocket with the token', async () => {
    const ws = await upgrade(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    const side = createFrameTransport((text) => ws.send(text));
    ws.on('message', (data) => side.receive(data.toString()));
    const client = createClient(side.transport);
    const info = await client.call('system.info');
    expect(info.carrier).toBe('ws');
    // A browser tab starts signed out: nothing but the public methods until someone signs in.
    expect((await client.call('session.current')).operator).toBeNull();
    expect(await client.invoke('alarms.open', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    await client.call('auth.setup', { username: 'admin', name: 'Admin', password: 'admin-pass-1' });
    const bad = await client.invoke('events.recent', { limit: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const statuses: HubStatus[] = [];
    client.on('hub.status', (s) => statuses.push(s));
    await core.router.call(
      'hub.reconnect',
      {},
      core.openSession('memory', { id: 's', name: 'S', role: 'supervisor' }),
    );
    await expect.poll(() => statuses.length, { timeout: 5000 }).toBeGreaterThan(0);
    ws.close();
  });

  it('ignores frames that are not calls without dropping the connection', async () => {
    const ws = await upgrade(`ws://127.0.0.1:${host.port}/api?token=${host.token}`);
    ws.send('not json');
    ws.send(JSON.stringify({ t: 'call', id: 'x' }));
    const side = createFrameTransport((text) => ws.send(text));
    ws.on('message', (data) => side.receive(data.toString()));
    expect((await createClient(side.transport).call('session.current')).operator).toBeNull();
    ws.close();
  });
});
