import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OperatorView } from '../../shared/contract';
import type { ConsoleCore } from '../../electron/core';
import { restoreCredentials } from '../../electron/core/cameras/registry';
import { requireRtspServer, startRtspServer, type RtspServer } from '../support/rtsp-camera';
import { tempDir } from '../support/temp';
import { startCore } from '../support/core';

const supervisor: OperatorView = { id: 'sup', name: '王芳', role: 'supervisor' };
const operator: OperatorView = { id: 'op', name: '李明', role: 'operator' };

describe('camera management (supervisor) against a real RTSP camera with a password', () => {
  let tmp: ReturnType<typeof tempDir>;
  let rtsp: RtspServer;
  let core: ConsoleCore;

  beforeEach(async (ctx) => {
    const tool = requireRtspServer();
    if (!tool.available) return ctx.skip();
    tmp = tempDir();
    rtsp = await startRtspServer({ cameras: 1, user: 'admin', password: 'Secr3t' });
    core = await startCore(tmp.dir, { dbFile: ':memory:' });
  });
  afterEach(async () => {
    await core?.stop();
    await rtsp?.stop();
    tmp?.cleanup();
  });

  const call = (method: string, input: unknown, who = supervisor) =>
    core.router.call(method, input, core.openSession('memory', who));
  const withAuth = (url: string, user = 'admin', pass = 'Secr3t') =>
    url.replace('rtsp://', `rtsp://${user}:${pass}@`);

  it('tests a connection and says in plain words what went wrong', async () => {
    const url = rtsp.url('/cam1');
    expect(await call('cameras.test', { url: withAuth(url) })).toMatchObject({
      ok: true,
      value: { ok: true, codec: 'h264', width: 640, height: 360 },
    });
    expect(await call('cameras.test', { url: withAuth(url, 'admin', 'wrong') })).toMatchObject({
      ok: true,
      value: { ok: false, message: expect.stringMatching(/authentication failed/) },
    });
    expect(await call('cameras.test', { url: withAuth(url).replace(/:\d+\//, ':1/') })).toMatchObject({
      ok: true,
      value: { ok: false, message: expect.stringMatching(/refused the connection/) },
    });
    expect(
      await call('cameras.test', { url: withAuth(url.replace('/cam1', '/nothing-here')) }),
    ).toMatchObject({ ok: true, value: { ok: false } });
  }, 60_000);

  it('only a supervisor manages cameras; changes are stored, audited, shown, and credentials never leave the core', async () => {
    const url = withAuth(rtsp.url('/cam1'));
    const camera = {
      id: 'cam-new',
      name: { 'zh-CN': '新增岗亭', en: 'New booth' },
      streams: { main: url },
      zone: 'gate-south',
    };
    expect(await call('cameras.save', camera, operator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const saved = await call('cameras.save', camera);
    expect(saved).toMatchObject({ ok: true, value: { id: 'cam-new', origin: 'console' } });
    expect(JSON.stringify(saved)).not.toContain('Secr3t');
    const site = await call('site.get', {}, operator);
    expect(site.ok && (site.value as { cameras: { id: string }[] }).cameras.map((c) => c.id)).toContain(
      'cam-new',
    );

    // Editing with the redacted URL keeps the stored password.
    const listed = await call('cameras.list', {});
    const shown = listed.ok
      ? (listed.value as { cameras: { id: string; streams: { main: string } }[] }).cameras.find(
          (c) => c.id === 'cam-new',
        )!
      : undefined;
    expect(shown?.streams.main).toMatch(/^rtsp:\/\/\*\*\*@127\.0\.0\.1/);
    expect(
      await call('cameras.save', { ...camera, name: '南门岗亭', streams: { main: shown!.streams.main } }),
    ).toMatchObject({ ok: true });
    expect(await call('cameras.test', { url: shown!.streams.main, cameraId: 'cam-new' })).toMatchObject({
      ok: true,
      value: { ok: true },
    });

    expect(await call('cameras.save', { ...camera, zone: 'atlantis' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await call('cameras.save', { ...camera, streams: { main: 'ftp://x' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });

    expect(await call('cameras.remove', { id: 'cam-01' })).toEqual({ ok: true, value: { done: true } });
    const after = await call('site.get', {}, operator);
    expect(after.ok && (after.value as { cameras: { id: string }[] }).cameras.map((c) => c.id)).not.toContain(
      'cam-01',
    );
    const audit = (await core
      .db('audit_log')
      .whereIn('action', ['camera.add', 'camera.update', 'camera.remove'])
      .pluck('action')) as string[];
    expect(audit).toEqual(['camera.add', 'camera.update', 'camera.remove']);
    expect(JSON.stringify(await core.db('audit_log').select('details'))).not.toContain('Secr3t');
  }, 60_000);
});

describe('credentials kept across edits', () => {
  it('puts the stored credentials back only where the URL says ***, for the same host and port, and refuses when there are none', () => {
    expect(restoreCredentials('rtsp://***@10.0.0.1/2', 'rtsp://a:b@10.0.0.1/1')).toBe(
      'rtsp://a:b@10.0.0.1/2',
    );
    // The default port written out or not is the same camera.
    expect(restoreCredentials('rtsp://***@10.0.0.1:554/1', 'rtsp://a:b@10.0.0.1/1')).toBe(
      'rtsp://a:b@10.0.0.1:554/1',
    );
    expect(restoreCredentials('rtsp://c:d@10.0.0.2/1', 'rtsp://a:b@10.0.0.1/1')).toBe(
      'rtsp://c:d@10.0.0.2/1',
    );
    for (const elsewhere of ['rtsp://***@10.0.0.2/1', 'rtsp://***@10.0.0.1:8554/1', 'http://***@10.0.0.1/1'])
      expect(() => restoreCredentials(elsewhere, 'rtsp://a:b@10.0.0.1/1'), elsewhere).toThrow(
        /another host or port/,
      );
    expect(() => restoreCredentials('rtsp://***@10.0.0.2/1', 'rtsp://10.0.0.1/1')).toThrow(
      /Enter the user name and password again/,
    );
  });
});
