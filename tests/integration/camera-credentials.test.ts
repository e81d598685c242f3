import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperatorView } from '../../shared/contract';
import { type ConsoleCore } from '../../electron/core';
import { createDesk } from '../../electron/desk';
import { silentLogger } from '../../electron/common/log';
import { tempDir } from '../support/temp';
import { requireFfmpeg } from '../support/tools';

const supervisor: OperatorView = { id: 'sup', name: '王芳', role: 'supervisor' };
const SECRET = 'admin:S3cret-Pa55';

/**
 * A stranger's "camera" on loopback: it answers every RTSP request with 401 and a Basic challenge, which is what
 * makes ffmpeg send the user name and password it was given, and keeps every Authorization header it receives.
 */
async function credentialTrap(): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const request = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        const auth = /^authorization:\s*basic\s+(\S+)/im.exec(request);
        if (auth) received.push(Buffer.from(auth[1]!, 'base64').toString('utf8'));
        const cseq = /^cseq:\s*(\d+)/im.exec(request)?.[1] ?? '1';
        socket.write(
          `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="trap"\r\n\r\n`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('stored camera credentials go only to the host they were stored for', () => {
  let tmp: ReturnType<typeof tempDir>;
  let core: ConsoleCore;
  let trap: Awaited<ReturnType<typeof credentialTrap>>;

  beforeEach(async (ctx) => {
    if (!requireFfmpeg().available) return ctx.skip();
    tmp = tempDir();
    trap = await credentialTrap();
    core = await createDesk({
      dataDir: tmp.dir,
      dbFile: join(tmp.dir, 'console.sqlite'),
      demo: { scenario: false },
      backups: { enabled: false },
      log: silentLogger,
    });
  });
  afterEach(async () => {
    await core?.stop();
    await trap?.close();
    tmp?.cleanup();
  });

  const call = (method: string, input: unknown) =>
    core.router.call(method, input, core.openSession('memory', supervisor));

  /** A camera whose password is stored for `main` (shown to supervisors as rtsp://***@…). */
  async function storeCamera(main: string): Promise<string> {
    const saved = await call('cameras.save', {
      id: 'cam-gate',
      name: { 'zh-CN': '北门', en: 'North gate' },
      streams: { main },
    });
    expect(saved).toMatchObject({ ok: true });
    const listed = (await call('cameras.list', {})) as {
      ok: true;
      value: { cameras: Array<{ id: string; streams: { main: string } }> };
    };
    const shown = listed.value.cameras.find((c) => c.id === 'cam-gate')!.streams.main;
    expect(shown).toMatch(/^rtsp:\/\/\*\*\*@/);
    return shown;
  }

  it('a supervisor who types another host into a stored camera must type the credentials too (test and save)', async () => {
    // Stored for a camera elsewhere on the site's network (a documentation address: nothing answers there).
    const shown = await storeCamera(`rtsp://${SECRET}@198.51.100.7:554/stream1`);
    const elsewhere = shown.replace('198.51.100.7:554', `127.0.0.1:${trap.port}`);

    const test = await call('cameras.test', { url: elsewhere, cameraId: 'cam-gate' });
    expect(trap.received, 'the stored password reached another host').toEqual([]);
    expect(test).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', reason: 'camera_credentials_host' },
    });

    const save = await call('cameras.save', {
      id: 'cam-gate',
      name: '北门',
      streams: { main: elsewhere },
    });
    expect(save).toMatchObject({ ok: false, error: { reason: 'camera_credentials_host' } });
    // The stored camera is unchanged: still its own host, still its credentials.
    const row = (await core.db('camera_overrides').where({ id: 'cam-gate' }).first()) as {
      definition: string;
    };
    expect(row.definition).toContain('198.51.100.7:554');

    // Typing the credentials for the new host is what a supervisor does instead.
    const typed = await call('cameras.test', {
      url: `rtsp://someone:typed-here@127.0.0.1:${trap.port}/stream1`,
      cameraId: 'cam-gate',
    });
    expect(typed).toMatchObject({ ok: true, value: { ok: false } });
    expect(trap.received).toEqual(['someone:typed-here']);
  }, 60_000);

  it('the same host and port keep the stored credentials (editing a camera does not ask for them again)', async () => {
    const shown = await storeCamera(`rtsp://${SECRET}@127.0.0.1:${trap.port}/stream1`);
    const otherPath = shown.replace('/stream1', '/stream2');
    const test = await call('cameras.test', { url: otherPath, cameraId: 'cam-gate' });
    expect(test).toMatchObject({ ok: true, value: { ok: false } });
    expect(trap.received).toContain(SECRET);
    // Another port on the same machine is another service: the credentials are not sent there.
    const otherPort = shown.replace(`:${trap.port}/`, ':1/');
    expect(await call('cameras.test', { url: otherPort, cameraId: 'cam-gate' })).toMatchObject({
      ok: false,
      error: { reason: 'camera_credentials_host' },
    });
  }, 60_000);
});
